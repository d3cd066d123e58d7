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
                       " ('usage_events_time', 'usage_events_session')")
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
  EXPECT_EQ(event_index_count(path("bulk.db")), 2);

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
  EXPECT_EQ(event_index_count(path("small.db")), 2);
  test::expect_same_tables(bulk, small);
}

TEST_F(SqliteBulkLoadTest, OpeningTheDatabaseBuildsIndexesACrashLeftOut) {
  {
    SqliteStore store(path("usage.db"), "me@host");
    store.commit(large_batch(1), settings());
  }  // no refresh: as if killed right after the commit
  EXPECT_EQ(event_index_count(path("usage.db")), 0);
  SqliteStore reopened(path("usage.db"), "me@host");
  EXPECT_EQ(event_index_count(path("usage.db")), 2);
  reopened.refresh_rollups(settings());
  EXPECT_EQ(reopened.event_count(), 2000);
}

TEST_F(SqliteBulkLoadTest, ATableWithEventsKeepsItsIndexes) {
  SqliteStore store(path("usage.db"), "me@host");
  store.commit(IngestBatch{{}, {sample_event(1, "2026-02-01T10:00:00.000Z", "s1", 5)}, {}}, settings());
  store.refresh_rollups(settings());
  store.commit(large_batch(2), settings());
  EXPECT_EQ(event_index_count(path("usage.db")), 2);
}

}  // namespace
}  // namespace cu
