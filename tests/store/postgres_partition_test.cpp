// usage_events partitioned by month (schema/postgres/006_monthly_partitions.sql): a database a
// build before partitions filled is converted in place with every row, count and sum unchanged,
// and daemons keep shipping into it, months without a partition included.
#include <gtest/gtest.h>

#include <fmt/format.h>
#include <pqxx/pqxx>

#include "pricing/price_table.h"
#include "rollup/calendar.h"
#include "store/postgres_migrate.h"
#include "store/postgres_store.h"
#include "store/postgres_test_db.h"
#include "store/sample_events.h"
#include "support/test_support.h"

namespace cu {
namespace {

using test::sample_event;

// The last schema version before partitions.
constexpr int kUnpartitionedVersion = 5;

class PostgresPartitionTest : public ::testing::Test {
 protected:
  PostgresPartitionTest() : calendar_("UTC") {}
  RollupSettings settings() const {
    return RollupSettings{&calendar_, &prices_, std::chrono::hours(5), 1'900'000'000'000};
  }

  // Ships `events` as `source` from `origin` at `seq`, through PostgresStore::apply_shipment.
  bool ship(const test::ScratchDatabase& database, const std::string& source, const std::string& origin,
            std::int64_t seq, std::vector<UsageEvent> events, std::vector<std::int64_t> removed = {}) {
    PostgresStore store(database.options(), source);
    ShipBatch batch;
    batch.origin = origin;
    batch.last_seq = seq;
    batch.rows = static_cast<std::int64_t>(events.size() + removed.size());
    batch.changes.inserted = std::move(events);
    batch.changes.removed_ids = std::move(removed);
    return store.apply_shipment(batch, settings(), true);
  }

  // Copies every row of every table of `from` into the same table of `to` (through JSON, so that
  // each value reads back as it was written), schema_migrations and the tables `to` does not have
  // yet (a later migration creates and fills them) aside.
  static void copy_rows(const test::ScratchDatabase& from, const test::ScratchDatabase& to) {
    pqxx::connection reading(from.url());
    pqxx::connection writing(to.url());
    pqxx::read_transaction r(reading);
    pqxx::work w(writing);
    const char* const kTables =
        "SELECT relname FROM pg_class WHERE relnamespace = current_schema()::regnamespace"
        " AND relkind IN ('r', 'p') AND NOT relispartition AND relname <> 'schema_migrations' ORDER BY 1";
    std::set<std::string> target;
    for (const pqxx::row& table : w.exec(kTables)) target.insert(table[0].as<std::string>());
    for (const pqxx::row& table : r.exec(kTables)) {
      if (!target.contains(table[0].as<std::string>())) continue;
      const std::string name = r.quote_name(table[0].as<std::string>());
      const std::string rows =
          r.exec1(fmt::format("SELECT COALESCE(json_agg(x), '[]')::text FROM {} x", name))[0].as<std::string>();
      w.exec_params(fmt::format("INSERT INTO {0} SELECT * FROM json_populate_recordset(NULL::{0}, $1::json)", name),
                    rows);
    }
    w.commit();
  }

  // Per source and UTC month: events, tokens, cost and logged cost; then a digest of every row.
  static std::string totals(const test::ScratchDatabase& database) {
    pqxx::connection connection(database.url());
    pqxx::read_transaction t(connection);
    const std::string sums = t.exec1(
        "SELECT string_agg(format('%s %s: %s events, %s tokens, $%s, logged $%s', source, month, n, tokens, cost,"
        " logged), E'\\n' ORDER BY source, month) FROM (SELECT source,"
        " to_char(timestamp AT TIME ZONE 'UTC', 'YYYY-MM') AS month, COUNT(*) AS n,"
        " SUM(input_tokens + output_tokens + cache_creation_tokens + cache_read_tokens) AS tokens,"
        " SUM(cost_usd) AS cost, SUM(logged_cost_usd) AS logged FROM usage_events GROUP BY 1, 2) s")[0]
                                 .as<std::string>("");
    const std::string digest =
        t.exec1("SELECT md5(string_agg(x::text, '|' ORDER BY x.source, x.id)) FROM usage_events x")[0]
            .as<std::string>("");
    return sums + "\nrows " + digest;
  }

