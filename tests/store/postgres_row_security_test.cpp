// Row-level security of the team database (schema/postgres/005_row_security.sql, roles.sql): two
// writer logins that each ship their own history cannot touch each other's rows by any statement,
// nor take each other's sources; readers see everything, claude_usage_self members their own.
// The test server's role is a superuser, which RLS does not apply to: every check connects as a
// real LOGIN role (trust authentication over the server's Unix socket).
#include <gtest/gtest.h>

#include <functional>
#include <set>

#include <fmt/format.h>
#include <pqxx/pqxx>
#include <unistd.h>

#include "pricing/price_table.h"
#include "rollup/calendar.h"
#include "store/postgres_store.h"
#include "store/postgres_team_fixture.h"
#include "store/postgres_test_db.h"
#include "store/sample_events.h"
#include "store/shipper.h"
#include "store/sqlite_store.h"
#include "support/test_support.h"

namespace cu {
namespace {

using test::sample_event;
constexpr const char* kAna = "ana@laptop";
constexpr const char* kBob = "bob@desk";

// Every table a daemon writes, with the columns of one row of `source` that is not there yet.
struct TableRow {
  const char* table;
  const char* insert;  // INSERT INTO <table> ... with $1 the source
};
const std::vector<TableRow> kTableRows = {
    {"usage_events",
     "INSERT INTO usage_events VALUES ($1, 999, 'm', 'r', now(), 'p', 's', 'claude', 1, 1, 1, 1, NULL, NULL, NULL,"
     " NULL, 1, false, '/', 'f', 0, 0)"},
    {"ingest_checkpoints", "INSERT INTO ingest_checkpoints VALUES ($1, '/x.jsonl', 1, 1, 'f', 0, now())"},
    {"claude_sessions",
     "INSERT INTO claude_sessions VALUES ($1, 'p', 'x', 'p', now(), now(), 1, 1, 1, 1, 4, 1, 'm', 1, 0, now())"},
    {"daily_usage_summary",
     "INSERT INTO daily_usage_summary VALUES ($1, '1999-01-01', 1, 1, 1, 1, 4, 1, 1, 'm', now(), now())"},
    {"model_daily_usage", "INSERT INTO model_daily_usage VALUES ($1, '1999-01-01', 'm', 1, 1, 1, 1, 4, 1, 1, now())"},
    {"model_monthly_usage",
     "INSERT INTO model_monthly_usage VALUES ($1, '1999-02-01', 'm', 1, 1, 1, 1, 4, 1, 1, now())"},
    {"cache_analytics", "INSERT INTO cache_analytics VALUES ($1, '1999-01-01', 2, 1, 0.5, 0, now())"},
    {"usage_blocks",
     "INSERT INTO usage_blocks VALUES ($1, 'x', now(), now(), now(), now(), 1, 1, 1, 1, 4, 1, 1, 1, 'm', 'active',"
     " now())"},
    {"session_model_usage", "INSERT INTO session_model_usage VALUES ($1, 'p', 'x', 'm', 1, 1, 1, 1, 1, 1)"},
    {"rollup_dirty_dates", "INSERT INTO rollup_dirty_dates VALUES ($1, '1999-01-01')"},
    {"rollup_dirty_sessions", "INSERT INTO rollup_dirty_sessions VALUES ($1, 'p', 'x')"},
    {"rollup_dirty_blocks", "INSERT INTO rollup_dirty_blocks VALUES ($1, 0)"},
    {"rate_limit_snapshots", "INSERT INTO rate_limit_snapshots VALUES ($1, 'five_hour', 1, now(), 1, now())"},
    {"ship_progress", "INSERT INTO ship_progress VALUES ($1, 'o', 1, now())"},
    {"retention_state", "INSERT INTO retention_state VALUES ($1, '1999-01-01', now(), now(), now())"},
    {"frozen_sessions", "INSERT INTO frozen_sessions VALUES ($1, 'x', 'p', 'p', now(), now(), 1, 1, 1, 1, 1, 1)"},
    {"frozen_session_models", "INSERT INTO frozen_session_models VALUES ($1, 'p', 'x', 'm', 1, 1, 1, 1, 1, 1)"},
};

class PostgresRowSecurityTest : public test::PostgresTeamTest {
 protected:
  // The team (PostgresTeamTest), ana and bob each having shipped their own history.
  void set_up_team(const std::string& url) {
    PostgresTeamTest::set_up_team(url);
    ship(ana_, kAna, "origin-ana", 1, {sample_event(1, "2026-02-01T10:00:00.000Z", "a1", 5)});
    ship(bob_, kBob, "origin-bob", 1,
         {sample_event(1, "2026-02-01T11:00:00.000Z", "b1", 7), sample_event(2, "2026-02-02T09:00:00.000Z", "b2", 9)});
  }

