// The Shipper: SQLite outbox → PostgreSQL, exactly once, with fallback and backoff.
#include "store/shipper.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

#include "core/time.h"
#include "pricing/price_table.h"
#include "rollup/calendar.h"
#include "store/postgres_test_db.h"
#include "store/sample_events.h"
#include "support/test_support.h"

namespace cu {
namespace {

using test::sample_event;
constexpr const char* kSource = "ana@laptop";

struct LogLine {
  LogLevel level;
  std::string text;
};

class ShipperTest : public ::testing::Test {
 protected:
  ShipperTest() : calendar_("UTC"), local_(dir_.path() / "usage.db", kSource) {}

  RollupSettings settings() const {
    return RollupSettings{&calendar_, &prices_, std::chrono::hours(5), 1'900'000'000'000};
  }
  void commit(const IngestBatch& batch) {
    local_.commit(batch, settings());
    local_.refresh_rollups(settings());
  }
  ShipperOptions options() {
    ShipperOptions options;
    options.clock = [this] { return clock_ms_; };
    options.jitter_seed = 1;
    options.log = [this](LogLevel level, const std::string& text) { logs_.push_back({level, text}); };
    return options;
  }
  int logged(LogLevel level) const {
    const auto same_level = [&](const LogLine& line) { return line.level == level; };
    return static_cast<int>(std::count_if(logs_.begin(), logs_.end(), same_level));
  }
  // A Connector that fails while `down_` is set and else connects to `database`.
  Shipper::Connector flaky(const test::ScratchDatabase* database) {
    return [this, database]() -> std::unique_ptr<PostgresStore> {
      ++attempts_;
      if (down_ || database == nullptr) throw PostgresError("connection to postgresql://ana:hunter2@db failed");
      return std::make_unique<PostgresStore>(database->options(), kSource);
    };
  }
  Shipper::Connector connect_as(const test::ScratchDatabase& database, const std::string& source) {
    return [&database, source] { return std::make_unique<PostgresStore>(database.options(), source); };
  }
  // Another machine's database shipping to the same PostgreSQL under `source`.
  struct Machine {
    test::TempDir dir;
    SqliteStore local;
    Machine(const std::string& source) : local(dir.path() / "usage.db", source) {}
  };
  void commit_sample_history() {
    commit(IngestBatch{{}, {sample_event(1, "2026-02-01T10:00:00.000Z", "s1", 5),
                            sample_event(2, "2026-02-01T12:00:00.000Z", "s2", 6)},
                       {Checkpoint{"/logs/a.jsonl", 1, 2, "4:ab", 100}}});
    commit(IngestBatch{{1}, {sample_event(3, "2026-02-03T09:00:00.000Z", "s1", 7),
                             sample_event(4, "2026-02-03T23:30:00.000Z", "s3", 8)},
                       {Checkpoint{"/logs/a.jsonl", 1, 2, "4:ab", 250}}});
    local_.record_rate_limits(
        {RateLimitSnapshot{RateLimitWindow::kFiveHour, 1'770'000'000'000, 42.5, 1'770'018'000'000},
         RateLimitSnapshot{RateLimitWindow::kSevenDay, 1'770'000'000'000, 7, 1'770'600'000'000}});
  }

