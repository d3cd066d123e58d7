// What PostgresStore promises beyond the shared contract: migrations of older databases,
// concurrent daemons, idempotent replays, and the least-privilege roles.
#include "store/postgres_store.h"

#include <gtest/gtest.h>

#include <thread>

#include <fmt/format.h>
#include <pqxx/pqxx>

#include "pricing/price_table.h"
#include "rollup/calendar.h"
#include "store/postgres_migrate.h"
#include "store/postgres_test_db.h"
#include "store/sample_events.h"
#include "store/sqlite_store.h"
#include "support/test_support.h"

namespace cu {
namespace {

using test::sample_event;

class PostgresStoreTest : public ::testing::Test {
 protected:
  PostgresStoreTest() : calendar_("UTC") {}
  RollupSettings settings() const {
    return RollupSettings{&calendar_, &prices_, std::chrono::hours(5), 1'900'000'000'000};
  }

  Calendar calendar_;
  PriceTable prices_ = PriceTable::builtin();
};

TEST_F(PostgresStoreTest, MigratesADatabaseAnOlderBuildCreated) {
  CU_POSTGRES_URL_OR_SKIP(url);
  test::ScratchDatabase database(url);
  {
    pqxx::connection old_build(database.url());
    ASSERT_EQ(migrate_postgres(old_build, 1), 1);
  }
  database.execute(
      "INSERT INTO usage_events VALUES ('old@host', 1, 'msg_1', 'req_1', '2026-01-05T10:00:00.000Z', '-p', 's',"
      " 'claude-sonnet-4-20250514', 10, 20, 30, 40, NULL, NULL, NULL, NULL, 0.25, false, '/p', '-p/s.jsonl', 0, 0);"
      "INSERT INTO rollup_dirty_dates VALUES ('old@host', '2026-01-05');"
      "INSERT INTO rollup_dirty_sessions VALUES ('old@host', '-p', 's')");
  PostgresStore store(database.options(), "old@host");
  EXPECT_EQ(store.schema_version(), latest_postgres_migration());
  EXPECT_GE(latest_postgres_migration(), 3);
  EXPECT_EQ(database.query_int("SELECT COUNT(*) FROM schema_migrations"), latest_postgres_migration());
  EXPECT_EQ(store.refresh_rollups(settings()), 2);
  store.rebuild_rollups(settings());
  const auto daily = store.daily_summaries();
  ASSERT_EQ(daily.size(), 1u);
  EXPECT_EQ(daily[0].tokens.total(), 100);
  EXPECT_DOUBLE_EQ(daily[0].cost_usd, 0.25);
  EXPECT_EQ(store.model_daily().size(), 1u);
  EXPECT_EQ(store.usage_blocks().size(), 1u);
  EXPECT_EQ(store.shipped_seq("any"), 0);
}

TEST_F(PostgresStoreTest, DaemonsStartingTogetherMigrateOnce) {
  CU_POSTGRES_URL_OR_SKIP(url);
  test::ScratchDatabase database(url);
  std::vector<std::thread> daemons;
  std::atomic<int> failures{0};
  for (int i = 0; i < 4; ++i) {
    daemons.emplace_back([&, i] {
      try {
        PostgresStore store(database.options(), fmt::format("d{}@host", i));
        if (store.schema_version() != latest_postgres_migration()) ++failures;
      } catch (const std::exception&) {
        ++failures;
      }
    });
  }
  for (std::thread& daemon : daemons) daemon.join();
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(database.query_int("SELECT COUNT(*) FROM schema_migrations"), latest_postgres_migration());
}

TEST_F(PostgresStoreTest, ThreeWritersShareOneDatabaseWithoutConflicts) {
  CU_POSTGRES_URL_OR_SKIP(url);
  test::ScratchDatabase database(url);
  { PostgresStore migrate(database.options(), "setup"); }
  constexpr int kBatches = 15;
  constexpr int kPerBatch = 40;
  std::vector<std::thread> writers;
  std::atomic<int> failures{0};
  for (int w = 0; w < 3; ++w) {
    writers.emplace_back([&, w] {
      try {
        PostgresStore store(database.options(), fmt::format("writer{}@host", w));
        for (int b = 0; b < kBatches; ++b) {
          IngestBatch batch;
          for (int i = 0; i < kPerBatch; ++i) {
            const int id = b * kPerBatch + i + 1;
            batch.inserted.push_back(sample_event(
                id, fmt::format("2026-02-{:02}T{:02}:{:02}:00.000Z", 1 + id % 7, id % 24, id % 60), "s", w + 1));
          }
          if (b > 0) batch.removed_ids.push_back(b * kPerBatch);  // a replacement now and then
          store.commit(batch, settings());
          store.refresh_rollups(settings());
        }
      } catch (const std::exception& error) {
        ADD_FAILURE() << error.what();
        ++failures;
      }
    });
  }
  for (std::thread& writer : writers) writer.join();
  ASSERT_EQ(failures, 0);
  for (int w = 0; w < 3; ++w) {
    PostgresStore store(database.options(), fmt::format("writer{}@host", w));
    EXPECT_EQ(store.event_count(), kBatches * kPerBatch - (kBatches - 1));
    std::int64_t output = 0;
    for (const DailySummaryRow& day : store.daily_summaries()) output += day.tokens.output;
    EXPECT_EQ(output, store.event_count() * (w + 1));
    store.rebuild_rollups(settings());
    std::int64_t rebuilt = 0;
    for (const DailySummaryRow& day : store.daily_summaries()) rebuilt += day.tokens.output;
    EXPECT_EQ(rebuilt, output);
  }
}

TEST_F(PostgresStoreTest, ReplayingABatchChangesNothing) {
  CU_POSTGRES_URL_OR_SKIP(url);
  test::ScratchPostgresStore store(url, "me@host");
  const IngestBatch batch{{}, {sample_event(1, "2026-02-01T10:00:00.000Z", "s1", 5),
                               sample_event(2, "2026-02-02T10:00:00.000Z", "s2", 6)},
                          {Checkpoint{"/l/a.jsonl", 1, 2, "3:f", 10}}};
  store.commit(batch, settings());
  store.refresh_rollups(settings());
  test::TempDir dir;
  SqliteStore reference(dir.path() / "usage.db", "me@host");
  reference.commit(batch, settings());
  reference.refresh_rollups(settings());
  test::expect_same_tables(reference, store);
  store.commit(batch, settings());
  store.commit(IngestBatch{{}, {batch.inserted[0], batch.inserted[0]}, {}}, settings());
  store.refresh_rollups(settings());
  test::expect_same_tables(reference, store);
}

TEST_F(PostgresStoreTest, NulCharactersCannotBlockAWrite) {
  CU_POSTGRES_URL_OR_SKIP(url);
  test::ScratchPostgresStore store(url, "me@host");
  UsageEvent odd = sample_event(1, "2026-02-01T10:00:00.000Z", std::string("s\0x", 3), 5);
  odd.entry.cwd = std::string("/home/\0ana", 10);
  store.commit(IngestBatch{{}, {odd}, {}}, settings());
  store.refresh_rollups(settings());
  const auto events = store.events_between(0, 4102444800000);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].entry.cwd, "/home/\xEF\xBF\xBD" "ana");
  EXPECT_EQ(store.sessions().at(0).session_id, "s\xEF\xBF\xBDx");
}

