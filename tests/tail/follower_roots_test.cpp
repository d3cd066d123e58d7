// The Follower's roots and watcher transitions, stepped by hand over a FakeWatcher and a
// FakeClock on real directories: roots that appear late, a projects/ created later or reached
// through a symlink, a root deleted and re-created, a watcher that fails, and work slices.
#include <gtest/gtest.h>

#include <fstream>

#include <chrono>
#include <memory>

#include <boost/asio/io_context.hpp>
#include <fmt/format.h>

#include "ingest/ingestor.h"
#include "rollup/calendar.h"
#include "store/sqlite_store.h"
#include "support/test_support.h"
#include "support/usage_lines.h"
#include "tail/fake_clock.h"
#include "tail/fake_watcher.h"
#include "tail/follower.h"

namespace cu {
namespace {

namespace fs = std::filesystem;
using Kind = WatchEvent::Kind;

class FollowerRootsTest : public ::testing::Test {
 protected:
  FollowerRootsTest()
      : calendar_("UTC"),
        prices_(PriceTable::builtin()),
        store_(dir_.path() / "usage.db", "me@host"),
        ingestor_(store_, prices_, RollupSettings{&calendar_, &prices_}, IngestOptions{}) {
    ingestor_.load();
  }
  ~FollowerRootsTest() override {
    if (follower_) follower_->stop();
  }

  // Starts a Follower of `roots` on the fakes (no watcher at all when !options.use_inotify) and
  // runs the loop until it has nothing left to do right now.
  void start(std::vector<fs::path> roots, FollowerOptions options = {}) {
    FollowerDevices devices;
    devices.make_watcher = [this](Watcher::Handler handler) -> std::unique_ptr<Watcher> {
      auto watcher = std::make_unique<test::FakeWatcher>(std::move(handler));
      watcher_ = watcher.get();
      return watcher;
    };
    devices.clock = &clock_;
    follower_ = std::make_unique<Follower>(io_, ingestor_, std::move(roots), options, std::move(devices));
    follower_->start();
    drain();
  }

  void drain() {
    while (io_.poll_one() > 0) {
    }
  }

  void emit(Kind kind, const fs::path& path) {
    watcher_->emit(kind, path);
    drain();
  }

  RootState state_of(std::size_t root) const { return follower_->status().roots.at(root).state; }

