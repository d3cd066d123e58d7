// model_monthly_usage (schema/postgres/007_monthly_usage.sql): after every kind of write the daemon
// makes (shipping, replacing and removing events, relabelling its source) and ad-hoc SQL, its rows
// are exactly the sums of model_daily_usage per source, month and model; the migration fills it from
// the rows already there; and row-level security holds for it as for the other tables.
#include <gtest/gtest.h>

#include <fmt/format.h>
#include <pqxx/pqxx>

#include "pricing/price_table.h"
#include "rollup/calendar.h"
#include "store/postgres_migrate.h"
#include "store/postgres_store.h"
#include "store/postgres_team_fixture.h"
#include "store/postgres_test_db.h"
#include "store/sample_events.h"
#include "support/test_support.h"

namespace cu {
namespace {

using test::sample_event;
constexpr const char* kAna = "ana@laptop";
constexpr const char* kBob = "bob@desk";
// The last schema version without model_monthly_usage.
constexpr int kBeforeMonthlyVersion = 6;

UsageEvent opus_event(std::int64_t id, const std::string& timestamp, const std::string& session, std::int64_t output) {
  UsageEvent event = sample_event(id, timestamp, session, output);
  event.entry.model = "claude-opus-4-1-20250805";
  return event;
}

class PostgresMonthlyUsageTest : public test::PostgresTeamTest {
 protected:
  // Ships through PostgresStore::apply_shipment as `login`: `events` (re)written, `removed` ids
  // deleted first (a replacement names an id in both), under `source` (moved from `relabel_from`).
  void ship(const std::string& login, const std::string& source, std::int64_t seq, std::vector<UsageEvent> events,
            std::vector<std::int64_t> removed = {}, const std::string& relabel_from = "") {
    PostgresStore store(options_of(login), source);
    ShipBatch batch;
    batch.origin = "origin-" + login;
    batch.last_seq = seq;
    batch.rows = static_cast<std::int64_t>(events.size() + removed.size() + 1);
    batch.relabel_from = relabel_from;
    batch.rebuild = !relabel_from.empty();
    for (const UsageEvent& event : events) batch.changes.removed_ids.push_back(event.id);
    for (std::int64_t id : removed) batch.changes.removed_ids.push_back(id);
    batch.changes.inserted = std::move(events);
    ASSERT_TRUE(store.apply_shipment(batch, settings(), true));
  }

  // Every (source, month, model) whose monthly row differs from the sums of its daily rows, or
  // exists on one side only, as text; empty when the table is exact. Read as the owner.
  std::string differences() const {
    pqxx::connection connection(database_->url());
    pqxx::read_transaction t(connection);
    return t.exec1(
                "SELECT COALESCE(string_agg(format('%s %s %s: daily %s, monthly %s', source, month, model, d, m),"
                " E'\\n' ORDER BY source, month, model), '')"
                " FROM (SELECT source, date_trunc('month', date)::date AS month, model, sum(input_tokens) AS i,"
                "   sum(output_tokens) AS o, sum(cache_creation_tokens) AS cc, sum(cache_read_tokens) AS cr,"
                "   sum(total_tokens) AS t, sum(cost_usd) AS c, sum(request_count) AS r, max(updated_at) AS u"
                "   FROM model_daily_usage GROUP BY 1, 2, 3) d"
                " FULL JOIN (SELECT source, month, model, input_tokens AS i, output_tokens AS o,"
                "   cache_creation_tokens AS cc, cache_read_tokens AS cr, total_tokens AS t, cost_usd AS c,"
                "   request_count AS r, updated_at AS u FROM model_monthly_usage) m USING (source, month, model)"
                " WHERE (d.i, d.o, d.cc, d.cr, d.t, d.c, d.r, d.u) IS DISTINCT FROM"
                "   (m.i, m.o, m.cc, m.cr, m.t, m.c, m.r, m.u)")[0]
        .as<std::string>();
  }