  test::TempDir dir_;
  Calendar calendar_;
  PriceTable prices_ = PriceTable::builtin();
  SqliteStore local_;
  std::int64_t clock_ms_ = 1'000'000;
  std::vector<LogLine> logs_;
  int attempts_ = 0;
  bool down_ = false;
};

TEST_F(ShipperTest, UnreachablePostgresMeansFallbackWithOneWarningAndBackoff) {
  commit_sample_history();
  Shipper shipper(local_, flaky(nullptr), settings(), options());
  EXPECT_EQ(shipper.status().backend, "sqlite-fallback");
  const ShipStep first = shipper.ship_some();
  EXPECT_EQ(attempts_, 1);
  EXPECT_EQ(first.rows, 0);
  EXPECT_GE(first.next.count(), 500);
  EXPECT_LE(first.next.count(), 1000);
  // Before the backoff elapsed, no attempt.
  clock_ms_ += first.next.count() - 1;
  EXPECT_EQ(shipper.ship_some().next.count(), 1);
  EXPECT_EQ(attempts_, 1);
  for (int i = 0; i < 5; ++i) {
    clock_ms_ = shipper.status().next_attempt_ms;
    shipper.ship_some();
  }
  EXPECT_EQ(attempts_, 6);
  EXPECT_EQ(logged(LogLevel::kWarning), 1);
  const ShipperStatus& status = shipper.status();
  EXPECT_EQ(status.backend, "sqlite-fallback");
  EXPECT_EQ(status.failures, 6);
  EXPECT_EQ(status.backlog, local_.outbox_size());
  EXPECT_GT(status.backlog, 0);
  EXPECT_EQ(status.last_success_ms, 0);
  EXPECT_NE(status.last_error.find("postgresql://ana:***@db"), std::string::npos) << status.last_error;
  EXPECT_EQ(status.last_error.find("hunter2"), std::string::npos);
  EXPECT_LE(status.next_attempt_ms - clock_ms_, 32000);
  // The local store keeps working.
  commit(IngestBatch{{}, {sample_event(5, "2026-02-04T10:00:00.000Z", "s4", 5)}, {}});
  EXPECT_EQ(local_.event_count(), 4);
  EXPECT_FALSE(shipper.drain());
}

TEST_F(ShipperTest, ShipsEverythingSoPostgresEqualsSqlite) {
  CU_POSTGRES_URL_OR_SKIP(url);
  test::ScratchDatabase database(url);
  commit_sample_history();
  ShipperOptions small = options();
  small.batch_rows = 2;
  Shipper shipper(local_, flaky(&database), settings(), small);
  EXPECT_TRUE(shipper.drain());
  commit(IngestBatch{{2}, {sample_event(6, "2026-02-05T10:00:00.000Z", "s2", 9)}, {}});
  EXPECT_TRUE(shipper.drain());
  const ShipperStatus& status = shipper.status();
  EXPECT_EQ(status.backend, "postgres");
  EXPECT_EQ(status.backlog, 0);
  EXPECT_EQ(status.last_success_ms, clock_ms_);
  EXPECT_EQ(status.skipped_rows, 0);
  EXPECT_EQ(logged(LogLevel::kWarning), 0);
  PostgresStore remote(database.options(), kSource);
  test::expect_same_tables(local_, remote);
  EXPECT_EQ(database.query_int("SELECT COUNT(*) FROM usage_events"), 3);
}

TEST_F(ShipperTest, AnEventInsertedAndRemovedBeforeShippingNeverReachesPostgres) {
  CU_POSTGRES_URL_OR_SKIP(url);
  test::ScratchDatabase database(url);
  Shipper shipper(local_, flaky(&database), settings(), options());
  commit(IngestBatch{{}, {sample_event(1, "2026-02-01T10:00:00.000Z", "s1", 5)}, {}});
  commit(IngestBatch{{1}, {sample_event(2, "2026-02-01T10:00:00.000Z", "s1", 9)}, {}});
  EXPECT_TRUE(shipper.drain());
  EXPECT_EQ(database.query_int("SELECT COUNT(*) FROM usage_events WHERE id = 1"), 0);
  PostgresStore remote(database.options(), kSource);
  test::expect_same_tables(local_, remote);
}

TEST_F(ShipperTest, ACrashBetweenPostgresCommitAndLocalDeleteShipsNothingTwice) {
  CU_POSTGRES_URL_OR_SKIP(url);
  test::ScratchDatabase database(url);
  commit_sample_history();
  std::int64_t crashed_rows = 0;
  {
    ShipperOptions crashing = options();
    crashing.after_remote_commit = [] { throw std::runtime_error("simulated crash"); };
    Shipper shipper(local_, flaky(&database), settings(), crashing);
    crashed_rows = local_.outbox_size();
    EXPECT_FALSE(shipper.drain());
    EXPECT_EQ(shipper.status().last_error, "simulated crash");
  }
  EXPECT_EQ(local_.outbox_size(), crashed_rows);  // nothing deleted locally
  Shipper restarted(local_, flaky(&database), settings(), options());
  EXPECT_TRUE(restarted.drain());
  EXPECT_EQ(restarted.status().skipped_rows, crashed_rows);
  EXPECT_EQ(restarted.status().shipped_rows, 0);
  EXPECT_EQ(local_.outbox_size(), 0);
  PostgresStore remote(database.options(), kSource);
  test::expect_same_tables(local_, remote);
  EXPECT_EQ(database.query_int("SELECT shipped_seq FROM ship_progress"), remote.shipped_seq(local_.ship_origin()));
}

TEST_F(ShipperTest, RecoversAfterAnOutageAndLogsOnlyStateChanges) {
  CU_POSTGRES_URL_OR_SKIP(url);
  test::ScratchDatabase database(url);
  Shipper shipper(local_, flaky(&database), settings(), options());
  EXPECT_TRUE(shipper.drain());
  down_ = true;
  database.disconnect_all();
  commit_sample_history();
  for (int i = 0; i < 4; ++i) {
    clock_ms_ = std::max(clock_ms_, shipper.status().next_attempt_ms);
    EXPECT_EQ(shipper.ship_some().rows, 0);
    // Commits keep landing locally during the outage.
    commit(IngestBatch{{}, {sample_event(10 + i, "2026-02-06T10:00:00.000Z", "s9", 5)}, {}});
  }
  EXPECT_EQ(shipper.status().backend, "sqlite-fallback");
  EXPECT_GT(shipper.status().backlog, 4);
  down_ = false;
  clock_ms_ = shipper.status().next_attempt_ms;
  while (shipper.ship_some(3).next.count() == 0) {
  }
  EXPECT_EQ(shipper.status().backend, "postgres");
  EXPECT_EQ(shipper.status().backlog, 0);
  EXPECT_EQ(logged(LogLevel::kWarning), 1);
  EXPECT_EQ(logged(LogLevel::kNotice), 1);
  PostgresStore remote(database.options(), kSource);
  test::expect_same_tables(local_, remote);
}

TEST_F(ShipperTest, AResyncRemovesWhatTheLocalDatabaseNoLongerHas) {
  CU_POSTGRES_URL_OR_SKIP(url);
  test::ScratchDatabase database(url);
  commit_sample_history();
  {
    Shipper shipper(local_, flaky(&database), settings(), options());
    EXPECT_TRUE(shipper.drain());
  }
  local_.set_shipping(false);
  commit(IngestBatch{{2}, {}, {}});  // not queued: shipping is off
  Shipper again(local_, flaky(&database), settings(), options());
  EXPECT_TRUE(again.drain());
  PostgresStore remote(database.options(), kSource);
  EXPECT_EQ(remote.event_count(), 2);
  test::expect_same_tables(local_, remote);
}

TEST_F(ShipperTest, ALocalRebuildIsReplayed) {
  CU_POSTGRES_URL_OR_SKIP(url);
  test::ScratchDatabase database(url);
  commit_sample_history();
  commit(IngestBatch{{}, {sample_event(7, "2026-02-05T03:00:00.000Z", "s5", 5)}, {}});
  Shipper utc(local_, flaky(&database), settings(), options());
  EXPECT_TRUE(utc.drain());
  const Calendar new_york("America/New_York");
  RollupSettings moved = settings();
  moved.calendar = &new_york;
  local_.rebuild_rollups(moved);
  Shipper shipper(local_, flaky(&database), moved, options());
  EXPECT_TRUE(shipper.drain());
  PostgresStore remote(database.options(), kSource);
  EXPECT_EQ(remote.daily_summaries().back().date, "2026-02-04");  // 03:00Z on the 5th, in New York
  test::expect_same_tables(local_, remote);
}

// New prices at a start re-price the stored events: PostgreSQL gets the new costs and rollups.
TEST_F(ShipperTest, RepricedEventsReachPostgres) {
  CU_POSTGRES_URL_OR_SKIP(url);
  test::ScratchDatabase database(url);
  commit_sample_history();
  Shipper before(local_, flaky(&database), settings(), options());
  EXPECT_TRUE(before.drain());
  PriceTable doubled = prices_;
  ModelPrices sonnet = prices_.models().at("claude-sonnet-4");
  sonnet.output *= 2;
  doubled.set("claude-sonnet-4", sonnet);
  RollupSettings repriced = settings();
  repriced.prices = &doubled;
  EXPECT_EQ(local_.rebuild_if_settings_changed(repriced).repriced, 3);
  Shipper shipper(local_, flaky(&database), repriced, options());
  EXPECT_TRUE(shipper.drain());
  PostgresStore remote(database.options(), kSource);
  test::expect_same_tables(local_, remote);
}

// Six events, the fourth one costing more than PostgreSQL's NUMERIC(20,10) holds.
std::vector<UsageEvent> six_events_one_refused() {
  std::vector<UsageEvent> events;
  for (int i = 1; i <= 6; ++i) events.push_back(sample_event(i, fmt::format("2026-02-01T1{}:00:00.000Z", i), "s1", 5));
  events[3].cost_usd = 1e12;
  events[3].entry.logged_cost_usd = 1e12;
  return events;
}

TEST_F(ShipperTest, ARowPostgresRefusesIsQuarantinedAndTheRestIsShipped) {
  CU_POSTGRES_URL_OR_SKIP(url);
  test::ScratchDatabase database(url);
  commit(IngestBatch{{}, six_events_one_refused(), {Checkpoint{"/logs/a.jsonl", 1, 2, "4:ab", 600}}});
  Shipper shipper(local_, flaky(&database), settings(), options());
  EXPECT_TRUE(shipper.drain());
  const ShipperStatus& status = shipper.status();
  EXPECT_EQ(status.backend, "postgres");
  EXPECT_EQ(status.backlog, 0);
  EXPECT_EQ(database.query_int("SELECT COUNT(*) FROM usage_events"), 5);
  EXPECT_EQ(database.query_int("SELECT COUNT(*) FROM usage_events WHERE id = 4"), 0);
  EXPECT_EQ(database.query_int("SELECT COUNT(*) FROM ingest_checkpoints"), 1);
  EXPECT_EQ(local_.event_count(), 6);  // SQLite keeps it
  EXPECT_EQ(status.quarantined_rows, 1);
  EXPECT_EQ(local_.quarantined_rows(), 1);
  EXPECT_EQ(status.failures, 0);
  EXPECT_EQ(attempts_, 1);  // a refusal is not a connection failure: no reconnect, no backoff
  EXPECT_EQ(logged(LogLevel::kWarning), 0);
  ASSERT_EQ(logged(LogLevel::kError), 1);
  const std::string& error = logs_.back().text;
  EXPECT_NE(error.find("event 4 (file "), std::string::npos) << error;
  EXPECT_NE(error.find("model claude-sonnet-4"), std::string::npos) << error;
  EXPECT_NE(error.find("numeric field overflow"), std::string::npos) << error;
  // Later rows ship; the quarantined one is not tried again.
  commit(IngestBatch{{}, {sample_event(7, "2026-02-02T10:00:00.000Z", "s2", 5)}, {}});
  EXPECT_TRUE(shipper.drain());
  EXPECT_EQ(database.query_int("SELECT COUNT(*) FROM usage_events"), 6);
  EXPECT_EQ(logged(LogLevel::kError), 1);
  EXPECT_EQ(shipper.status().quarantined_rows, 1);
}

TEST_F(ShipperTest, EveryRefusedRowOfALongBacklogIsFoundAndTheRestShipped) {
  CU_POSTGRES_URL_OR_SKIP(url);
  test::ScratchDatabase database(url);
  std::vector<UsageEvent> events;
  for (int i = 1; i <= 40; ++i) {
    events.push_back(sample_event(i, fmt::format("2026-02-{:02}T10:00:00.000Z", 1 + i % 20), "s1", i));
  }
  for (const int refused : {3, 4, 29}) events[refused - 1].cost_usd = 2e10;
  commit(IngestBatch{{}, events, {}});
  ShipperOptions small = options();
  small.batch_rows = 16;
  Shipper shipper(local_, flaky(&database), settings(), small);
  EXPECT_TRUE(shipper.drain());
  EXPECT_EQ(shipper.status().backend, "postgres");
  EXPECT_EQ(shipper.status().backlog, 0);
  EXPECT_EQ(shipper.status().quarantined_rows, 3);
  EXPECT_EQ(logged(LogLevel::kError), 3);
  EXPECT_EQ(database.query_int("SELECT COUNT(*) FROM usage_events"), 37);
  EXPECT_EQ(database.query_int("SELECT COUNT(*) FROM usage_events WHERE id IN (3, 4, 29)"), 0);
  EXPECT_EQ(database.query_int("SELECT COUNT(*) FROM daily_usage_summary"), 20);
}

TEST_F(ShipperTest, AnotherDatabaseUnderTheSameSourceIsRefused) {
  CU_POSTGRES_URL_OR_SKIP(url);
  test::ScratchDatabase database(url);
  commit_sample_history();
  Shipper shipper(local_, flaky(&database), settings(), options());
  EXPECT_TRUE(shipper.drain());
  test::TempDir other_dir;
  SqliteStore impostor(other_dir.path() / "usage.db", kSource);
  impostor.commit(IngestBatch{{}, {sample_event(1, "2026-03-01T10:00:00.000Z", "x", 1)}, {}}, settings());
  Shipper refused(impostor, flaky(&database), settings(), options());
  EXPECT_FALSE(refused.drain());
  EXPECT_EQ(refused.status().backend, "sqlite-fallback");
  EXPECT_NE(refused.status().last_error.find("another local database"), std::string::npos);
  PostgresStore remote(database.options(), kSource);
  test::expect_same_tables(local_, remote);
}

RateLimitSnapshot reading(RateLimitWindow window, std::int64_t captured_at_ms, double percentage) {
  const std::int64_t resets_at = window == RateLimitWindow::kFiveHour ? 1'770'018'000'000 : 1'770'600'000'000;
  return RateLimitSnapshot{window, captured_at_ms, percentage, resets_at};
}

// Snapshots, one replaced in its minute after it was shipped, reach PostgreSQL as SQLite has them.
TEST_F(ShipperTest, RateLimitSnapshotsReachPostgresLosslessly) {
  CU_POSTGRES_URL_OR_SKIP(url);
  test::ScratchDatabase database(url);
  Shipper shipper(local_, flaky(&database), settings(), options());
  local_.record_rate_limits({reading(RateLimitWindow::kFiveHour, 1'770'000'000'000, 12.345678901234),
                             reading(RateLimitWindow::kSevenDay, 1'770'000'000'000, 3)});
  local_.record_rate_limits({reading(RateLimitWindow::kFiveHour, 1'770'000'061'500, 13)});
  EXPECT_TRUE(shipper.drain());
  local_.record_rate_limits({reading(RateLimitWindow::kFiveHour, 1'770'000'070'000, 14),  // replaces 13
                             reading(RateLimitWindow::kSevenDay, 1'770'000'070'000, 4)});
  EXPECT_TRUE(shipper.drain());
  PostgresStore remote(database.options(), kSource);
  EXPECT_EQ(remote.rate_limit_snapshots({}).size(), 4u);
  EXPECT_EQ(remote.rate_limit_snapshots({}), local_.rate_limit_snapshots({}));
  EXPECT_EQ(remote.latest_rate_limits(), local_.latest_rate_limits());
  EXPECT_EQ(shipper.status().backlog, 0);
}

TEST_F(ShipperTest, RateLimitSnapshotsRecordedDuringAnOutageAreShippedAfterIt) {
  CU_POSTGRES_URL_OR_SKIP(url);
  test::ScratchDatabase database(url);
  Shipper shipper(local_, flaky(&database), settings(), options());
  EXPECT_TRUE(shipper.drain());
  down_ = true;
  database.disconnect_all();
  for (int i = 0; i < 5; ++i) {
    local_.record_rate_limits({reading(RateLimitWindow::kFiveHour, 1'770'000'000'000 + i * 30'000, 10 + i)});
    clock_ms_ = std::max(clock_ms_, shipper.status().next_attempt_ms);
    EXPECT_EQ(shipper.ship_some().rows, 0);
  }
  EXPECT_EQ(shipper.status().backend, "sqlite-fallback");
  EXPECT_EQ(local_.rate_limit_snapshots({}).size(), 3u);  // minutes 0, 0, 1, 1, 2
  down_ = false;
  EXPECT_TRUE(shipper.drain());
  PostgresStore remote(database.options(), kSource);
  EXPECT_EQ(remote.rate_limit_snapshots({}), local_.rate_limit_snapshots({}));
}

// Snapshots recorded while shipping was off reach PostgreSQL with the resync that turning it on queues.
TEST_F(ShipperTest, AResyncShipsEveryRateLimitSnapshot) {
  CU_POSTGRES_URL_OR_SKIP(url);
  test::ScratchDatabase database(url);
  local_.record_rate_limits({reading(RateLimitWindow::kFiveHour, 1'769'000'000'000, 50)});
  EXPECT_TRUE(Shipper(local_, flaky(&database), settings(), options()).drain());
  local_.set_shipping(false);
  for (int i = 1; i <= 20; ++i) {
    local_.record_rate_limits({reading(RateLimitWindow::kFiveHour, 1'770'000'000'000 + i * 60'000, i),
                               reading(RateLimitWindow::kSevenDay, 1'770'000'000'000 + i * 60'000, i / 4.0)});
  }
  ShipperOptions small = options();
  small.batch_rows = 7;
  Shipper again(local_, flaky(&database), settings(), small);
  EXPECT_TRUE(again.drain());
  PostgresStore remote(database.options(), kSource);
  EXPECT_EQ(remote.rate_limit_snapshots({}).size(), 41u);
  test::expect_same_tables(local_, remote);
}

// PostgreSQL refuses a snapshot (a year it cannot hold): that row is quarantined, the rest ships.
TEST_F(ShipperTest, ARefusedRateLimitSnapshotIsQuarantined) {
  CU_POSTGRES_URL_OR_SKIP(url);
  test::ScratchDatabase database(url);
  RateLimitSnapshot year_zero = reading(RateLimitWindow::kSevenDay, 1'770'000'000'000, 1);
  ASSERT_TRUE(parse_timestamp_ms("0000-06-01T00:00:00.000Z", year_zero.resets_at_ms));
  local_.record_rate_limits({reading(RateLimitWindow::kFiveHour, 1'770'000'000'000, 1), year_zero,
                             reading(RateLimitWindow::kFiveHour, 1'770'000'060'000, 2)});
  Shipper shipper(local_, flaky(&database), settings(), options());
  EXPECT_TRUE(shipper.drain());
  EXPECT_EQ(shipper.status().quarantined_rows, 1);
  EXPECT_EQ(database.query_int("SELECT COUNT(*) FROM rate_limit_snapshots"), 2);
  ASSERT_EQ(logged(LogLevel::kError), 1);
  EXPECT_NE(logs_.back().text.find("the seven_day rate-limit snapshot of 2026-02-02T02:40"), std::string::npos)
      << logs_.back().text;
  EXPECT_EQ(local_.rate_limit_snapshots({}).size(), 3u);  // SQLite keeps it
}

// An identity change moves this database's rows in PostgreSQL to the new source, once; another
// machine's rows are not touched.
TEST_F(ShipperTest, AnIdentityChangeMovesThisDatabasesRowsOnce) {
  CU_POSTGRES_URL_OR_SKIP(url);
  test::ScratchDatabase database(url);
  commit_sample_history();
  EXPECT_TRUE(Shipper(local_, flaky(&database), settings(), options()).drain());
  Machine bob("bob@desk");
  bob.local.commit(IngestBatch{{}, {sample_event(1, "2026-02-01T10:00:00.000Z", "b1", 3)}, {}}, settings());
  bob.local.refresh_rollups(settings());
  EXPECT_TRUE(Shipper(bob.local, connect_as(database, "bob@desk"), settings(), options()).drain());

  SqliteStore renamed(dir_.path() / "usage.db", "ana@new-laptop");
  ASSERT_TRUE(renamed.adopt_identity());
  Shipper shipper(renamed, connect_as(database, "ana@new-laptop"), settings(), options());
  EXPECT_TRUE(shipper.drain());
  EXPECT_EQ(shipper.status().backend, "postgres");
  PostgresStore moved(database.options(), "ana@new-laptop");
  test::expect_same_tables(renamed, moved);
  EXPECT_EQ(database.query_int("SELECT COUNT(*) FROM usage_events WHERE source = 'ana@laptop'"), 0);
  EXPECT_EQ(database.query_int("SELECT COUNT(*) FROM daily_usage_summary WHERE source = 'ana@laptop'"), 0);
  EXPECT_EQ(database.query_int("SELECT COUNT(*) FROM ship_progress WHERE source = 'ana@laptop'"), 0);
  EXPECT_EQ(database.query_int("SELECT COUNT(*) FROM rate_limit_snapshots WHERE source = 'ana@laptop'"), 0);
  EXPECT_EQ(moved.rate_limit_snapshots({}).size(), 2u);
  EXPECT_GT(moved.shipped_seq(renamed.ship_origin()), 0);  // the progress moved with the rows
  PostgresStore bob_remote(database.options(), "bob@desk");
  test::expect_same_tables(bob.local, bob_remote);
}

TEST_F(ShipperTest, ACrashAfterTheRelabelCommittedDoesNotApplyItTwice) {
  CU_POSTGRES_URL_OR_SKIP(url);
  test::ScratchDatabase database(url);
  commit_sample_history();
  EXPECT_TRUE(Shipper(local_, flaky(&database), settings(), options()).drain());
  SqliteStore renamed(dir_.path() / "usage.db", "ana@new-laptop");
  ASSERT_TRUE(renamed.adopt_identity());
  {
    ShipperOptions crashing = options();
    crashing.after_remote_commit = [] { throw std::runtime_error("simulated crash"); };
    Shipper shipper(renamed, connect_as(database, "ana@new-laptop"), settings(), crashing);
    EXPECT_FALSE(shipper.drain());
  }
  Shipper restarted(renamed, connect_as(database, "ana@new-laptop"), settings(), options());
  EXPECT_TRUE(restarted.drain());
  EXPECT_EQ(restarted.status().skipped_rows, 1);  // the relabel, found applied
  PostgresStore moved(database.options(), "ana@new-laptop");
  test::expect_same_tables(renamed, moved);
  EXPECT_EQ(database.query_int("SELECT COUNT(*) FROM usage_events WHERE source = 'ana@laptop'"), 0);
}

// Two machines shared an identity (ShipConflict); the one that changes identity leaves the other's
// rows under the old source alone and ships its own under the new one.
TEST_F(ShipperTest, RowsAnotherDatabaseShippedStayWhereTheyAre) {
  CU_POSTGRES_URL_OR_SKIP(url);
  test::ScratchDatabase database(url);
  Machine first(kSource);
  first.local.commit(IngestBatch{{}, {sample_event(1, "2026-03-01T10:00:00.000Z", "x", 1)}, {}}, settings());
  first.local.refresh_rollups(settings());
  EXPECT_TRUE(Shipper(first.local, flaky(&database), settings(), options()).drain());
  commit_sample_history();
  EXPECT_FALSE(Shipper(local_, flaky(&database), settings(), options()).drain());  // ShipConflict

  SqliteStore renamed(dir_.path() / "usage.db", "ana@new-laptop");
  ASSERT_TRUE(renamed.adopt_identity());
  EXPECT_TRUE(Shipper(renamed, connect_as(database, "ana@new-laptop"), settings(), options()).drain());
  PostgresStore moved(database.options(), "ana@new-laptop");
  test::expect_same_tables(renamed, moved);
  PostgresStore first_remote(database.options(), kSource);
  test::expect_same_tables(first.local, first_remote);
}

// The new identity is already another database's in PostgreSQL: a conflict, and nothing moves.
TEST_F(ShipperTest, ANewIdentityOwnedByAnotherDatabaseIsAConflict) {
  CU_POSTGRES_URL_OR_SKIP(url);
  test::ScratchDatabase database(url);
  commit_sample_history();
  EXPECT_TRUE(Shipper(local_, flaky(&database), settings(), options()).drain());
  Machine other("ana@new-laptop");
  other.local.commit(IngestBatch{{}, {sample_event(1, "2026-03-01T10:00:00.000Z", "x", 1)}, {}}, settings());
  other.local.refresh_rollups(settings());
  EXPECT_TRUE(Shipper(other.local, connect_as(database, "ana@new-laptop"), settings(), options()).drain());

  SqliteStore renamed(dir_.path() / "usage.db", "ana@new-laptop");
  ASSERT_TRUE(renamed.adopt_identity());
  Shipper refused(renamed, connect_as(database, "ana@new-laptop"), settings(), options());
  EXPECT_FALSE(refused.drain());
  EXPECT_NE(refused.status().last_error.find("another local database"), std::string::npos)
      << refused.status().last_error;
  PostgresStore other_remote(database.options(), "ana@new-laptop");
  test::expect_same_tables(other.local, other_remote);
  EXPECT_EQ(database.query_int("SELECT COUNT(*) FROM usage_events WHERE source = 'ana@laptop'"), 3);
}

}  // namespace
}  // namespace cu