  test::TempDir dir_;
  Calendar calendar_;
  PriceTable prices_;
  SqliteStore store_;
  Ingestor ingestor_;
  boost::asio::io_context io_;
  test::FakeClock clock_;
  test::FakeWatcher* watcher_ = nullptr;  // made by the Follower; gone with it
  std::unique_ptr<Follower> follower_;
};

TEST_F(FollowerRootsTest, AMissingRootIsWaitedForLevelByLevelAndFollowedOnceItAppears) {
  const fs::path root = dir_.path() / "home" / ".claude";
  start({root});
  EXPECT_EQ(state_of(0), RootState::kMissing);
  EXPECT_EQ(watcher_->directories, std::set<fs::path>{dir_.path()}) << "the nearest existing ancestor";
  fs::create_directories(dir_.path() / "home");
  emit(Kind::kEntryAdded, dir_.path() / "home");
  EXPECT_EQ(watcher_->directories, std::set<fs::path>{dir_.path() / "home"}) << "one level down";
  test::write_file(root / "projects" / "p" / "s.jsonl", test::usage_lines(1, 2));
  emit(Kind::kEntryAdded, root);
  EXPECT_EQ(store_.event_count(), 2);
  EXPECT_EQ(state_of(0), RootState::kWatching);
  EXPECT_TRUE(watcher_->trees.contains(root / "projects"));
  EXPECT_TRUE(watcher_->directories.empty()) << "the ancestors' watches were ended";
  EXPECT_EQ(follower_->status().files_known, 1u);
}

TEST_F(FollowerRootsTest, AProjectsDirectoryCreatedLaterIsFollowed) {
  const fs::path root = dir_.path() / "claude";
  fs::create_directories(root);
  start({root});
  EXPECT_EQ(state_of(0), RootState::kMissing);
  EXPECT_EQ(watcher_->directories, std::set<fs::path>{root});
  test::write_file(root / "projects" / "p" / "s.jsonl", test::usage_lines(1, 2));
  emit(Kind::kEntryAdded, root / "projects");
  EXPECT_EQ(store_.event_count(), 2);
  EXPECT_EQ(state_of(0), RootState::kWatching);
}

TEST_F(FollowerRootsTest, ASymlinkedProjectsDirectoryIsWatchedAndFollowed) {
  const fs::path root = dir_.path() / "claude";
  const fs::path elsewhere = dir_.path() / "elsewhere";
  test::write_file(elsewhere / "p" / "s.jsonl", test::usage_lines(1, 2));
  fs::create_directories(root);
  fs::create_directory_symlink(elsewhere, root / "projects");
  start({root});
  EXPECT_EQ(store_.event_count(), 2);
  EXPECT_EQ(state_of(0), RootState::kWatching);
  EXPECT_EQ(watcher_->trees, std::set<fs::path>{root / "projects"});
  test::write_file(elsewhere / "p" / "t.jsonl", test::usage_lines(3, 1));
  emit(Kind::kFileChanged, root / "projects" / "p" / "t.jsonl");
  EXPECT_EQ(store_.event_count(), 3);
}

TEST_F(FollowerRootsTest, ARootDeletedAndRecreatedIsFollowedAgain) {
  const fs::path root = dir_.path() / "claude";
  test::write_file(root / "projects" / "p" / "s.jsonl", test::usage_lines(1, 2));
  start({root});
  EXPECT_EQ(store_.event_count(), 2);
  fs::remove_all(root);
  emit(Kind::kDirectoryGone, root / "projects");
  EXPECT_EQ(state_of(0), RootState::kMissing);
  EXPECT_EQ(watcher_->directories, std::set<fs::path>{dir_.path()});
  watcher_->trees.clear();  // the kernel drops the watches of deleted directories
  test::write_file(root / "projects" / "q" / "t.jsonl", test::usage_lines(3, 2));
  emit(Kind::kEntryAdded, root);
  EXPECT_EQ(store_.event_count(), 4) << "history kept, the new root's lines added";
  EXPECT_EQ(state_of(0), RootState::kWatching);
  EXPECT_TRUE(watcher_->trees.contains(root / "projects")) << "the new projects/ is watched";
}

// Without inotify, the periodic rescan (rescan() is what its timer runs) finds a root that appeared.
TEST_F(FollowerRootsTest, WithoutAWatcherTheRescanFindsARootThatAppeared) {
  const fs::path root = dir_.path() / "claude";
  FollowerOptions options;
  options.use_inotify = false;
  start({root}, options);
  EXPECT_EQ(watcher_, nullptr);
  EXPECT_EQ(state_of(0), RootState::kMissing);
  test::write_file(root / "projects" / "p" / "s.jsonl", test::usage_lines(1, 2));
  follower_->rescan();
  drain();
  EXPECT_EQ(store_.event_count(), 2);
  EXPECT_EQ(state_of(0), RootState::kPolling);
}

// A symlink to a followed root, created later, is the same directory: its files are read once.
TEST_F(FollowerRootsTest, ASecondSpellingOfAFollowedRootIsNotReadTwice) {
  const fs::path root = dir_.path() / "claude";
  const fs::path alias = dir_.path() / "alias";
  test::write_file(root / "projects" / "p" / "s.jsonl", test::usage_lines(1, 2));
  start({root, alias});
  EXPECT_EQ(state_of(1), RootState::kMissing);
  fs::create_directory_symlink(root, alias);
  emit(Kind::kEntryAdded, alias);
  follower_->rescan();
  drain();
  EXPECT_EQ(follower_->status().files_known, 1u);
  EXPECT_EQ(ingestor_.stats().lines, 2);
  EXPECT_EQ(state_of(1), RootState::kWatching);
}

TEST_F(FollowerRootsTest, AFailedWatcherSwitchesToPollingAtTheDegradedInterval) {
  const fs::path root = dir_.path() / "claude";
  test::write_file(root / "projects" / "p" / "s.jsonl", test::usage_lines(1, 2));
  FollowerOptions options;
  options.rescan_interval = std::chrono::hours(1);
  options.degraded_rescan_interval = std::chrono::milliseconds(1);
  start({root}, options);
  EXPECT_FALSE(follower_->status().polling);
  EXPECT_EQ(state_of(0), RootState::kWatching);
  ::testing::internal::CaptureStderr();
  watcher_->fail("Input/output error");
  drain();
  const std::string logged = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(logged.find("inotify failed (Input/output error)"), std::string::npos) << logged;
  EXPECT_EQ(logged.find("inotify failed", logged.find("inotify failed") + 1), std::string::npos) << logged;
  EXPECT_TRUE(follower_->status().polling);
  EXPECT_EQ(follower_->status().watches, 0u);
  EXPECT_EQ(state_of(0), RootState::kPolling);
  // Only the degraded timer (1 ms; the normal one is an hour) can find this file.
  test::write_file(root / "projects" / "p" / "t.jsonl", test::usage_lines(3, 1));
  for (int turn = 0; turn < 2000 && store_.event_count() < 3; ++turn) io_.run_for(std::chrono::milliseconds(5));
  EXPECT_EQ(store_.event_count(), 3);
  EXPECT_EQ(watcher_->calls_after_failure, 0) << "the dead watcher was still asked to watch";
}

// With inotify working, what it did not report (here: appends without an event) is found by the
// safety rescan within its interval, a bucket of sessions per step, never all at once.
TEST_F(FollowerRootsTest, TheSafetyRescanLooksAtABucketOfProjectsPerStep) {
  const fs::path root = dir_.path() / "claude";
  constexpr int kProjects = 24;
  for (int i = 0; i < kProjects; ++i) {
    test::write_file(root / "projects" / fmt::format("p{}", i) / "s.jsonl", test::usage_lines(i * 2, 1));
  }
  FollowerOptions options;
  options.rescan_interval = std::chrono::milliseconds(800);
  options.rescan_steps = 4;
  start({root}, options);
  ASSERT_EQ(store_.event_count(), kProjects);
  for (int i = 0; i < kProjects; ++i) {
    std::ofstream(root / "projects" / fmt::format("p{}", i) / "s.jsonl", std::ios::app) << test::usage_lines(i * 2 + 1, 1);
  }
  std::vector<std::int64_t> seen;  // each new event count the rescans reached
  for (int turn = 0; turn < 1000 && store_.event_count() < 2 * kProjects; ++turn) {
    io_.run_for(std::chrono::milliseconds(5));
    const std::int64_t count = store_.event_count();
    if (count != (seen.empty() ? kProjects : seen.back())) seen.push_back(count);
  }
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.back(), 2 * kProjects);
  EXPECT_GE(seen.size(), 2u) << "one step found every project's append";
  EXPECT_LT(seen.front(), 2 * kProjects);
  EXPECT_EQ(follower_->status().files_known, static_cast<std::size_t>(kProjects));
}

// A turn of work ends when the Follower's clock passes the slice: with the clock moving half a
// slice per reading, each turn reads one slice (here one whole small file) and yields.
TEST_F(FollowerRootsTest, AWorkTurnEndsWhenItsClockPassesTheSlice) {
  const fs::path root = dir_.path() / "claude";
  for (int i = 0; i < 3; ++i) test::write_file(root / "projects" / "p" / fmt::format("s{}.jsonl", i), test::usage_lines(i, 1));
  clock_ = test::FakeClock(FollowerOptions{}.work_slice / 2);
  FollowerOptions options;
  options.use_inotify = false;
  follower_ = std::make_unique<Follower>(io_, ingestor_, std::vector<fs::path>{root}, options,
                                         FollowerDevices{{}, &clock_});
  follower_->start();
  ASSERT_EQ(io_.poll_one(), 1u);
  EXPECT_EQ(follower_->status().backfill.files_done, 1);
  drain();
  EXPECT_EQ(follower_->status().backfill.files_done, 3);
  EXPECT_EQ(store_.event_count(), 3);
}

TEST(DescribeRoots, NamesTheMissingOnes) {
  EXPECT_EQ(describe_roots({{"/a", RootState::kWatching}}), "1 root(s)");
  EXPECT_EQ(describe_roots({{"/a", RootState::kPolling}, {"/b", RootState::kMissing}, {"/c", RootState::kMissing}}),
            "3 root(s) (waiting for /b, /c to appear)");
}

}  // namespace
}  // namespace cu
