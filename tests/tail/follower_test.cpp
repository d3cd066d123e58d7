// The Follower on a real directory and io_context: its backfill state as `status` reports it.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <stdexcept>

#include <SQLiteCpp/SQLiteCpp.h>
#include <boost/asio/io_context.hpp>
#include <fmt/format.h>

#include "ingest/ingestor.h"
#include "rollup/calendar.h"
#include "store/sqlite_store.h"
#include "support/test_support.h"
#include "support/usage_lines.h"
#include "tail/follower.h"

namespace cu {
namespace {

class FollowerTest : public ::testing::Test {
 protected:
  FollowerTest() : calendar_("UTC"), prices_(PriceTable::builtin()) {
    test::write_file(dir_.path() / "logs/projects/p/s.jsonl", test::usage_line(1) + test::usage_line(2));
  }

  // An Ingestor loaded from `store`, a loop, and a Follower of the test's logs on that loop
  // (by rescans: no inotify), not started yet. The follower goes first, then the loop.
  struct Rig {
    Rig(FollowerTest& test, Store& store, FollowerOptions options = {})
        : ingestor(store, test.prices_, RollupSettings{&test.calendar_, &test.prices_}, IngestOptions{}) {
      ingestor.load();
      options.use_inotify = false;
      follower = std::make_unique<Follower>(io, ingestor, std::vector<std::filesystem::path>{test.dir_.path() / "logs"},
                                            options);
    }
    Ingestor ingestor;
    boost::asio::io_context io;
    std::unique_ptr<Follower> follower;
  };

  // Starts a follower on a fresh Ingestor over the same database, runs the loop until it has
  // nothing left to do right now, and returns its status.
  FollowerStatus run_follower() {
    SqliteStore store(dir_.path() / "usage.db", "me@host");
    Rig rig(*this, store);
    rig.follower->start();
    while (rig.io.poll_one() > 0) {
    }
    const FollowerStatus status = rig.follower->status();
    rig.follower->stop();
    return status;
  }

  test::TempDir dir_;
  Calendar calendar_;
  PriceTable prices_;
};

TEST_F(FollowerTest, BackfillEndsWhenItsFilesAreRead) {
  const FollowerStatus status = run_follower();
  EXPECT_FALSE(status.backfilling);
  EXPECT_EQ(status.backfill.files_total, 1);
  EXPECT_EQ(status.backfill.files_done, 1);
}

TEST_F(FollowerTest, ARestartWithNothingUnreadIsNotBackfilling) {
  run_follower();
  const FollowerStatus restarted = run_follower();
  EXPECT_FALSE(restarted.backfilling) << "stayed 'backfilling' with no file to read";
  EXPECT_EQ(restarted.backfill.files_total, 0);
}

// Claude Code mid-write leaves the last line without its newline: rescans read it again and find
// nothing complete, so the follower commits nothing and refreshes nothing (SPEC §9: idle is idle).
TEST_F(FollowerTest, RescansOfAnUnterminatedLastLineWriteNothing) {
  test::write_file(dir_.path() / "logs/projects/p/s.jsonl", test::usage_line(1) + test::usage_line(2).substr(0, 50));
  SqliteStore store(dir_.path() / "usage.db", "me@host");
  Rig rig(*this, store);
  rig.follower->start();
  while (rig.io.poll_one() > 0) {
  }
  ASSERT_EQ(store.event_count(), 1);
  const std::int64_t commits = rig.follower->status().commits;
  SQLite::Database observer((dir_.path() / "usage.db").string());
  const std::int64_t version = observer.execAndGet("PRAGMA data_version").getInt64();
  for (int rescan = 0; rescan < 3; ++rescan) {
    rig.follower->rescan();
    while (rig.io.poll_one() > 0) {
    }
  }
  EXPECT_EQ(rig.follower->status().commits, commits);
  EXPECT_EQ(observer.execAndGet("PRAGMA data_version").getInt64(), version) << "a rescan wrote the database";
  rig.follower->stop();
}

// Refuses its first `commit_failures` commits and then its first `refresh_failures` refreshes, as
// a database locked by another process or on a full disk does; otherwise the SQLite store.
class RefusingStore final : public Store {
 public:
  RefusingStore(SqliteStore& store, int commit_failures, int refresh_failures)
      : store_(store), commit_failures_(commit_failures), refresh_failures_(refresh_failures) {}

