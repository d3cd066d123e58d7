// A kill between a commit and its rollup refresh leaves dirty marks behind; with no new log data
// afterwards, the next start (daemon or --once) refreshes them before it reports ready (SPEC §9).
#include <gtest/gtest.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "integration/daemon_runner.h"
#include "integration/live_daemon.h"
#include "pricing/price_table.h"
#include "rollup/calendar.h"
#include "store/sample_events.h"
#include "support/test_support.h"

namespace cu::test {
namespace {

namespace fs = std::filesystem;

class StartupRefreshTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(temp_.path() / "logs" / "projects");  // no log data at all
    setup_ = DaemonSetup{temp_.path() / "work", {temp_.path() / "logs"}, "UTC"};
    fs::create_directories(setup_.work);
    setup_.write_config();
  }

  RollupSettings settings() const { return RollupSettings{&calendar_, &prices_, std::chrono::hours(5)}; }

  IngestBatch history() const {
    return IngestBatch{{}, {sample_event(1, "2026-02-01T10:00:00.000Z", "s1", 5),
                            sample_event(2, "2026-02-01T12:00:00.000Z", "s2", 6),
                            sample_event(3, "2026-02-03T09:00:00.000Z", "s1", 7)}, {}};
  }

  // A database as a kill right after a commit leaves it: events and dirty marks, no derived rows.
  void commit_without_refresh() {
    SqliteStore store(setup_.database_path(), kTestIdentity);
    store.rebuild_if_settings_changed(settings());  // records the settings, as a daemon would have
    store.commit(history(), settings());
  }

  // What the derived tables hold once the same history is refreshed.
  void expect_refreshed() {
    TempDir reference_dir;
    SqliteStore reference(reference_dir.path() / "usage.db", kTestIdentity);
    reference.commit(history(), settings());
    reference.refresh_rollups(settings());
    SqliteStore store = setup_.open_store();
    EXPECT_EQ(store.daily_summaries(), reference.daily_summaries());
    EXPECT_EQ(store.sessions(), reference.sessions());
    EXPECT_EQ(store.usage_blocks(), reference.usage_blocks());
    EXPECT_EQ(store.daily_summaries().size(), 2u);
  }

  TempDir temp_;
  DaemonSetup setup_;
  Calendar calendar_{"UTC"};
  PriceTable prices_ = PriceTable::builtin();
};

TEST_F(StartupRefreshTest, TheDaemonRefreshesPendingMarksBeforeItIsReady) {
  commit_without_refresh();
  const fs::path log = temp_.path() / "daemon.log";
  LiveDaemon daemon(setup_.config_path(), log);
  ASSERT_TRUE(wait_until([&] { return setup_.watching(); })) << read_file(log);
  expect_refreshed();
  EXPECT_EQ(daemon.terminate(), 0);
}

TEST_F(StartupRefreshTest, OnceRefreshesPendingMarks) {
  commit_without_refresh();
  ASSERT_EQ(setup_.run_once(), 0);
  expect_refreshed();
}

}  // namespace
}  // namespace cu::test
