// The local database knows whose it is (schema/sqlite/006): opened for writing under another
// identity, it re-labels every row of the previous one in one transaction.
#include <gtest/gtest.h>

#include <SQLiteCpp/SQLiteCpp.h>

#include "pricing/price_table.h"
#include "rollup/calendar.h"
#include "store/sample_events.h"
#include "store/sqlite_store.h"
#include "support/test_support.h"

namespace cu {
namespace {

using test::sample_event;

class SqliteIdentityTest : public ::testing::Test {
 protected:
  RollupSettings settings() const {
    return RollupSettings{&calendar_, &prices_, std::chrono::hours(5), 1'900'000'000'000};
  }
  SqliteStore open(const std::string& identity) { return SqliteStore(database_, identity); }

  // Events, checkpoints, refreshed rollups, recorded settings, one commit whose marks are still
  // pending, and rate-limit snapshots: every kind of row a source has.
  void write_history(SqliteStore& store) {
    store.rebuild_if_settings_changed(settings());
    store.commit(IngestBatch{{}, {sample_event(1, "2026-02-01T10:00:00.000Z", "s1", 5),
                                  sample_event(2, "2026-02-01T12:00:00.000Z", "s2", 6)},
                             {Checkpoint{"/logs/a.jsonl", 1, 2, "4:ab", 100}}},
                 settings());
    store.refresh_rollups(settings());
    store.commit(IngestBatch{{1}, {sample_event(3, "2026-02-03T09:00:00.000Z", "s1", 7)},
                             {Checkpoint{"/logs/a.jsonl", 1, 2, "4:ab", 250}}},
                 settings());
    store.record_rate_limits({RateLimitSnapshot{RateLimitWindow::kFiveHour, 1'770'000'000'000, 12.5, 1'770'010'000'000},
                              RateLimitSnapshot{RateLimitWindow::kSevenDay, 1'770'000'000'000, 3, 1'770'500'000'000}});
  }