TEST_F(PostgresStoreTest, AShipmentIsAppliedOnce) {
  CU_POSTGRES_URL_OR_SKIP(url);
  test::ScratchPostgresStore store(url, "me@host");
  ShipBatch batch;
  batch.origin = "origin-a";
  batch.last_seq = 7;
  batch.rows = 2;
  batch.changes.removed_ids = {1};
  batch.changes.inserted = {sample_event(1, "2026-02-01T10:00:00.000Z", "s1", 5)};
  EXPECT_TRUE(store.apply_shipment(batch, settings(), true));
  EXPECT_EQ(store.shipped_seq("origin-a"), 7);
  batch.changes.inserted[0].entry.tokens.output = 999;
  EXPECT_FALSE(store.apply_shipment(batch, settings(), true));
  EXPECT_EQ(store.daily_summaries().at(0).tokens.output, 5);
  batch.origin = "origin-b";
  batch.last_seq = 8;
  EXPECT_THROW(store.apply_shipment(batch, settings(), true), ShipConflict);
  EXPECT_THROW(store.shipped_seq("origin-b"), ShipConflict);
}

// A shipment's snapshots become PostgreSQL's rows of their keys; the same shipment again (as
// after a crash, under a later seq) changes nothing.
TEST_F(PostgresStoreTest, ReapplyingRateLimitSnapshotsChangesNothing) {
  CU_POSTGRES_URL_OR_SKIP(url);
  test::ScratchPostgresStore store(url, "me@host");
  ShipBatch batch;
  batch.origin = "origin-a";
  batch.last_seq = 3;
  batch.rows = 3;
  batch.rate_limits = {RateLimitSnapshot{RateLimitWindow::kFiveHour, 1'770'000'000'000, 30.25, 1'770'018'000'000},
                       RateLimitSnapshot{RateLimitWindow::kSevenDay, 1'770'000'000'000, 5, 1'770'600'000'000}};
  EXPECT_TRUE(store.apply_shipment(batch, settings(), true));
  EXPECT_EQ(store.rate_limit_snapshots({}), batch.rate_limits);
  EXPECT_FALSE(store.apply_shipment(batch, settings(), true));
  batch.last_seq = 5;
  EXPECT_TRUE(store.apply_shipment(batch, settings(), true));
  EXPECT_EQ(store.rate_limit_snapshots({}), batch.rate_limits);
  batch.last_seq = 6;
  batch.rows = 1;
  batch.rate_limits = {RateLimitSnapshot{RateLimitWindow::kFiveHour, 1'770'000'030'000, 31, 1'770'018'000'000}};
  EXPECT_TRUE(store.apply_shipment(batch, settings(), true));
  EXPECT_EQ(store.latest_rate_limits().at(0), batch.rate_limits.front());
  EXPECT_EQ(store.rate_limit_snapshots({}).size(), 2u);
}

