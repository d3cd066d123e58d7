// A large first commit into an empty usage_events defers its secondary indexes (sqlite_sql.h):
// they must exist again after the refresh, after a crash before it, and must not be dropped once
// the table holds events. The results must not depend on any of this.
#include <gtest/gtest.h>

#include <algorithm>

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>

#include "pricing/price_table.h"
#include "rollup/calendar.h"
#include "store/sample_events.h"
#include "store/sqlite_sql.h"
#include "store/sqlite_store.h"
#include "support/test_support.h"

namespace cu {
namespace {

using test::sample_event;

// 2,000 events over 40 days and 25 sessions: large enough to count as a bulk load.
IngestBatch large_batch(std::int64_t first_id) {
  IngestBatch batch;
  for (std::int64_t i = 0; i < 2000; ++i) {
    const std::int64_t id = first_id + i;
    batch.inserted.push_back(sample_event(
        id, fmt::format("2026-01-{:02}T{:02}:{:02}:00.000Z", 1 + i % 28, i % 24, i % 60), fmt::format("s{}", i % 25), id));
  }
  return batch;
}

int event_index_count(const std::filesystem::path& database) {
  SQLite::Database db(database.string());
  return db.execAndGet("SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name IN"
                       " ('usage_events_time', 'usage_events_session', 'usage_events_message')")
      .getInt();
}

class SqliteBulkLoadTest : public ::testing::Test {
 protected:
  RollupSettings settings() { return RollupSettings{&calendar_, &prices_}; }
  std::filesystem::path path(const char* name) { return dir_.path() / name; }