  // Ships `events` under `source` through PostgresStore::apply_shipment, logged in as `login`.
  void ship(const std::string& login, const std::string& source, const std::string& origin, std::int64_t seq,
            std::vector<UsageEvent> events, const std::string& relabel_from = "") {
    PostgresStore store(options_of(login), source);
    store.apply_shipment(batch_of(origin, seq, std::move(events), relabel_from), settings(), true);
  }
  static ShipBatch batch_of(const std::string& origin, std::int64_t seq, std::vector<UsageEvent> events,
                            const std::string& relabel_from = "") {
    ShipBatch batch;
    batch.origin = origin;
    batch.last_seq = seq;
    batch.rows = 1;
    batch.relabel_from = relabel_from;
    batch.changes.inserted = std::move(events);
    batch.rate_limits = {RateLimitSnapshot{RateLimitWindow::kFiveHour, 1'770'000'000'000, 10, 1'770'018'000'000}};
    return batch;
  }

  // What the owner sees: every row of `source`, in every table, as one comparable text per table.
  std::vector<std::string> rows_of(const std::string& source) const {
    pqxx::connection connection(database_->url());
    pqxx::nontransaction t(connection);
    std::vector<std::string> rows;
    for (const TableRow& table : kTableRows) {
      const std::string sql = fmt::format(
          "SELECT COALESCE(string_agg(x::text, '|' ORDER BY x::text), '') FROM {} x WHERE source = $1", table.table);
      rows.push_back(std::string(table.table) + ": " + t.exec_params1(sql, source)[0].as<std::string>());
    }
    return rows;
  }

