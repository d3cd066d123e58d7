#pragma once
// The configured Claude roots and which of them are followed (SPEC §2): those whose projects/ is a
// directory now, a symlinked root or projects/ included, each real directory once. A root without
// one (Claude Code not run yet, or its logs deleted) is waited for through a watch on its nearest
// existing ancestor directory, one level further down each time the next one appears.
// Loop thread only.
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/source_file.h"
#include "tail/watcher.h"

namespace cu {

enum class RootState {
  kMissing,   // no projects/ directory yet: its creation is waited for
  kWatching,  // followed, with inotify
  kPolling,   // followed by periodic rescans only (no inotify, its watch limit, or it failed)
};
std::string_view to_string(RootState state);

struct RootStatus {
  std::filesystem::path path;
  RootState state = RootState::kMissing;
  friend bool operator==(const RootStatus&, const RootStatus&) = default;
};

// "2 root(s)", plus which are missing: for the log line at start.
std::string describe_roots(const std::vector<RootStatus>& roots);

class RootSet {
 public:
  explicit RootSet(std::vector<std::filesystem::path> roots);

  // Re-checks every root against the file system. A root found followed since the last call gets
  // a tree watch on its projects/ and is returned (its files need a scan); a missing one gets a
  // directory watch on its nearest existing ancestor; watches no root needs any more are ended.
  // `watcher` may be null (no watches).
  std::vector<std::filesystem::path> update(Watcher* watcher);

  // A watched directory is gone. When it is a root's projects/, that root counts as missing until
  // the next update() finds it again (watched and scanned anew); when it is a waited-for ancestor,
  // the next update() watches again. Returns whether it was either.
  bool forget(const std::filesystem::path& dir);

  std::vector<std::filesystem::path> followed() const;           // the roots, in configured order
  std::vector<std::filesystem::path> followed_projects() const;  // their projects/ directories

  // The transcript at `path` when it lies below a followed root's projects/.
  std::optional<SourceFile> classify(const std::filesystem::path& path) const;

  // Every configured root with its state; `polling`: the followed ones are found by rescans only.
  std::vector<RootStatus> statuses(bool polling) const;

 private:
  struct Root {
    std::filesystem::path path;
    bool present = false;    // projects/ was a directory at the last update()
    bool duplicate = false;  // the same projects/ as an earlier root: followed through that one
  };
  static bool followed(const Root& root) { return root.present && !root.duplicate; }
  bool wait_for(const Root& root, Watcher* watcher, std::set<std::filesystem::path>& ancestors) const;
  void mark_duplicates();

  std::vector<Root> roots_;
  std::set<std::filesystem::path> ancestors_;  // watched for a missing root's next component
};

}  // namespace cu