  test::TempDir dir_;
  Calendar calendar_{"UTC"};
  PriceTable prices_ = PriceTable::builtin();
};

TEST_F(SqliteBulkLoadTest, IndexesAreBackAfterTheRefreshAndTablesEqualSmallCommits) {
  SqliteStore bulk(path("bulk.db"), "me@host");
  bulk.commit(large_batch(1), settings());
  EXPECT_EQ(event_index_count(path("bulk.db")), 0) << "the first large commit should defer the indexes";
  bulk.refresh_rollups(settings());
  EXPECT_EQ(event_index_count(path("bulk.db")), 3);

  // The same events in time order, in commits too small to count as a bulk load, refreshed after
  // each one: few dirty days and sessions each time, so the rollups take the per-key path that
  // the bulk load's refresh (many keys: one ordered scan) does not.
  SqliteStore small(path("small.db"), "me@host");
  IngestBatch all = large_batch(1);
  std::sort(all.inserted.begin(), all.inserted.end(), [](const UsageEvent& a, const UsageEvent& b) {
    return a.entry.timestamp_ms < b.entry.timestamp_ms;
  });
  for (std::size_t i = 0; i < all.inserted.size(); i += 10) {
    IngestBatch part;
    part.inserted.assign(all.inserted.begin() + static_cast<std::ptrdiff_t>(i),
                         all.inserted.begin() + static_cast<std::ptrdiff_t>(i + 10));
    small.commit(part, settings());
    small.refresh_rollups(settings());
  }
  EXPECT_EQ(event_index_count(path("small.db")), 3);
  test::expect_same_tables(bulk, small);
}

TEST_F(SqliteBulkLoadTest, OpeningTheDatabaseBuildsIndexesACrashLeftOut) {
  {
    SqliteStore store(path("usage.db"), "me@host");
    store.commit(large_batch(1), settings());
  }  // no refresh: as if killed right after the commit
  EXPECT_EQ(event_index_count(path("usage.db")), 0);
  SqliteStore reopened(path("usage.db"), "me@host");
  EXPECT_EQ(event_index_count(path("usage.db")), 3);
  reopened.refresh_rollups(settings());
  EXPECT_EQ(reopened.event_count(), 2000);
}

// The refresh closing a bulk load commits the rollups and the lookup indexes before it builds the
// time index in a transaction of its own: a crash in between leaves the database as below, which
// opening it heals.
TEST_F(SqliteBulkLoadTest, OpeningTheDatabaseBuildsATimeIndexACrashLeftOut) {
  {
    SqliteStore store(path("usage.db"), "me@host");
    store.commit(large_batch(1), settings());
    store.refresh_rollups(settings());
  }
  {
    SQLite::Database db(path("usage.db").string(), SQLite::OPEN_READWRITE);
    db.exec("DROP INDEX usage_events_time");
  }
  EXPECT_EQ(event_index_count(path("usage.db")), 2);
  SqliteStore reopened(path("usage.db"), "me@host");
  EXPECT_EQ(event_index_count(path("usage.db")), 3);
  SqliteStore fresh(path("fresh.db"), "me@host");
  fresh.commit(large_batch(1), settings());
  fresh.refresh_rollups(settings());
  test::expect_same_tables(fresh, reopened);
}

// A lookup while a bulk load has the indexes dropped (after a refused commit the ingestor is
// reloaded, and looks every new message id up) builds them first: each lookup otherwise scanned
// every event of the source. The load's closing refresh then finds them built.
TEST_F(SqliteBulkLoadTest, ALookupDuringABulkLoadBuildsTheDroppedIndexesFirst) {
  SqliteStore store(path("usage.db"), "me@host");
  store.commit(large_batch(1), settings());
  EXPECT_EQ(event_index_count(path("usage.db")), 0);
  EXPECT_EQ(store.identities_of_message(sample_event(7, "2026-01-01T10:00:00.000Z", "s1", 1).entry.message_id).size(), 1u);
  EXPECT_EQ(event_index_count(path("usage.db")), 3);
  store.commit(large_batch(2001), settings());
  store.refresh_rollups(settings());
  EXPECT_EQ(event_index_count(path("usage.db")), 3);
  EXPECT_EQ(store.event_count(), 4000);
  SqliteStore fresh(path("fresh.db"), "me@host");
  fresh.commit(large_batch(1), settings());
  fresh.commit(large_batch(2001), settings());
  fresh.refresh_rollups(settings());
  test::expect_same_rollups(fresh, store);
}

std::string query_plan(SQLite::Database& db, const char* query) {
  SQLite::Statement plan(db, std::string("EXPLAIN QUERY PLAN ") + query);
  std::string steps;
  while (plan.executeStep()) steps += plan.getColumn(3).getString() + "\n";
  return steps;
}

// The dedup index settles a copy of a stored message by reading that message id's kept events
// (identities_of_message): through an index, not a scan of every event of the source (which it
// was, at 50 ms a call at 5 GB, until schema/sqlite/011); a session's rollup and a re-read
// transcript read their events through another. Both by integer key (schema/sqlite/014), and not
// through the primary key's index, whose source alone would also match.
TEST_F(SqliteBulkLoadTest, EventsAreReadThroughTheirIndexes) {
  SqliteStore store(path("usage.db"), "me@host");
  store.commit(large_batch(1), settings());
  store.refresh_rollups(settings());
  EXPECT_EQ(store.identities_of_message(sample_event(7, "2026-01-01T10:00:00.000Z", "s1", 1).entry.message_id).size(), 1u);
  SQLite::Database db(path("usage.db").string());
  const std::string message = query_plan(db, sqlite_sql::kIdentitiesOfMessage);
  EXPECT_NE(message.find("USING INDEX usage_events_message (message_key=? AND source=?)"), std::string::npos)
      << message;
  for (const char* query : {sqlite_sql::kEventsOfSession, sqlite_sql::kEventsOfFile}) {
    const std::string session = query_plan(db, query);
    EXPECT_NE(session.find("USING INDEX usage_events_session (session_key=? AND source=?)"), std::string::npos)
        << session;
  }
  // By time: along usage_events_time, the source checked there, not all of a source's events
  // through the primary key's index.
  for (const char* query : {sqlite_sql::kEventsFromTime, sqlite_sql::kEventsOfProject, sqlite_sql::kUsagePoints,
                            sqlite_sql::kFirstEventTime, sqlite_sql::kEventsBefore, sqlite_sql::kDeleteEventsBefore}) {
    const std::string by_time = query_plan(db, query);
    EXPECT_NE(by_time.find("INDEX usage_events_time"), std::string::npos) << query << "\n" << by_time;
    EXPECT_EQ(by_time.find("autoindex"), std::string::npos) << query << "\n" << by_time;
  }
  // Read from an index alone: every timestamp (a rebuild), every message key (a bulk read's
  // fingerprints).
  for (const auto& [query, index] : {std::pair{sqlite_sql::kAllTimestamps, "COVERING INDEX usage_events_time"},
                                     std::pair{sqlite_sql::kMessageKeys, "COVERING INDEX usage_events_message"}}) {
    const std::string plan = query_plan(db, query);
    EXPECT_NE(plan.find(index), std::string::npos) << query << "\n" << plan;
  }
  for (const char* in_time_order : {sqlite_sql::kEventsFromTime, sqlite_sql::kUsagePoints}) {
    const std::string by_time = query_plan(db, in_time_order);
    EXPECT_EQ(by_time.find("TEMP B-TREE"), std::string::npos) << in_time_order << "\n" << by_time;
  }
  // All of a source's events by session key: along the index, without a sort.
  const std::string scan = query_plan(db, sqlite_sql::kEventsBySession);
  EXPECT_NE(scan.find("USING INDEX usage_events_session"), std::string::npos) << scan;
  EXPECT_EQ(scan.find("TEMP B-TREE"), std::string::npos) << scan;
}

// The refresh that closes a bulk load computes the rollups from the events it kept in memory; a
// rebuild reads them back from usage_events. Several commits, stored events replaced by later
// ones, and events of every shape (models, fast/standard, logged costs, cache splits or none,
// counts and offsets beyond 32 bits, sidechain, cwd) must give the same rows both ways.
TEST_F(SqliteBulkLoadTest, RollupsFromTheLoadsMemoryEqualARebuildFromTheTable) {
  SqliteStore store(path("usage.db"), "me@host");
  IngestBatch first = large_batch(1);
  for (std::size_t i = 0; i < first.inserted.size(); ++i) {
    UsageEvent& event = first.inserted[i];
    if (i % 3 == 0) event.entry.model = "claude-opus-4-5-20251101";
    if (i % 5 == 0) event.entry.speed = i % 10 == 0 ? Speed::kFast : Speed::kStandard;
    if (i % 7 == 0) event.entry.logged_cost_usd = 0.25 + static_cast<double>(i) / 1000;
    if (i % 11 == 0) event.entry.is_sidechain = true;
    if (i % 13 == 0) event.entry.tokens.has_cache_split = false;
    if (i % 17 == 0) event.entry.tokens.cache_read = 5'000'000'000;  // beyond 32 bits
    if (i % 19 == 0) event.line_offset = 6'000'000'000;
    if (i % 23 == 0) event.entry_index = 1;
    event.entry.cwd = fmt::format("/home/ana/p{}", i % 4);
    event.project = fmt::format("-home-ana-p{}", i % 4);
  }
  store.commit(first, settings());
  IngestBatch second = large_batch(5001);
  second.inserted.resize(300);
  for (std::int64_t id = 1; id <= 2000; id += 9) second.removed_ids.push_back(id);
  store.commit(second, settings());
  store.refresh_rollups(settings());
  ASSERT_EQ(event_index_count(path("usage.db")), 3);
  EXPECT_EQ(store.event_count(), 2000 + 300 - 223);

  SqliteStore rebuilt(path("usage.db"), "me@host");
  const auto daily = store.daily_summaries();
  const auto models = store.model_daily();
  const auto cache = store.cache_analytics();
  const auto sessions = store.sessions();
  const auto session_models = store.session_models();
  const auto blocks = store.usage_blocks();
  rebuilt.rebuild_rollups(settings());
  EXPECT_EQ(daily, rebuilt.daily_summaries());
  EXPECT_EQ(models, rebuilt.model_daily());
  EXPECT_EQ(cache, rebuilt.cache_analytics());
  EXPECT_EQ(sessions, rebuilt.sessions());
  EXPECT_EQ(session_models, rebuilt.session_models());
  EXPECT_EQ(blocks, rebuilt.usage_blocks());
}

// Events another connection added to the source during the load are not in this connection's
// memory: the refresh notices and reads the table instead.
TEST_F(SqliteBulkLoadTest, AnotherWriterDuringTheLoadIsCounted) {
  SqliteStore store(path("usage.db"), "me@host");
  store.commit(large_batch(1), settings());
  {
    SqliteStore other(path("usage.db"), "me@host");
    other.commit(IngestBatch{{}, {sample_event(9001, "2026-03-01T10:00:00.000Z", "late", 500)}, {}}, settings());
  }
  store.refresh_rollups(settings());
  bool found = false;
  for (const SessionRow& session : store.sessions()) found = found || session.session_id == "late";
  EXPECT_TRUE(found) << "the other connection's event must be in the rollups";

  SqliteStore rebuilt(path("usage.db"), "me@host");
  const auto daily = store.daily_summaries();
  const auto blocks = store.usage_blocks();
  rebuilt.rebuild_rollups(settings());
  EXPECT_EQ(daily, rebuilt.daily_summaries());
  EXPECT_EQ(blocks, rebuilt.usage_blocks());
}

TEST_F(SqliteBulkLoadTest, ATableWithEventsKeepsItsIndexes) {
  SqliteStore store(path("usage.db"), "me@host");
  store.commit(IngestBatch{{}, {sample_event(1, "2026-02-01T10:00:00.000Z", "s1", 5)}, {}}, settings());
  store.refresh_rollups(settings());
  store.commit(large_batch(2), settings());
  EXPECT_EQ(event_index_count(path("usage.db")), 3);
}

}  // namespace
}  // namespace cu