  // The monthly rows of `source` as "<month> <model>: <requests> requests, <output> output", as
  // `login` sees them (the owner when empty).
  std::string monthly(const std::string& source, const std::string& login = "") const {
    pqxx::connection connection(login.empty() ? database_->url() : url_of(login));
    pqxx::read_transaction t(connection);
    return t.exec_params1("SELECT COALESCE(string_agg(format('%s %s: %s requests, %s output', month, model,"
                          " request_count, output_tokens), '; ' ORDER BY month, model), '')"
                          " FROM model_monthly_usage WHERE source = $1",
                          source)[0]
        .as<std::string>();
  }
};

TEST_F(PostgresMonthlyUsageTest, EqualsTheDailySumsAfterShippingReplacingRemovingAndRelabelling) {
  CU_POSTGRES_URL_OR_SKIP(url);
  set_up_team(url);
  // Two months, two models, two days in one month; bob alongside.
  ship(ana_, kAna, 1,
       {sample_event(1, "2026-01-30T10:00:00.000Z", "a1", 5), sample_event(2, "2026-01-31T23:59:59.999Z", "a1", 6),
        opus_event(3, "2026-01-31T12:00:00.000Z", "a2", 7), sample_event(4, "2026-02-01T00:00:00.000Z", "a3", 8)});
  ship(bob_, kBob, 1, {sample_event(1, "2026-01-15T11:00:00.000Z", "b1", 9)});
  EXPECT_EQ(differences(), "");
  EXPECT_EQ(monthly(kAna),
            "2026-01-01 claude-opus-4-1-20250805: 1 requests, 7 output; "
            "2026-01-01 claude-sonnet-4-20250514: 2 requests, 11 output; "
            "2026-02-01 claude-sonnet-4-20250514: 1 requests, 8 output");
  EXPECT_EQ(monthly(kBob), "2026-01-01 claude-sonnet-4-20250514: 1 requests, 9 output");

  // A replacement moves event 2 from January to February with another count: both months change.
  ship(ana_, kAna, 2, {sample_event(2, "2026-02-03T08:00:00.000Z", "a1", 60)});
  EXPECT_EQ(differences(), "");
  EXPECT_EQ(monthly(kAna),
            "2026-01-01 claude-opus-4-1-20250805: 1 requests, 7 output; "
            "2026-01-01 claude-sonnet-4-20250514: 1 requests, 5 output; "
            "2026-02-01 claude-sonnet-4-20250514: 2 requests, 68 output");

  // Removing the only opus event of January drops that model's month; removing all of February's
  // drops the month.
  ship(ana_, kAna, 3, {}, {3});
  EXPECT_EQ(differences(), "");
  ship(ana_, kAna, 4, {}, {2, 4});
  EXPECT_EQ(differences(), "");
  EXPECT_EQ(monthly(kAna), "2026-01-01 claude-sonnet-4-20250514: 1 requests, 5 output");

  // An identity change moves the months to the new source, with its next events.
  ship(ana_, "ana@new-laptop", 5, {sample_event(5, "2026-03-02T09:00:00.000Z", "a5", 3)}, {}, kAna);
  EXPECT_EQ(differences(), "");
  EXPECT_EQ(monthly(kAna), "");
  EXPECT_EQ(monthly("ana@new-laptop"),
            "2026-01-01 claude-sonnet-4-20250514: 1 requests, 5 output; "
            "2026-03-01 claude-sonnet-4-20250514: 1 requests, 3 output");
  EXPECT_EQ(monthly(kBob), "2026-01-01 claude-sonnet-4-20250514: 1 requests, 9 output");

  // Ad-hoc SQL on the daily rows, by the writer on its own rows and by the owner on everyone's.
  EXPECT_EQ(affected(bob_, "UPDATE model_daily_usage SET output_tokens = output_tokens + 1, request_count = 4"), 1);
  EXPECT_EQ(monthly(kBob), "2026-01-01 claude-sonnet-4-20250514: 4 requests, 10 output");
  EXPECT_EQ(affected(bob_,
                     "INSERT INTO model_daily_usage SELECT source, '2026-01-16', model, input_tokens, output_tokens,"
                     " cache_creation_tokens, cache_read_tokens, total_tokens, cost_usd, request_count, now()"
                     " FROM model_daily_usage"),
            1);
  EXPECT_EQ(monthly(kBob), "2026-01-01 claude-sonnet-4-20250514: 8 requests, 20 output");
  EXPECT_EQ(differences(), "");
  database_->execute("UPDATE model_daily_usage SET date = date + 365");  // into 2027
  EXPECT_EQ(differences(), "");
  database_->execute("DELETE FROM model_daily_usage WHERE date < '2027-01-20'");
  EXPECT_EQ(differences(), "");
  database_->execute("TRUNCATE model_daily_usage");
  EXPECT_EQ(database_->query_int("SELECT COUNT(*) FROM model_monthly_usage"), 0);
}

TEST_F(PostgresMonthlyUsageTest, AWriterCannotTouchAnotherSourcesMonthlyRows) {
  CU_POSTGRES_URL_OR_SKIP(url);
  set_up_team(url);
  ship(ana_, kAna, 1, {sample_event(1, "2026-02-01T10:00:00.000Z", "a1", 5)});
  ship(bob_, kBob, 1, {sample_event(1, "2026-02-01T11:00:00.000Z", "b1", 7)});
  const std::string bobs = monthly(kBob);
  ASSERT_EQ(bobs, "2026-02-01 claude-sonnet-4-20250514: 1 requests, 7 output");

  EXPECT_EQ(affected(ana_, "UPDATE model_monthly_usage SET output_tokens = 0 WHERE source = $1", kBob), 0);
  EXPECT_EQ(affected(ana_, "DELETE FROM model_monthly_usage WHERE source = $1", kBob), 0);
  EXPECT_EQ(affected(ana_, "UPDATE model_monthly_usage SET source = $1 WHERE source = $2", kBob, kAna), -1);
  EXPECT_EQ(affected(ana_,
                     "INSERT INTO model_monthly_usage VALUES ($1, '2026-02-01', 'claude-sonnet-4-20250514', 0, 0, 0, 0,"
                     " 0, 0, 0, now()) ON CONFLICT (source, month, model) DO UPDATE SET output_tokens = 0",
                     kBob),
            -1);
  EXPECT_NE(last_error_.find("row-level security"), std::string::npos) << last_error_;
  // Nor through the daily rows the triggers read.
  EXPECT_EQ(affected(ana_, "UPDATE model_daily_usage SET output_tokens = 0 WHERE source = $1", kBob), 0);
  EXPECT_EQ(affected(ana_, "INSERT INTO model_daily_usage VALUES ($1, '2026-02-02', 'm', 1, 1, 1, 1, 4, 1, 1, now())",
                     kBob),
            -1);
  // A temporary table named like the one the triggers read changes nothing (their search_path).
  {
    pqxx::connection connection(url_of(ana_));
    pqxx::work t(connection);
    t.exec("CREATE TEMP TABLE model_daily_usage AS SELECT * FROM public.model_daily_usage");
    t.exec("UPDATE public.model_daily_usage SET request_count = 2");
    t.commit();
  }
  EXPECT_EQ(monthly(kBob), bobs);
  EXPECT_EQ(monthly(kAna), "2026-02-01 claude-sonnet-4-20250514: 2 requests, 5 output");
  EXPECT_EQ(differences(), "");

  // Writers see their own months; readers all; claude_usage_self members their own.
  const std::string reader = roles_->create("grafana", "claude_usage_reader");
  const std::string bob_self = roles_->create("bob_reports", "claude_usage_self");
  roles_->grant(bob_, bob_self);
  EXPECT_EQ(monthly(kBob, ana_), "");
  EXPECT_EQ(monthly(kBob, reader), bobs);
  EXPECT_EQ(monthly(kAna, reader), monthly(kAna));
  EXPECT_EQ(monthly(kBob, bob_self), bobs);
  EXPECT_EQ(monthly(kAna, bob_self), "");
  EXPECT_EQ(affected(reader, "DELETE FROM model_monthly_usage"), -1);
}

TEST_F(PostgresMonthlyUsageTest, TheMigrationFillsItFromTheDailyRows) {
  CU_POSTGRES_URL_OR_SKIP(url);
  test::ScratchDatabase database(url);
  {
    pqxx::connection connection(database.url());
    ASSERT_EQ(migrate_postgres(connection, kBeforeMonthlyVersion), kBeforeMonthlyVersion);
  }
  database.execute(
      "INSERT INTO model_daily_usage SELECT format('user%s@host', s), DATE '2025-11-01' + d, m, s + d, 2 * d, 3, 4,"
      " s + 3 * d + 7, round((s + d) / 7.0, 10), d % 5 + 1, TIMESTAMPTZ '2026-01-01T00:00:00Z' + d * INTERVAL '1 hour'"
      " FROM generate_series(1, 3) s, generate_series(0, 99) d, unnest(ARRAY['opus', 'sonnet']) m");
  {
    pqxx::connection connection(database.url());
    ASSERT_EQ(migrate_postgres(connection), latest_postgres_migration());
  }
  EXPECT_EQ(database.query_int("SELECT COUNT(*) FROM model_monthly_usage"), 3 * 4 * 2);  // Nov to Feb
  EXPECT_EQ(database.query_int("SELECT SUM(request_count) FROM model_monthly_usage"),
            database.query_int("SELECT SUM(request_count) FROM model_daily_usage"));
  EXPECT_EQ(database.query_int(
                "SELECT COUNT(*) FROM (SELECT source, date_trunc('month', date)::date AS month, model,"
                " sum(input_tokens) i, sum(output_tokens) o, sum(cache_creation_tokens) cc, sum(cache_read_tokens) cr,"
                " sum(total_tokens) t, sum(cost_usd) c, sum(request_count) r, max(updated_at) u"
                " FROM model_daily_usage GROUP BY 1, 2, 3) d FULL JOIN model_monthly_usage m USING (source, month, model)"
                " WHERE (d.i, d.o, d.cc, d.cr, d.t, d.c, d.r, d.u) IS DISTINCT FROM (m.input_tokens, m.output_tokens,"
                " m.cache_creation_tokens, m.cache_read_tokens, m.total_tokens, m.cost_usd, m.request_count,"
                " m.updated_at)"),
            0);
}

}  // namespace
}  // namespace cu
