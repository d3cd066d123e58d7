#pragma once
// The soak's workload: several writer threads replay a generated corpus into the watched tree line
// by line, like concurrent Claude Code sessions (a line every 50–500 ms, now and then a burst of
// hundreds of lines with lines split across writes). Whatever bytes the chaos later removes from
// the tree by moving a file away or deleting it are kept in an archive root, so that a clean
// `--once` over the tree plus the archive sees exactly what the daemon keeps (history outlives
// transcripts, SPEC §1; a file read again from 0 counts for what it holds now, SPEC §9).
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace cu::soak {

// The live Claude root (`<logs>/projects/...`) and its files, each with the lock that its writer
// and the chaos take around every change.
class Tree {
 public:
  explicit Tree(std::filesystem::path logs) : logs_(std::move(logs)) {}

  const std::filesystem::path& logs() const { return logs_; }
  std::filesystem::path projects() const { return logs_ / "projects"; }

  // The lock of `relative` (a path below projects/), made on first use; the file becomes a
  // candidate for chaos once it exists.
  std::shared_ptr<std::mutex> lock_of(const std::filesystem::path& relative);
  // Files written so far (relative paths), in the order they were first used.
  std::vector<std::filesystem::path> files() const;

 private:
  std::filesystem::path logs_;
  mutable std::mutex mutex_;
  std::map<std::filesystem::path, std::shared_ptr<std::mutex>> locks_;
  std::vector<std::filesystem::path> order_;
};

// A Claude root holding, at its relative path, the last version of each file moved away from the
// tree or deleted. A file created later at the same path replaces that version in the daemon (it is
// read from 0), so only paths without a file in the tree at the end count (drop_present).
class Archive {
 public:
  explicit Archive(std::filesystem::path base) : base_(std::move(base)) {}
  // Keeps `bytes` as the version of `relative`, replacing an earlier one.
  void preserve(const std::filesystem::path& relative, const std::string& bytes);
  // Forgets the versions of paths that hold a file below `projects` now.
  void drop_present(const std::filesystem::path& projects);
  // The archive's root, once something was preserved.
  std::vector<std::filesystem::path> roots() const;
  std::int64_t bytes() const { return bytes_; }

 private:
  std::filesystem::path base_;
  mutable std::mutex mutex_;
  std::vector<std::filesystem::path> roots_;
  std::int64_t bytes_ = 0;
};

struct WriterOptions {
  int sessions = 6;
  std::uint64_t seed = 1;
  double burst_probability = 1.0 / 120;  // per line
};

struct WriterTotals {
  std::int64_t lines = 0;
  std::int64_t bytes = 0;
  std::int64_t bursts = 0;
  std::int64_t split_lines = 0;
};

// Writer threads replaying `files` (paths below `staging`/projects) into `tree`.
class Writers {
 public:
  Writers(Tree& tree, std::filesystem::path staging, std::vector<std::filesystem::path> files,
          WriterOptions options);
  ~Writers();  // stops and joins

  void start();
  // Asks the writers to stop after the line they are writing, and joins them.
  void stop();
  WriterTotals totals() const;
  bool finished() const;  // every writer has replayed all its files

 private:
  void run(int index, std::vector<std::filesystem::path> files);
  void append(const std::filesystem::path& relative, std::string_view text, std::mt19937_64& random);

  Tree& tree_;
  std::filesystem::path staging_;
  std::vector<std::vector<std::filesystem::path>> shares_;
  WriterOptions options_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> running_{0};
  std::vector<std::thread> threads_;
  mutable std::mutex totals_mutex_;
  WriterTotals totals_;
};

// Renames the model `from` to `to` wherever `"from"` occurs in the .jsonl files below `projects`
// (so every line of a message, and its copies in resumed sessions, agree); returns how often.
std::int64_t rename_model(const std::filesystem::path& projects, const std::string& from, const std::string& to);

// Appends `text` to `path` (O_APPEND, created when missing, directories too).
void append_bytes(const std::filesystem::path& path, std::string_view text);
std::string slurp(const std::filesystem::path& path);

}  // namespace cu::soak
