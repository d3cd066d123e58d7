// Another process may write the same database (a second daemon during a restart, `--once`, an
// administrator's sqlite3). A store transaction that meets its write lock waits for it (the busy
// timeout) instead of failing: in WAL mode a transaction begun DEFERRED that has read before the
// other writer commits cannot take the lock afterwards, and fails at once with SQLITE_BUSY.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <thread>

#include <SQLiteCpp/SQLiteCpp.h>

#include "pricing/price_table.h"
#include "rollup/calendar.h"
#include "store/sample_events.h"
#include "store/sqlite_store.h"
#include "support/test_support.h"

namespace cu {
namespace {

using test::sample_event;

class SqliteOtherWriterTest : public ::testing::Test {
 protected:
  RollupSettings settings() { return RollupSettings{&calendar_, &prices_}; }

  // On another thread and connection: takes the write lock, tells the caller, writes, and commits
  // `hold` later.
  std::future<void> hold_write_lock(std::chrono::milliseconds hold, std::promise<void>& locked) {
    return std::async(std::launch::async, [this, hold, &locked] {
      SQLite::Database other(database_.string(), SQLite::OPEN_READWRITE);
      other.exec("BEGIN IMMEDIATE");
      other.exec("CREATE TABLE IF NOT EXISTS other_writer (n INTEGER)");
      other.exec("INSERT INTO other_writer VALUES (1)");
      locked.set_value();
      std::this_thread::sleep_for(hold);
      other.exec("COMMIT");
    });
  }

  test::TempDir dir_;
  std::filesystem::path database_ = dir_.path() / "usage.db";
  Calendar calendar_{"UTC"};
  PriceTable prices_ = PriceTable::builtin();
};

TEST_F(SqliteOtherWriterTest, CommitAndRefreshWaitForAnotherWritersLock) {
  SqliteStore store(database_, "me@host");
  IngestBatch first;
  first.inserted.push_back(sample_event(1, "2026-01-01T10:00:00.000Z", "s1", 10));
  store.commit(first, settings());

  {  // the refresh reads the marks of dirty days before its first write
    std::promise<void> locked;
    auto other = hold_write_lock(std::chrono::milliseconds(300), locked);
    locked.get_future().wait();
    EXPECT_NO_THROW(store.refresh_rollups(settings()));
    other.get();
  }
  {  // the commit reads whether usage_events is empty before its first write
    IngestBatch second;
    second.inserted.push_back(sample_event(2, "2026-01-02T10:00:00.000Z", "s1", 20));
    std::promise<void> locked;
    auto other = hold_write_lock(std::chrono::milliseconds(300), locked);
    locked.get_future().wait();
    EXPECT_NO_THROW(store.commit(second, settings()));
    other.get();
  }
  store.refresh_rollups(settings());
  EXPECT_EQ(store.event_count(), 2);
  EXPECT_EQ(store.daily_summaries().size(), 2u);
}

}  // namespace
}  // namespace cu