  std::int64_t count_as(const std::string& login, const std::string& sql) {
    pqxx::connection connection(url_of(login));
    pqxx::nontransaction t(connection);
    return t.exec1(sql)[0].as<std::int64_t>();
  }
  std::string owner_of(const std::string& source) const {
    pqxx::connection connection(database_->url());
    pqxx::nontransaction t(connection);
    const pqxx::result owner = t.exec_params("SELECT owner::text FROM source_owners WHERE source = $1", source);
    return owner.empty() ? "" : owner[0][0].as<std::string>();
  }
};

TEST_F(PostgresRowSecurityTest, EachWriterOwnsTheSourceItShippedFirst) {
  CU_POSTGRES_URL_OR_SKIP(url);
  set_up_team(url);
  EXPECT_EQ(owner_of(kAna), ana_);
  EXPECT_EQ(owner_of(kBob), bob_);
  EXPECT_EQ(count_as(ana_, "SELECT COUNT(*) FROM usage_events"), 1);  // a writer sees only its own rows
  EXPECT_EQ(count_as(bob_, "SELECT COUNT(*) FROM usage_events"), 2);
}

// The report: `UPDATE daily_usage_summary SET total_tokens = 0 WHERE source = 'bob@…'`.
TEST_F(PostgresRowSecurityTest, AWriterCannotUpdateOrDeleteAnotherWritersRows) {
  CU_POSTGRES_URL_OR_SKIP(url);
  set_up_team(url);
  const std::vector<std::string> before = rows_of(kBob);
  for (const TableRow& table : kTableRows) {
    SCOPED_TRACE(table.table);
    EXPECT_EQ(affected(ana_, fmt::format("UPDATE {} SET source = source WHERE source = $1", table.table), kBob), 0);
    EXPECT_EQ(affected(ana_, fmt::format("UPDATE {} SET source = source", table.table)),
              count_as(ana_, fmt::format("SELECT COUNT(*) FROM {}", table.table)));  // its own rows only
    EXPECT_EQ(affected(ana_, fmt::format("DELETE FROM {} WHERE source = $1", table.table), kBob), 0);
  }
  EXPECT_EQ(affected(ana_, "UPDATE daily_usage_summary SET total_tokens = 0 WHERE source = $1", kBob), 0);
  EXPECT_EQ(affected(ana_, "UPDATE usage_events SET output_tokens = 0 WHERE source <> $1", kAna), 0);
  EXPECT_EQ(affected(ana_, "DELETE FROM usage_events WHERE source <> $1", kAna), 0);
  EXPECT_EQ(rows_of(kBob), before);
}

TEST_F(PostgresRowSecurityTest, AWriterCannotInsertRowsForAnotherWritersSource) {
  CU_POSTGRES_URL_OR_SKIP(url);
  set_up_team(url);
  const std::vector<std::string> before = rows_of(kBob);
  for (const TableRow& table : kTableRows) {
    SCOPED_TRACE(table.table);
    EXPECT_EQ(affected(ana_, table.insert, kBob), -1);
    EXPECT_NE(last_error_.find("row-level security"), std::string::npos) << last_error_;
    EXPECT_EQ(affected(ana_, std::string(table.insert) + " ON CONFLICT DO NOTHING", kBob), -1);
  }
  // Bob's existing keys, as the shipper's upserts write them.
  EXPECT_EQ(affected(ana_,
                     "INSERT INTO daily_usage_summary VALUES ($1, '2026-02-01', 0, 0, 0, 0, 0, 0, 0, '', now(), now())"
                     " ON CONFLICT (source, date) DO UPDATE SET total_tokens = 0",
                     kBob),
            -1);
  EXPECT_EQ(affected(ana_,
                     "INSERT INTO usage_events VALUES ($1, 1, '', '', now(), '', '', '', 0, 0, 0, 0, NULL, NULL, NULL,"
                     " NULL, 0, false, '', '', 0, 0) ON CONFLICT (source, id) DO UPDATE SET output_tokens = 0",
                     kBob),
            -1);
  EXPECT_EQ(affected(ana_,
                     "INSERT INTO ship_progress VALUES ($1, 'origin-ana', 99, now())"
                     " ON CONFLICT (source) DO UPDATE SET origin = excluded.origin",
                     kBob),
            -1);
  EXPECT_EQ(rows_of(kBob), before);
  for (const TableRow& table : kTableRows) {  // the owner can (ship_progress: bob's row is there)
    const int expected = std::string(table.table) == "ship_progress" ? 0 : 1;
    EXPECT_EQ(affected(bob_, std::string(table.insert) + " ON CONFLICT DO NOTHING", kBob), expected)
        << table.table << ": " << last_error_;
  }

  // The daemon's own path: shipping under a source another login owns is a ShipConflict naming it.
  PostgresStore impostor(options_of(ana_), kBob);
  try {
    impostor.apply_shipment(batch_of("origin-ana", 5, {sample_event(9, "2026-02-01T10:00:00.000Z", "x", 1)}),
                            settings(), true);
    ADD_FAILURE() << "shipping under bob's source succeeded";
  } catch (const ShipConflict& conflict) {
    EXPECT_NE(std::string(conflict.what()).find(bob_), std::string::npos) << conflict.what();
  }
  EXPECT_EQ(count_as(bob_, "SELECT COUNT(*) FROM usage_events WHERE id = 9"), 0);
}

TEST_F(PostgresRowSecurityTest, AWriterCannotMoveRowsToAnotherWritersSource) {
  CU_POSTGRES_URL_OR_SKIP(url);
  set_up_team(url);
  for (const TableRow& table : kTableRows) {  // a row of ana's in every table
    ASSERT_GE(affected(ana_, std::string(table.insert) + " ON CONFLICT DO NOTHING", kAna), 0) << last_error_;
  }
  const std::vector<std::string> ana_before = rows_of(kAna);
  for (const TableRow& table : kTableRows) {
    SCOPED_TRACE(table.table);
    EXPECT_EQ(affected(ana_, fmt::format("UPDATE {} SET source = $1 WHERE source = $2", table.table), kBob, kAna),
              -1);
  }
  // Nor another's rows to its own source: they are not its to update.
  EXPECT_EQ(affected(ana_, "UPDATE usage_events SET source = $1 WHERE source = $2", kAna, kBob), 0);
  EXPECT_EQ(rows_of(kAna), ana_before);
  EXPECT_EQ(count_as(bob_, "SELECT COUNT(*) FROM usage_events"), 2);
}

TEST_F(PostgresRowSecurityTest, AWriterCannotClaimOrReassignAnOwnedSource) {
  CU_POSTGRES_URL_OR_SKIP(url);
  set_up_team(url);
  EXPECT_EQ(affected(ana_, "INSERT INTO source_owners (source, owner) VALUES ($1, $2::regrole)", kBob, ana_), -1);
  EXPECT_EQ(affected(ana_, "UPDATE source_owners SET owner = $1::regrole WHERE source = $2", ana_, kBob), -1);
  EXPECT_EQ(affected(ana_, "DELETE FROM source_owners WHERE source = $1", kBob), -1);
  EXPECT_EQ(count_as(ana_, "SELECT claim_source('bob@desk')::int"), 0);
  // Nor give a source to someone else, nor claim it for a group role it could SET ROLE to.
  EXPECT_EQ(affected(ana_, "INSERT INTO source_owners (source, owner) VALUES ('new@x', $1::regrole)", bob_), -1);
  EXPECT_EQ(affected(ana_, "INSERT INTO source_owners (source, owner) VALUES ('new@x', 'claude_usage_writer')"), -1);
  {
    pqxx::connection connection(url_of(ana_));
    pqxx::work t(connection);
    t.exec("SET LOCAL ROLE claude_usage_writer");
    EXPECT_THROW(t.exec("SELECT claim_source('new@x')"), pqxx::insufficient_privilege);
  }
  EXPECT_EQ(owner_of(kBob), bob_);
  EXPECT_EQ(owner_of("new@x"), "");
  // A source nobody owns is claimed by the first login that writes it.
  EXPECT_EQ(affected(ana_, kTableRows[3].insert, "new@x"), 1);
  EXPECT_EQ(owner_of("new@x"), ana_);
  EXPECT_EQ(affected(bob_, kTableRows[3].insert, "new@x"), -1);
}

// A writer may create temporary tables (COPY staging), and pg_temp comes first in the default
// search_path: its own "source_owners" must not make it the owner of bob's source.
TEST_F(PostgresRowSecurityTest, ATemporarySourceOwnersTableGivesNoSource) {
  CU_POSTGRES_URL_OR_SKIP(url);
  set_up_team(url);
  pqxx::connection connection(url_of(ana_));
  {
    pqxx::work t(connection);
    t.exec("CREATE TEMP TABLE source_owners (source TEXT PRIMARY KEY, owner REGROLE, claimed_at TIMESTAMPTZ)");
    t.exec_params("INSERT INTO source_owners VALUES ($1, $2::regrole, now())", kBob, ana_);
    t.commit();
  }
  for (const TableRow& table : kTableRows) {
    pqxx::work t(connection);
    EXPECT_THROW(t.exec_params(table.insert, kBob), pqxx::insufficient_privilege) << table.table;
  }
  {
    pqxx::work t(connection);
    EXPECT_FALSE(t.exec_params1("SELECT claim_source($1)", kBob)[0].as<bool>());
  }
  EXPECT_EQ(owner_of(kBob), bob_);
}

TEST_F(PostgresRowSecurityTest, ReadersSeeEverySourceAndSelfMembersOnlyTheirOwn) {
  CU_POSTGRES_URL_OR_SKIP(url);
  set_up_team(url);
  const std::string reader = roles_->create("grafana", "claude_usage_reader");
  // Ana's source assigned to her person role, of which her daemon's login and her report login
  // are members (docs/TEAM.md).
  const std::string person = roles_->create("ana_person", "", /*login=*/false);
  const std::string ana_self = roles_->create("ana_reports", "claude_usage_self");
  const std::string nobody_self = roles_->create("nobody_reports", "claude_usage_self");
  roles_->grant(person, ana_ + ", " + ana_self);
  database_->execute(fmt::format("UPDATE source_owners SET owner = '{}' WHERE source = 'ana@laptop'", person));
  ship(ana_, kAna, "origin-ana", 2, {sample_event(2, "2026-02-05T10:00:00.000Z", "a2", 0)});  // still ana's
  const std::string tokens = "SELECT COALESCE(SUM(output_tokens), 0) FROM daily_usage_summary";
  EXPECT_EQ(count_as(reader, tokens), 5 + 7 + 9);
  EXPECT_EQ(count_as(ana_self, tokens), 5);
  EXPECT_EQ(count_as(nobody_self, tokens), 0);
  EXPECT_EQ(count_as(ana_self, "SELECT COUNT(*) FROM usage_events WHERE source = 'bob@desk'"), 0);
  EXPECT_EQ(count_as(ana_self, "SELECT COUNT(*) FROM source_owners"), 1);
  EXPECT_EQ(count_as(reader, "SELECT COUNT(DISTINCT source) FROM usage_events"), 2);
  EXPECT_EQ(affected(reader, "DELETE FROM usage_events"), -1);  // readers have no write privilege at all
  EXPECT_EQ(affected(ana_self, "DELETE FROM usage_events"), -1);
  EXPECT_EQ(affected(ana_self, "SELECT * FROM ingest_checkpoints"), -1);
}

// An identity change: the owner moves its own source, and the new source becomes its too.
TEST_F(PostgresRowSecurityTest, AnOwnerRelabelsItsOwnSourceButNotAnothers) {
  CU_POSTGRES_URL_OR_SKIP(url);
  set_up_team(url);
  const std::int64_t ana_events = count_as(ana_, "SELECT COUNT(*) FROM usage_events");
  ship(ana_, "ana@new-laptop", "origin-ana", 2, {sample_event(2, "2026-02-03T10:00:00.000Z", "a2", 1)}, kAna);
  EXPECT_EQ(owner_of("ana@new-laptop"), ana_);
  EXPECT_EQ(count_as(ana_, "SELECT COUNT(*) FROM usage_events WHERE source = 'ana@new-laptop'"), ana_events + 1);
  EXPECT_EQ(count_as(ana_, "SELECT COUNT(*) FROM usage_events WHERE source = 'ana@laptop'"), 0);
  EXPECT_EQ(count_as(ana_, "SELECT COUNT(*) FROM ship_progress WHERE source = 'ana@new-laptop'"), 1);

  // Bob "relabelling" bob's origin from ana's new source moves nothing: the rows are not his.
  const std::vector<std::string> ana_before = rows_of("ana@new-laptop");
  ship(bob_, "bob@new-desk", "origin-ana", 3, {}, "ana@new-laptop");
  EXPECT_EQ(rows_of("ana@new-laptop"), ana_before);
  EXPECT_EQ(affected(bob_, "UPDATE usage_events SET source = 'bob@new-desk' WHERE source = 'ana@new-laptop'"), 0);
  EXPECT_EQ(rows_of("ana@new-laptop"), ana_before);
}

TEST_F(PostgresRowSecurityTest, AnAdministratorAssignsASourceToAnotherLogin) {
  CU_POSTGRES_URL_OR_SKIP(url);
  set_up_team(url);
  const std::string admin = roles_->create("admin", "claude_usage_admin");
  EXPECT_EQ(count_as(admin, "SELECT COUNT(*) FROM usage_events"), 3);
  EXPECT_EQ(affected(admin, "UPDATE source_owners SET owner = $1::regrole WHERE source = $2", bob_, kAna), 1);
  EXPECT_EQ(affected(ana_, "DELETE FROM usage_events WHERE source = $1", kAna), 0);
  EXPECT_EQ(affected(bob_, "UPDATE usage_events SET output_tokens = 1 WHERE source = $1", kAna), 1);
  EXPECT_EQ(affected(admin, "INSERT INTO source_owners (source, owner) VALUES ('carol@x', $1::regrole)", ana_), 1);
  EXPECT_EQ(affected(bob_, kTableRows[3].insert, "carol@x"), -1);
  EXPECT_EQ(affected(ana_, kTableRows[3].insert, "carol@x"), 1);
}

// The daemon's whole path, Shipper included, as a plain writer login: PostgreSQL equals SQLite.
TEST_F(PostgresRowSecurityTest, ShippingEndToEndAsAPlainWriterLogin) {
  CU_POSTGRES_URL_OR_SKIP(url);
  set_up_team(url);
  test::TempDir dir;
  SqliteStore local(dir.path() / "usage.db", "carol@box");
  local.commit(IngestBatch{{}, {sample_event(1, "2026-02-01T10:00:00.000Z", "c1", 5),
                                sample_event(2, "2026-02-02T12:00:00.000Z", "c2", 6)},
                           {Checkpoint{"/logs/c.jsonl", 1, 2, "4:ab", 100}}},
               settings());
  local.commit(IngestBatch{{1}, {sample_event(3, "2026-02-03T09:00:00.000Z", "c1", 7)}, {}}, settings());
  local.refresh_rollups(settings());
  local.record_rate_limits({RateLimitSnapshot{RateLimitWindow::kSevenDay, 1'770'000'000'000, 7, 1'770'600'000'000}});
  const std::string carol = roles_->create("carol", "claude_usage_writer");
  ShipperOptions options;
  options.log = [](LogLevel, const std::string&) {};
  Shipper shipper(local, Shipper::connector(options_of(carol), "carol@box"), settings(), options);
  ASSERT_TRUE(shipper.drain()) << shipper.status().last_error;
  EXPECT_EQ(shipper.status().backend, "postgres");
  PostgresStore remote(options_of(carol), "carol@box");
  test::expect_same_tables(local, remote);
  EXPECT_EQ(owner_of("carol@box"), carol);
}

// The monthly partitions of usage_events (006_monthly_partitions.sql) are reached only through
// usage_events, whose policies apply: directly, a writer can neither read nor write one, not even
// for its own source, and nobody but the owner holds a privilege on one, roles.sql run or not.
TEST_F(PostgresRowSecurityTest, APartitionIsReachedOnlyThroughUsageEvents) {
  CU_POSTGRES_URL_OR_SKIP(url);
  set_up_team(url);
  // ana's events are of 2026-02, a month created by her shipment, after roles.sql ran.
  EXPECT_EQ(affected(ana_, "SELECT * FROM usage_events_2026_02"), -1);
  EXPECT_NE(last_error_.find("permission denied"), std::string::npos) << last_error_;
  EXPECT_EQ(affected(ana_, "DELETE FROM usage_events_2026_02"), -1);
  EXPECT_EQ(affected(bob_, "INSERT INTO usage_events_2026_02 SELECT * FROM usage_events WHERE false"), -1);
  EXPECT_EQ(count_as(ana_, "SELECT COUNT(*) FROM usage_events"), 1);
  database_->apply_roles();
  EXPECT_EQ(affected(ana_, "SELECT * FROM usage_events_2026_02"), -1);
  EXPECT_EQ(database_->query_int(
                "SELECT COUNT(*) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid, aclexplode(c.relacl) a"
                " WHERE i.inhparent = 'usage_events'::regclass AND a.grantee <> c.relowner"),
            0);
  EXPECT_EQ(database_->query_int("SELECT COUNT(*) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
                                 " WHERE i.inhparent = 'usage_events'::regclass AND NOT c.relrowsecurity"),
            0);
  // A login that is no writer cannot create partitions.
  const std::string reader = roles_->create("reader", "claude_usage_reader");
  EXPECT_EQ(affected(reader, "SELECT create_usage_events_partitions(ARRAY['2040-01-01T00:00:00Z'::timestamptz])"), -1);
  EXPECT_EQ(affected(ana_, "SELECT create_usage_events_partitions(ARRAY['2040-01-01T00:00:00Z'::timestamptz])"), 1);
}

// A new table with a source column must get the policies (005_row_security.sql) like the others;
// partitions are not tables of their own here (the test above).
TEST_F(PostgresRowSecurityTest, EveryTableWithASourceColumnHasRowSecurity) {
  CU_POSTGRES_URL_OR_SKIP(url);
  test::ScratchPostgresStore store(url, kAna);
  pqxx::connection connection(store.database().url());
  pqxx::nontransaction t(connection);
  std::set<std::string> tables;
  for (const pqxx::row& row : t.exec(
           "SELECT c.relname, c.relrowsecurity, (SELECT COUNT(*) FROM pg_policy p WHERE p.polrelid = c.oid)"
           " FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid"
           " WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p')"
           " AND NOT c.relispartition AND a.attname = 'source' AND NOT a.attisdropped AND c.relname <> 'source_owners'")) {
    const std::string table = row[0].as<std::string>();
    EXPECT_TRUE(row[1].as<bool>()) << table << " has no row-level security";
    EXPECT_EQ(row[2].as<int>(), 4) << table << " lacks a policy";
    tables.insert(table);
  }
  std::set<std::string> expected;
  for (const TableRow& table : kTableRows) expected.insert(table.table);
  EXPECT_EQ(tables, expected);
  EXPECT_EQ(t.exec1("SELECT COUNT(*) FROM pg_class WHERE relname = 'source_owners' AND relrowsecurity")[0].as<int>(),
            1);
}

}  // namespace
}  // namespace cu