TEST(PostgresRefusalTest, DataAndConstraintErrorsAreRefusalsOthersAreNot) {
  for (const char* refusal : {"22003", "22P02", "22001", "23505", "23502"}) EXPECT_TRUE(is_refusal_sqlstate(refusal));
  for (const char* other : {"57014", "08006", "40001", "53300", "42P01", "2", "", "220030"}) {
    EXPECT_FALSE(is_refusal_sqlstate(other)) << other;
  }
}

TEST_F(PostgresStoreTest, ARefusedShipmentLeavesNothingAndTheConnectionUsable) {
  CU_POSTGRES_URL_OR_SKIP(url);
  test::ScratchPostgresStore store(url, "me@host");
  ShipBatch batch;
  batch.origin = "origin-a";
  batch.last_seq = 2;
  batch.rows = 2;
  batch.changes.inserted = {sample_event(1, "2026-02-01T10:00:00.000Z", "s1", 5),
                            sample_event(2, "2026-02-01T11:00:00.000Z", "s1", 5)};
  batch.changes.inserted[1].cost_usd = 1e12;  // NUMERIC(20,10) holds less than 1e10
  EXPECT_THROW(store.apply_shipment(batch, settings(), true), PostgresRefused);
  EXPECT_EQ(store.event_count(), 0);
  EXPECT_EQ(store.shipped_seq("origin-a"), 0);
  batch.changes.inserted.pop_back();
  EXPECT_TRUE(store.apply_shipment(batch, settings(), true));
  EXPECT_EQ(store.event_count(), 1);
}