  static bool partitioned(const test::ScratchDatabase& database) {
    return database.query_int("SELECT COUNT(*) FROM pg_partitioned_table WHERE partrelid = 'usage_events'::regclass") ==
           1;
  }

  Calendar calendar_;
  PriceTable prices_ = PriceTable::builtin();
};

TEST_F(PostgresPartitionTest, ConvertsAnExistingTableAndDaemonsKeepShipping) {
  CU_POSTGRES_URL_OR_SKIP(url);
  // The rows a team's daemons shipped, several months and sources, written by the real code...
  test::ScratchDatabase shipped(url);
  ASSERT_TRUE(ship(shipped, "ana@laptop", "origin-ana", 3,
                   {sample_event(1, "2025-11-30T23:59:59.999Z", "a1", 5),
                    sample_event(2, "2025-12-01T00:00:00.000Z", "a1", 6),
                    sample_event(3, "2026-01-15T12:00:00.000Z", "a2", 7),
                    sample_event(4, "2026-02-28T23:30:00.000Z", "a3", 8)}));
  ASSERT_TRUE(ship(shipped, "bob@desk", "origin-bob", 2,
                   {sample_event(1, "2025-12-24T08:00:00.000Z", "b1", 9),
                    sample_event(2, "2026-02-01T09:00:00.000Z", "b2", 10)}));
  ASSERT_TRUE(ship(shipped, "carol@box", "origin-carol", 1, {sample_event(7, "2026-03-01T00:00:00.000Z", "c1", 11)}));
  // ... as a build before partitions left them: schema version 5, the same rows in every table.
  test::ScratchDatabase database(url);
  {
    pqxx::connection old_build(database.url());
    ASSERT_EQ(migrate_postgres(old_build, kUnpartitionedVersion), kUnpartitionedVersion);
  }
  copy_rows(shipped, database);
  ASSERT_FALSE(partitioned(database));
  const std::string before = totals(database);
  ASSERT_EQ(database.query_int("SELECT COUNT(*) FROM usage_events"), 7);

  {
    pqxx::connection new_build(database.url());
    ASSERT_EQ(migrate_postgres(new_build), latest_postgres_migration());
  }
  EXPECT_TRUE(partitioned(database));
  EXPECT_EQ(totals(database), before);
  EXPECT_EQ(database.query_int("SELECT COUNT(*) FROM pg_class WHERE relname = 'usage_events_unpartitioned'"), 0);
  // One partition per month present, each holding exactly its month's rows: 2025-11 to 2026-03.
  EXPECT_EQ(database.query_int("SELECT COUNT(DISTINCT tableoid) FROM usage_events"), 5);
  EXPECT_EQ(database.query_int("SELECT COUNT(*) FROM usage_events WHERE tableoid::regclass::text <>"
                               " 'usage_events_' || to_char(timestamp AT TIME ZONE 'UTC', 'YYYY_MM')"),
            0);
  // And the months ahead of now.
  EXPECT_EQ(database.query_int("SELECT COUNT(*) FROM pg_inherits WHERE inhparent = 'usage_events'::regclass"
                               " AND inhrelid::regclass::text IN ('usage_events_' || to_char(now() AT TIME ZONE 'UTC',"
                               " 'YYYY_MM'), 'usage_events_' || to_char((now() + INTERVAL '2 months') AT TIME ZONE"
                               " 'UTC', 'YYYY_MM'))"),
            2);
  // The unique key holds the partition key; the old one's name is the new one's.
  EXPECT_EQ(database.query_int("SELECT COUNT(*) FROM pg_constraint WHERE conrelid = 'usage_events'::regclass"
                               " AND conname = 'usage_events_pkey' AND contype = 'p' AND array_length(conkey, 1) = 3"),
            1);
  // Indexes declared on the parent: every partition has its own.
  EXPECT_EQ(database.query_int("SELECT COUNT(*) FROM pg_inherits p WHERE p.inhparent = 'usage_events'::regclass"
                               " AND (SELECT COUNT(*) FROM pg_index i WHERE i.indrelid = p.inhrelid) <> 3"),
            0);

  // Daemons keep shipping: ana's next seq moves one event to a month without partition (far
  // ahead) and adds one there; bob replaces an event in place and removes another.
  EXPECT_EQ(database.query_int("SELECT COUNT(*) FROM pg_class WHERE relname = 'usage_events_2031_07'"), 0);
  ASSERT_TRUE(ship(database, "ana@laptop", "origin-ana", 4,
                   {sample_event(3, "2031-07-04T10:00:00.000Z", "a2", 7),
                    sample_event(5, "2031-07-05T10:00:00.000Z", "a4", 12)}));
  ASSERT_TRUE(ship(database, "bob@desk", "origin-bob", 3, {sample_event(1, "2025-12-24T08:00:00.000Z", "b1", 20)},
                   {2}));
  EXPECT_FALSE(ship(database, "carol@box", "origin-carol", 1, {sample_event(8, "2031-08-01T00:00:00.000Z", "c2", 1)}))
      << "a shipment already applied is skipped";
  EXPECT_EQ(database.query_int("SELECT COUNT(*) FROM pg_class WHERE relname = 'usage_events_2031_07'"), 1);
  EXPECT_EQ(database.query_int("SELECT COUNT(*) FROM usage_events"), 7);
  EXPECT_EQ(database.query_int("SELECT COUNT(*) FROM usage_events WHERE source = 'ana@laptop' AND id = 3"), 1);
  EXPECT_EQ(database.query_int("SELECT COUNT(*) FROM usage_events_2031_07"), 2);
  EXPECT_EQ(database.query_int("SELECT output_tokens FROM usage_events WHERE source = 'bob@desk' AND id = 1"), 20);
  EXPECT_EQ(database.query_int("SELECT COUNT(*) FROM usage_events WHERE source = 'bob@desk'"), 1);
  {
    PostgresStore ana(database.options(), "ana@laptop");
    EXPECT_EQ(ana.event_count(), 5);
    const auto days = ana.daily_summaries();
    ASSERT_FALSE(days.empty());
    EXPECT_EQ(days.back().date, "2031-07-05");
    EXPECT_EQ(ana.events_between(1'940'000'000'000, 1'960'000'000'000).size(), 2u);  // 2031-06-23 .. 2032-02-10
  }
  // The same months ahead for a store that writes directly (Store::commit).
  {
    PostgresStore carol(database.options(), "carol@box");
    carol.commit(IngestBatch{{}, {sample_event(9, "2032-01-01T00:00:00.000Z", "c3", 1)}, {}}, settings());
    EXPECT_EQ(carol.event_count(), 2);
  }
  EXPECT_EQ(database.query_int("SELECT COUNT(*) FROM usage_events_2032_01"), 1);
}

// The conversion keeps what roles.sql gave the old table: a writer login ships on, the same
// privileges and the same policies hold, without roles.sql being run again.
TEST_F(PostgresPartitionTest, TheConvertedTableKeepsItsPrivilegesAndPolicies) {
  CU_POSTGRES_URL_OR_SKIP(url);
  test::ScratchDatabase database(url);
  {
    pqxx::connection old_build(database.url());
    ASSERT_EQ(migrate_postgres(old_build, kUnpartitionedVersion), kUnpartitionedVersion);
  }
  database.apply_roles();
  const std::string login = fmt::format("cu_part_{}", database.name());
  database.execute(fmt::format("CREATE ROLE {} LOGIN IN ROLE claude_usage_writer", login));
  struct DropLogin {
    const test::ScratchDatabase& database;
    std::string login;
    ~DropLogin() {
      try {
        database.execute("DROP OWNED BY " + login + "; DROP ROLE " + login);
      } catch (const std::exception& error) {
        fmt::print(stderr, "cannot drop role {}: {}\n", login, error.what());
      }
    }
  } drop_login{database, login};
  const auto privileges = [&] {
    pqxx::connection connection(database.url());
    pqxx::read_transaction t(connection);
    return t.exec1(
                "SELECT (SELECT string_agg(format('%s %s %s', a.grantee::regrole, a.privilege_type, a.is_grantable),"
                " ', ' ORDER BY a.grantee::regrole::text, a.privilege_type) FROM pg_class c, aclexplode(c.relacl) a WHERE c.oid = 'usage_events'::regclass)"
                " || ' / ' || (SELECT string_agg(format('%s %s %s %s', polname, polcmd, pg_get_expr(polqual, polrelid),"
                " pg_get_expr(polwithcheck, polrelid)), ', ' ORDER BY polname) FROM pg_policy"
                " WHERE polrelid = 'usage_events'::regclass)")[0]
        .as<std::string>("");
  };
  // Rows written through the old table by the writer login (which claims its source).
  {
    pqxx::connection writer(conninfo_with(database.url(), {{"user", login}}));
    pqxx::work t(writer);
    t.exec_params("SELECT claim_source($1)", "ana@laptop");
    t.exec_params("INSERT INTO usage_events VALUES ($1, 1, 'm', 'r', '2026-01-10T10:00:00Z', 'p', 's', 'claude',"
                  " 1, 2, 3, 4, NULL, NULL, NULL, NULL, 0.5, false, '/', 'f', 0, 0)",
                  "ana@laptop");
    t.commit();
  }
  const std::string before = privileges();
  ASSERT_NE(before.find("claude_usage_writer INSERT"), std::string::npos) << before;
  {
    pqxx::connection new_build(database.url());
    ASSERT_EQ(migrate_postgres(new_build), latest_postgres_migration());
  }
  EXPECT_TRUE(partitioned(database));
  EXPECT_EQ(privileges(), before);
  PostgresOptions as_writer = database.options();
  as_writer.url = conninfo_with(database.url(), {{"user", login}});
  PostgresStore writer(as_writer, "ana@laptop");
  EXPECT_EQ(writer.event_count(), 1);
  ShipBatch batch;
  batch.origin = "o";
  batch.last_seq = 1;
  batch.rows = 1;
  batch.changes.inserted = {sample_event(2, "2033-03-03T03:00:00.000Z", "s2", 5)};
  EXPECT_TRUE(writer.apply_shipment(batch, settings(), true));
  EXPECT_EQ(writer.event_count(), 2);
  EXPECT_EQ(database.query_int("SELECT COUNT(*) FROM usage_events_2033_03"), 1);
}

// A database the current build created is partitioned from the start, with the months ahead of now.
TEST_F(PostgresPartitionTest, ANewDatabaseIsPartitionedWithMonthsAhead) {
  CU_POSTGRES_URL_OR_SKIP(url);
  test::ScratchPostgresStore store(url, "ana@laptop");
  EXPECT_TRUE(partitioned(store.database()));
  EXPECT_EQ(store.database().query_int("SELECT COUNT(*) FROM pg_inherits WHERE inhparent = 'usage_events'::regclass"),
            3);
  // Creating them again creates nothing.
  EXPECT_EQ(store.database().query_int("SELECT create_usage_events_partitions(ARRAY[now()])"), 0);
  // A month is dropped by dropping its partition (docs/TEAM.md, "Partitions").
  ASSERT_TRUE(ship(store.database(), "ana@laptop", "o", 1,
                   {sample_event(1, "2024-05-01T00:00:00.000Z", "s1", 1),
                    sample_event(2, "2024-06-01T00:00:00.000Z", "s2", 1)}));
  store.database().execute("DROP TABLE usage_events_2024_05");
  EXPECT_EQ(store.event_count(), 1);
}

}  // namespace
}  // namespace cu