  test::TempDir dir_;
  std::filesystem::path database_ = dir_.path() / "usage.db";
  Calendar calendar_{"UTC"};
  PriceTable prices_ = PriceTable::builtin();
};

TEST_F(SqliteIdentityTest, ANewIdentityTakesOverEveryRow) {
  SqliteStore old_laptop = open("ana@old-laptop");
  EXPECT_FALSE(old_laptop.adopt_identity());  // a new database becomes its first writer's
  write_history(old_laptop);
  test::TempDir reference_dir;
  SqliteStore reference(reference_dir.path() / "usage.db", "ana@new-laptop");
  write_history(reference);
  reference.refresh_rollups(settings());

  SqliteStore new_laptop = open("ana@new-laptop");
  EXPECT_EQ(new_laptop.event_count(), 0);
  const auto change = new_laptop.adopt_identity();
  ASSERT_TRUE(change);
  EXPECT_EQ(change->previous, "ana@old-laptop");
  EXPECT_EQ(change->current, "ana@new-laptop");
  EXPECT_EQ(change->events, 2);
  EXPECT_FALSE(change->kept);
  EXPECT_EQ(describe(*change), "identity changed from ana@old-laptop to ana@new-laptop: 2 events re-labelled");
  EXPECT_EQ(old_laptop.event_count(), 0);
  EXPECT_TRUE(old_laptop.load_checkpoints().empty());
  EXPECT_TRUE(old_laptop.daily_summaries().empty());
  EXPECT_TRUE(old_laptop.rate_limit_snapshots({}).empty());
  EXPECT_EQ(new_laptop.latest_rate_limits().size(), 2u);
  EXPECT_GT(new_laptop.refresh_rollups(settings()), 0);  // the pending marks moved too
  EXPECT_FALSE(new_laptop.rebuild_if_settings_changed(settings()));  // and the recorded settings
  test::expect_same_tables(reference, new_laptop);
  EXPECT_FALSE(new_laptop.adopt_identity());  // done once
}

TEST_F(SqliteIdentityTest, ChangingBackRelabelsBack) {
  SqliteStore first = open("ana@laptop");
  first.adopt_identity();
  write_history(first);
  first.refresh_rollups(settings());
  test::TempDir reference_dir;
  SqliteStore reference(reference_dir.path() / "usage.db", "ana@laptop");
  write_history(reference);
  reference.refresh_rollups(settings());
  {
    SqliteStore renamed = open("ana@renamed");
    EXPECT_EQ(renamed.adopt_identity()->events, 2);
  }
  SqliteStore back = open("ana@laptop");
  const auto change = back.adopt_identity();
  ASSERT_TRUE(change);
  EXPECT_EQ(change->previous, "ana@renamed");
  EXPECT_EQ(change->events, 2);
  test::expect_same_tables(reference, back);
  EXPECT_EQ(open("ana@renamed").event_count(), 0);
}

// An older build never recorded an identity: the database is the one source its rows carry.
TEST_F(SqliteIdentityTest, ADatabaseFromBeforeAdoptsTheSourceOfItsRows) {
  {
    SqliteStore old_build = open("ana@old-laptop");  // writes without adopt_identity()
    write_history(old_build);
  }
  SqliteStore new_laptop = open("ana@new-laptop");
  const auto change = new_laptop.adopt_identity();
  ASSERT_TRUE(change);
  EXPECT_EQ(change->previous, "ana@old-laptop");
  EXPECT_EQ(new_laptop.event_count(), 2);
}

// Several sources and no recorded identity: nothing says whose the rows are, so none move.
TEST_F(SqliteIdentityTest, ADatabaseOfSeveralSourcesMovesNothing) {
  write_history(*std::make_unique<SqliteStore>(database_, "ana@laptop"));
  write_history(*std::make_unique<SqliteStore>(database_, "bob@desk"));
  SqliteStore new_laptop = open("ana@new-laptop");
  EXPECT_FALSE(new_laptop.adopt_identity());
  EXPECT_EQ(new_laptop.event_count(), 0);
  EXPECT_EQ(open("ana@laptop").event_count(), 2);
  EXPECT_FALSE(open("bob@desk").adopt_identity());  // the database is ana@new-laptop's now
  EXPECT_EQ(open("bob@desk").event_count(), 2);
}

TEST_F(SqliteIdentityTest, RowsTheNewIdentityAlreadyHasAreNeverMerged) {
  SqliteStore old_laptop = open("ana@old-laptop");
  old_laptop.adopt_identity();
  write_history(old_laptop);
  SqliteStore new_laptop = open("ana@new-laptop");
  new_laptop.commit(IngestBatch{{}, {sample_event(1, "2026-03-01T10:00:00.000Z", "x", 1)}, {}}, settings());
  const auto change = new_laptop.adopt_identity();
  ASSERT_TRUE(change);
  EXPECT_TRUE(change->kept);
  EXPECT_EQ(change->events, 2);
  EXPECT_NE(describe(*change).find("kept under ana@old-laptop"), std::string::npos) << describe(*change);
  EXPECT_EQ(old_laptop.event_count(), 2);
  EXPECT_EQ(new_laptop.event_count(), 1);
  EXPECT_FALSE(new_laptop.adopt_identity());
}

TEST_F(SqliteIdentityTest, TheOutboxStartsWithTheRelabelThenAResync) {
  SqliteStore old_laptop = open("ana@old-laptop");
  old_laptop.adopt_identity();
  write_history(old_laptop);
  old_laptop.set_shipping(true);
  const std::string origin = old_laptop.ship_origin();
  SqliteStore new_laptop = open("ana@new-laptop");
  new_laptop.adopt_identity();
  EXPECT_TRUE(new_laptop.shipping());
  EXPECT_EQ(new_laptop.ship_origin(), origin);  // the same outbox stream, under its new name
  const ShipBatch relabel = new_laptop.read_ship_batch(0, 100);
  EXPECT_EQ(relabel.rows, 1);  // what was queued before is covered by the resync
  EXPECT_EQ(relabel.relabel_from, "ana@old-laptop");
  EXPECT_TRUE(relabel.rebuild);
  const ShipBatch resync = new_laptop.read_ship_batch(relabel.last_seq, 100);
  EXPECT_TRUE(resync.resync);
  EXPECT_EQ(resync.relabel_from, "");
  EXPECT_EQ(resync.keep_ids, (std::vector<std::int64_t>{2, 3}));
  EXPECT_EQ(resync.changes.checkpoints.size(), 1u);
}

TEST_F(SqliteIdentityTest, ARelabelWhileShippingIsOffWaitsForShipping) {
  SqliteStore old_laptop = open("ana@old-laptop");
  old_laptop.adopt_identity();
  write_history(old_laptop);
  old_laptop.set_shipping(true);
  old_laptop.set_shipping(false);
  SqliteStore new_laptop = open("ana@new-laptop");
  new_laptop.adopt_identity();
  EXPECT_FALSE(new_laptop.shipping());
  new_laptop.set_shipping(true);
  const ShipBatch relabel = new_laptop.read_ship_batch(0, 100);
  EXPECT_EQ(relabel.relabel_from, "ana@old-laptop");
  EXPECT_TRUE(new_laptop.read_ship_batch(relabel.last_seq, 100).resync);
}

// A re-label moves the rows of every table with a source column; each has its statement in
// sqlite_sql.h (kRelabel*). A new table with a source column must add one there and here.
TEST_F(SqliteIdentityTest, EveryTableWithASourceColumnIsRelabelled) {
  open("ana@laptop");
  SQLite::Database db(database_.string(), SQLite::OPEN_READONLY);
  SQLite::Statement query(db,
                          "SELECT m.name FROM sqlite_master m WHERE m.type = 'table' AND EXISTS"
                          " (SELECT 1 FROM pragma_table_info(m.name) p WHERE p.name = 'source') ORDER BY 1");
  std::vector<std::string> tables;
  while (query.executeStep()) tables.push_back(query.getColumn(0).getString());
  EXPECT_EQ(tables, (std::vector<std::string>{
                        "cache_analytics", "claude_sessions", "daily_usage_summary", "frozen_session_models",
                        "frozen_sessions", "ingest_checkpoints", "model_daily_usage", "rate_limit_snapshots",
                        "retention_state", "rollup_dirty_blocks", "rollup_dirty_dates", "rollup_dirty_sessions",
                        "rollup_settings", "session_model_usage", "ship_outbox", "ship_quarantine", "ship_state",
                        "unknown_models", "usage_blocks", "usage_events"}));
}

}  // namespace
}  // namespace cu