TEST_F(PostgresStoreTest, RolesGiveWritersRowsAndReadersReportsOnly) {
  CU_POSTGRES_URL_OR_SKIP(url);
  test::ScratchDatabase database(url);
  { PostgresStore owner(database.options(), "setup"); }
  database.apply_roles();
  database.apply_roles();  // again: idempotent
  database.execute(
      "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'cu_test_writer') THEN"
      " CREATE ROLE cu_test_writer LOGIN IN ROLE claude_usage_writer; END IF;"
      " IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'cu_test_reader') THEN"
      " CREATE ROLE cu_test_reader LOGIN IN ROLE claude_usage_reader; END IF; END $$");
  PostgresOptions as_writer = database.options();
  as_writer.url = conninfo_with(database.url(), {{"user", "cu_test_writer"}});
  {
    PostgresStore writer(as_writer, "ana@laptop");
    ShipBatch batch;
    batch.origin = "o";
    batch.last_seq = 1;
    batch.rows = 1;
    batch.changes.inserted = {sample_event(1, "2026-02-01T10:00:00.000Z", "s1", 5)};
    EXPECT_TRUE(writer.apply_shipment(batch, settings(), true));
    EXPECT_EQ(writer.daily_summaries().size(), 1u);
  }
  pqxx::connection writer(as_writer.url);
  pqxx::connection reader(conninfo_with(database.url(), {{"user", "cu_test_reader"}}));
  auto fails = [](pqxx::connection& connection, const std::string& sql) {
    pqxx::work t(connection);
    try {
      t.exec(sql);
    } catch (const pqxx::insufficient_privilege&) {
      return true;
    }
    return false;
  };
  EXPECT_TRUE(fails(writer, "CREATE TABLE intruder (x int)"));
  EXPECT_TRUE(fails(writer, "DELETE FROM schema_migrations"));
  EXPECT_TRUE(fails(reader, "DELETE FROM usage_events"));
  EXPECT_TRUE(fails(reader, "SELECT * FROM ingest_checkpoints"));
  EXPECT_FALSE(fails(reader, "SELECT * FROM rate_limit_snapshots"));
  pqxx::nontransaction read(reader);
  EXPECT_EQ(read.exec("SELECT SUM(output_tokens) FROM daily_usage_summary")[0][0].as<int>(), 5);
}

// An identity change moves the rows of every table with a source column (postgres_sql.h
// kDeleteAllOfSource, kRelabelAll). A new table with a source column must be added there and here.
// source_owners is not moved: the new source is claimed, the old one stays its owner's.
// Partitions of usage_events are not tables of their own: their rows move through usage_events.
// model_monthly_usage is not moved by a statement of its own: triggers on model_daily_usage
// recompute it (schema/postgres/007_monthly_usage.sql; tests/store/postgres_monthly_usage_test.cpp).
TEST_F(PostgresStoreTest, EveryTableWithASourceColumnIsRelabelled) {
  CU_POSTGRES_URL_OR_SKIP(url);
  test::ScratchPostgresStore store(url, "ana@laptop");
  pqxx::connection connection(store.database().url());
  pqxx::nontransaction t(connection);
  std::vector<std::string> tables;
  for (const pqxx::row& row : t.exec(
           "SELECT c.relname FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid"
           " WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p')"
           " AND NOT c.relispartition AND a.attname = 'source' AND NOT a.attisdropped AND c.relname <> 'source_owners'"
           " ORDER BY 1")) {
    tables.push_back(row[0].as<std::string>());
  }
  EXPECT_EQ(tables, (std::vector<std::string>{
                        "cache_analytics", "claude_sessions", "daily_usage_summary", "frozen_session_models",
                        "frozen_sessions", "ingest_checkpoints", "model_daily_usage", "model_monthly_usage",
                        "rate_limit_snapshots", "retention_state", "rollup_dirty_blocks", "rollup_dirty_dates",
                        "rollup_dirty_sessions", "session_model_usage", "ship_progress", "usage_blocks",
                        "usage_events"}));
}

}  // namespace
}  // namespace cu