  std::string backend() const override { return store_.backend(); }
  std::vector<Checkpoint> load_checkpoints() override { return store_.load_checkpoints(); }
  void load_message_keys(const std::function<void(std::int64_t)>& visit) override {
    store_.load_message_keys(visit);
  }
  std::int64_t max_event_id() override { return store_.max_event_id(); }
  std::vector<StoredIdentity> identities_of_message(const std::string& message_id) override {
    return store_.identities_of_message(message_id);
  }
  void commit(const IngestBatch& batch, const RollupSettings& settings) override {
    if (commit_failures_ > 0 && batch.inserted.size() > 0) {
      --commit_failures_;
      throw std::runtime_error("database is locked");
    }
    store_.commit(batch, settings);
  }
  std::int64_t refresh_rollups(const RollupSettings& settings) override {
    if (refresh_failures_ > 0) {
      --refresh_failures_;
      throw std::runtime_error("database is locked");
    }
    return store_.refresh_rollups(settings);
  }
  // The SQLite store's one transaction: a refused commit or refresh stores nothing of the batch.
  void commit_and_refresh(const IngestBatch& batch, const RollupSettings& settings) override {
    if (commit_failures_ > 0 && batch.inserted.size() > 0) {
      --commit_failures_;
      throw std::runtime_error("database is locked");
    }
    if (refresh_failures_ > 0) {
      --refresh_failures_;
      throw std::runtime_error("database is locked");
    }
    store_.commit_and_refresh(batch, settings);
  }
  void rebuild_rollups(const RollupSettings& settings) override { store_.rebuild_rollups(settings); }
  std::int64_t refresh_block_status(const RollupSettings& settings) override {
    return store_.refresh_block_status(settings);
  }
  std::vector<DailySummaryRow> daily_summaries(const ReportFilter& filter) override {
    return store_.daily_summaries(filter);
  }
  std::vector<ModelDailyRow> model_daily(const ReportFilter& filter) override { return store_.model_daily(filter); }
  std::vector<CacheAnalyticsRow> cache_analytics(const ReportFilter& filter) override {
    return store_.cache_analytics(filter);
  }
  std::vector<SessionRow> sessions(const ReportFilter& filter, const Calendar* calendar) override {
    return store_.sessions(filter, calendar);
  }
  std::vector<SessionModelRow> session_models(const ReportFilter& filter, const Calendar* calendar) override {
    return store_.session_models(filter, calendar);
  }
  std::vector<UsageBlock> usage_blocks(const ReportFilter& filter, const Calendar* calendar) override {
    return store_.usage_blocks(filter, calendar);
  }
  std::vector<UsageEvent> events_between(std::int64_t from_ms, std::int64_t to_ms,
                                         const std::string& project) override {
    return store_.events_between(from_ms, to_ms, project);
  }
  std::vector<std::string> projects() override { return store_.projects(); }
  std::int64_t event_count() override { return store_.event_count(); }
  std::optional<RetentionState> retention() override { return store_.retention(); }
  std::vector<StoredEventKey> events_of_file(const std::string& project, const std::string& session_id,
                                             const std::string& file) override {
    return store_.events_of_file(project, session_id, file);
  }
  void record_rate_limits(const std::vector<RateLimitSnapshot>& snapshots) override {
    store_.record_rate_limits(snapshots);
  }
  std::vector<RateLimitSnapshot> rate_limit_snapshots(const RateLimitFilter& filter) override {
    return store_.rate_limit_snapshots(filter);
  }
  std::vector<RateLimitSnapshot> latest_rate_limits() override { return store_.latest_rate_limits(); }
  std::vector<UsagePoint> usage_points(std::int64_t from_ms, std::int64_t to_ms) override {
    return store_.usage_points(from_ms, to_ms);
  }

 private:
  SqliteStore& store_;
  int commit_failures_;
  int refresh_failures_;
};

class FollowerStoreFailureTest : public FollowerTest {
 protected:
  // Follows the logs through a store that refuses `commit_failures` commits and then
  // `refresh_failures` refreshes, until the day's rollup appears (or a generous bound of loop
  // turns passes); returns the follower's status then.
  FollowerStatus follow_through_refusals(int commit_failures, int refresh_failures) {
    SqliteStore sqlite(dir_.path() / "usage.db", "me@host");
    RefusingStore store(sqlite, commit_failures, refresh_failures);
    FollowerOptions options;
    options.store_retry_delay = std::chrono::milliseconds(2);
    options.store_retry_max = std::chrono::milliseconds(4);
    Rig rig(*this, store, options);
    rig.follower->start();
    for (int turn = 0; turn < 2000 && sqlite.daily_summaries().empty(); ++turn) {
      rig.io.run_for(std::chrono::milliseconds(5));
    }
    const FollowerStatus status = rig.follower->status();
    rig.follower->stop();
    EXPECT_EQ(sqlite.event_count(), 2);
    const auto daily = sqlite.daily_summaries();
    EXPECT_EQ(daily.size(), 1u);
    if (!daily.empty()) {
      EXPECT_EQ(daily.front().tokens.output, 10);
    }
    return status;
  }
};

TEST_F(FollowerStoreFailureTest, ARefusedCommitIsReadAgainFromTheLastCommit) {
  const FollowerStatus status = follow_through_refusals(2, 0);
  EXPECT_EQ(status.store_failures, 2);
  EXPECT_EQ(status.last_store_error, "") << "cleared by the commit that succeeded";
}

// The events are committed but their rollups are not: with nothing left to read, the retry must
// still refresh them, or the reports stay behind until the next new line.
TEST_F(FollowerStoreFailureTest, ARefusedRefreshIsRetriedWithNothingNewToRead) {
  const FollowerStatus status = follow_through_refusals(0, 2);
  EXPECT_EQ(status.store_failures, 2);
  EXPECT_EQ(status.last_store_error, "");
}

// A reload destroys the Follower while the backfill's next turn of work is posted to the loop:
// that handler must not touch it afterwards (the ASan and TSan builds report any access).
TEST_F(FollowerTest, WorkQueuedWhenItIsDestroyedDoesNothing) {
  SqliteStore store(dir_.path() / "usage.db", "me@host");
  Rig rig(*this, store);
  rig.follower->start();  // posts the backfill's first turn
  rig.follower.reset();
  rig.io.run_for(std::chrono::milliseconds(20));
  EXPECT_EQ(store.event_count(), 0) << "a handler of the destroyed follower read the logs";
}

}  // namespace
}  // namespace cu
