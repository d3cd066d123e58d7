// InotifyWatcher on real directories: what it reports and what it watches.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "support/test_support.h"
#include "tail/inotify_watcher.h"

namespace cu {
namespace {

namespace fs = std::filesystem;

class InotifyWatcherTest : public ::testing::Test {
 protected:
  InotifyWatcherTest()
      : watcher_(io_, [this](const WatchEvent& event) { events_.push_back(event); }) {}

  // Runs the loop until an event of `kind` about `path` arrived (true) or a generous bound passed.
  bool event_arrives(WatchEvent::Kind kind, const fs::path& path) {
    for (int turn = 0; turn < 2000; ++turn) {
      for (const WatchEvent& event : events_) {
        if (event.kind == kind && event.path == path) return true;
      }
      io_.run_for(std::chrono::milliseconds(5));
    }
    return false;
  }

  test::TempDir dir_;
  boost::asio::io_context io_;
  std::vector<WatchEvent> events_;
  InotifyWatcher watcher_;
};

// SPEC §2: a root's projects/ may be a symlink, and is followed.
TEST_F(InotifyWatcherTest, ATreeWhoseTopIsASymlinkIsWatched) {
  fs::create_directories(dir_.path() / "real");
  fs::create_directory_symlink(dir_.path() / "real", dir_.path() / "projects");
  watcher_.watch_tree(dir_.path() / "projects");
  test::write_file(dir_.path() / "real" / "s.jsonl", "{}\n");
  EXPECT_TRUE(event_arrives(WatchEvent::Kind::kFileChanged, dir_.path() / "projects" / "s.jsonl"))
      << "no event through the symlinked top; " << watcher_.watch_count() << " watches";
}

// How a root that does not exist yet is waited for: what appears in the directory is reported,
// directories and symlinks alike, and nothing below it is watched.
TEST_F(InotifyWatcherTest, AWatchedDirectoryReportsNewEntriesWithoutWatchingThem) {
  watcher_.watch_directory(dir_.path());
  fs::create_directories(dir_.path() / "claude");
  EXPECT_TRUE(event_arrives(WatchEvent::Kind::kEntryAdded, dir_.path() / "claude"));
  fs::create_directory_symlink(dir_.path() / "claude", dir_.path() / "link");
  EXPECT_TRUE(event_arrives(WatchEvent::Kind::kEntryAdded, dir_.path() / "link"));
  EXPECT_EQ(watcher_.watch_count(), 1u) << "a new directory was watched";
  watcher_.unwatch_directory(dir_.path());
  EXPECT_EQ(watcher_.watch_count(), 0u);
}

// A directory both waited in and part of a tree keeps the tree's watch whole.
TEST_F(InotifyWatcherTest, WaitingInATreeDirectoryKeepsItsTreeWatch) {
  test::write_file(dir_.path() / "projects" / "s.jsonl", "{}\n");
  watcher_.watch_tree(dir_.path() / "projects");
  watcher_.watch_directory(dir_.path() / "projects");
  watcher_.unwatch_directory(dir_.path() / "projects");
  std::ofstream(dir_.path() / "projects" / "s.jsonl", std::ios::app) << "{}\n";  // a write, no creation
  EXPECT_TRUE(event_arrives(WatchEvent::Kind::kFileChanged, dir_.path() / "projects" / "s.jsonl"));
}

}  // namespace
}  // namespace cu
