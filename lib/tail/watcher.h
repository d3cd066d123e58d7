#pragma once
// What the Follower sees of a directory watcher: a hint source only (STYLE point 2). Every event
// leads to an idempotent reconcile, and a periodic rescan catches anything missed. InotifyWatcher
// is the real one; tests step a fake. Methods and the handler run on the owner's loop thread.
#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace cu {

struct WatchEvent {
  enum class Kind {
    kFileChanged,       // a file was written, created, moved in, or closed after writing
    kFileGone,          // a file was deleted or moved away
    kDirectoryAdded,    // a directory appeared in a tree (created or moved in): now watched, needs a scan
    kDirectoryGone,     // a watched directory was deleted or moved away
    kEntryAdded,        // something was created or moved into a directory watched by watch_directory
    kOverflow,          // the kernel queue overflowed: events were lost, rescan everything
    kFailed,            // the watcher stopped working (`error` says why); no event follows
  };
  Kind kind;
  std::filesystem::path path;
  std::string error;  // kFailed only
};

class Watcher {
 public:
  using Handler = std::function<void(const WatchEvent&)>;
  virtual ~Watcher() = default;

  // Watches `dir` (followed when it is a symlink) and every directory below it (symlinks there
  // not followed), each watch added before its directory is listed. Returns false when the
  // watch limit stopped it; the caller then relies on periodic rescans.
  virtual bool watch_tree(const std::filesystem::path& dir) = 0;

  // watch_tree for each of `dirs`: the periodic re-walk. When it completes, limit_reached() turns
  // false again.
  virtual void watch_all(const std::vector<std::filesystem::path>& dirs) = 0;

  // Watches `dir` alone, for entries (directories, symlinks, files) created or moved into it:
  // how a root that does not exist yet is waited for. Idempotent; never narrows a tree's watch.
  virtual void watch_directory(const std::filesystem::path& dir) = 0;

  // Ends a watch_directory watch of `dir` (a tree's watches stay).
  virtual void unwatch_directory(const std::filesystem::path& dir) = 0;

  virtual std::size_t watch_count() const = 0;
  // A watch failed for the watch limit since the last complete watch_all().
  virtual bool limit_reached() const = 0;
  // The watcher reported kFailed: it delivers nothing any more.
  virtual bool failed() const = 0;
};

// Makes the watcher a Follower uses, delivering its events to `handler`. Throws
// std::system_error when none can be had (inotify unavailable).
using WatcherFactory = std::function<std::unique_ptr<Watcher>(Watcher::Handler handler)>;

}  // namespace cu
