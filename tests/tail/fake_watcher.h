#pragma once
// A Watcher that watches nothing: it records what it was asked to watch, and the test delivers
// events by hand (emit, fail), so every transition of the Follower is stepped deterministically.
#include <filesystem>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "tail/watcher.h"

namespace cu::test {

class FakeWatcher final : public Watcher {
 public:
  explicit FakeWatcher(Handler handler) : handler_(std::move(handler)) {}

  bool watch_tree(const std::filesystem::path& dir) override {
    note_call();
    trees.insert(dir);
    return !limit;
  }
  void watch_all(const std::vector<std::filesystem::path>& dirs) override {
    for (const auto& dir : dirs) watch_tree(dir);
  }
  void watch_directory(const std::filesystem::path& dir) override {
    note_call();
    directories.insert(dir);
  }
  void unwatch_directory(const std::filesystem::path& dir) override {
    note_call();
    directories.erase(dir);
  }
  std::size_t watch_count() const override { return trees.size() + directories.size(); }
  bool limit_reached() const override { return limit; }
  bool failed() const override { return failed_; }

  // Delivers an event as the kernel would have.
  void emit(WatchEvent::Kind kind, const std::filesystem::path& path) { handler_(WatchEvent{kind, path, {}}); }
  // The descriptor broke: reports kFailed once; the watcher is dead from then on.
  void fail(const std::string& error) {
    failed_ = true;
    handler_(WatchEvent{WatchEvent::Kind::kFailed, {}, error});
  }

  std::set<std::filesystem::path> trees;        // watch_tree'd directories
  std::set<std::filesystem::path> directories;  // watch_directory'd, not unwatched since
  bool limit = false;                           // the watch limit is reached
  int calls_after_failure = 0;                  // watch calls made after fail()

 private:
  void note_call() {
    if (failed_) ++calls_after_failure;
  }

  Handler handler_;
  bool failed_ = false;
};

}  // namespace cu::test
