// The SQLite outbox that feeds the PostgreSQL shipper (schema/sqlite/003_outbox.sql).
#include <gtest/gtest.h>

#include <algorithm>

#include "pricing/price_table.h"
#include "rollup/calendar.h"
#include "store/sample_events.h"
#include "store/sqlite_store.h"
#include "support/test_support.h"

namespace cu {
namespace {

using test::sample_event;

class SqliteOutboxTest : public ::testing::Test {
 protected:
  SqliteOutboxTest() : calendar_("UTC"), store_(dir_.path() / "usage.db", "me@host") {}

  void commit(const IngestBatch& batch) { store_.commit(batch, RollupSettings{&calendar_, &prices_}); }
  std::vector<std::int64_t> inserted_ids(const ShipBatch& batch) {
    std::vector<std::int64_t> ids;
    for (const UsageEvent& event : batch.changes.inserted) ids.push_back(event.id);
    return ids;
  }

  test::TempDir dir_;
  Calendar calendar_;
  PriceTable prices_ = PriceTable::builtin();
  SqliteStore store_;
};

TEST_F(SqliteOutboxTest, NothingIsQueuedWhileShippingIsOff) {
  EXPECT_FALSE(store_.shipping());
  commit(IngestBatch{{}, {sample_event(1, "2026-02-01T10:00:00.000Z", "s1", 5)}, {}});
  EXPECT_EQ(store_.outbox_size(), 0);
  EXPECT_TRUE(store_.read_ship_batch(0, 100).empty());
  EXPECT_EQ(store_.ship_origin(), "");
}

TEST_F(SqliteOutboxTest, TurningShippingOnQueuesAResyncOfEverythingStored) {
  const Checkpoint checkpoint{"/logs/p/s1.jsonl", 1, 2, "3:abc", 40};
  commit(IngestBatch{{}, {sample_event(1, "2026-02-01T10:00:00.000Z", "s1", 5),
                          sample_event(2, "2026-02-01T11:00:00.000Z", "s1", 5)}, {checkpoint}});
  store_.set_shipping(true);
  EXPECT_TRUE(store_.shipping());
  EXPECT_EQ(store_.ship_origin().size(), 32u);
  EXPECT_EQ(store_.outbox_size(), 4);  // resync, two events, one checkpoint
  const ShipBatch batch = store_.read_ship_batch(0, 100);
  EXPECT_EQ(batch.rows, 4);
  EXPECT_TRUE(batch.resync);
  EXPECT_FALSE(batch.rebuild);
  EXPECT_EQ(batch.origin, store_.ship_origin());
  EXPECT_EQ(batch.keep_ids, (std::vector<std::int64_t>{1, 2}));
  EXPECT_EQ(inserted_ids(batch), (std::vector<std::int64_t>{1, 2}));
  EXPECT_EQ(batch.changes.removed_ids, (std::vector<std::int64_t>{1, 2}));
  EXPECT_EQ(batch.changes.checkpoints, std::vector<Checkpoint>{checkpoint});
  EXPECT_EQ(batch.changes.inserted[0], sample_event(1, "2026-02-01T10:00:00.000Z", "s1", 5));
}

TEST_F(SqliteOutboxTest, CommitsQueueWhatTheyTouchInOrder) {
  store_.set_shipping(true);
  const ShipBatch resync = store_.read_ship_batch(0, 100);
  EXPECT_EQ(store_.discard_shipped(resync.last_seq), 1);
  commit(IngestBatch{{}, {sample_event(1, "2026-02-01T10:00:00.000Z", "s1", 5)}, {}});
  commit(IngestBatch{{}, {sample_event(2, "2026-02-01T11:00:00.000Z", "s1", 5)}, {}});
  const ShipBatch first = store_.read_ship_batch(resync.last_seq, 1);
  EXPECT_EQ(first.rows, 1);
  EXPECT_FALSE(first.resync);
  EXPECT_EQ(inserted_ids(first), std::vector<std::int64_t>{1});
  const ShipBatch second = store_.read_ship_batch(first.last_seq, 100);
  EXPECT_EQ(inserted_ids(second), std::vector<std::int64_t>{2});
  EXPECT_GT(second.last_seq, first.last_seq);
}

TEST_F(SqliteOutboxTest, AnEventRemovedBeforeShippingIsOnlyARemoval) {
  store_.set_shipping(true);
  commit(IngestBatch{{}, {sample_event(1, "2026-02-01T10:00:00.000Z", "s1", 5)}, {}});
  commit(IngestBatch{{1}, {sample_event(2, "2026-02-01T10:00:00.000Z", "s1", 9)}, {}});
  const ShipBatch batch = store_.read_ship_batch(0, 100);
  EXPECT_EQ(batch.changes.removed_ids, (std::vector<std::int64_t>{1, 2}));
  EXPECT_EQ(inserted_ids(batch), std::vector<std::int64_t>{2});
}

TEST_F(SqliteOutboxTest, RebuildIsQueued) {
  store_.set_shipping(true);
  const ShipBatch resync = store_.read_ship_batch(0, 100);
  store_.discard_shipped(resync.last_seq);
  store_.rebuild_rollups(RollupSettings{&calendar_, &prices_});
  const ShipBatch batch = store_.read_ship_batch(resync.last_seq, 100);
  EXPECT_EQ(batch.rows, 1);
  EXPECT_TRUE(batch.rebuild);
}

TEST_F(SqliteOutboxTest, TurningShippingOffDropsTheQueueAndKeepsTheOrigin) {
  store_.set_shipping(true);
  const std::string origin = store_.ship_origin();
  commit(IngestBatch{{}, {sample_event(1, "2026-02-01T10:00:00.000Z", "s1", 5)}, {}});
  store_.set_shipping(false);
  EXPECT_FALSE(store_.shipping());
  EXPECT_EQ(store_.outbox_size(), 0);
  commit(IngestBatch{{}, {sample_event(2, "2026-02-01T11:00:00.000Z", "s1", 5)}, {}});
  EXPECT_EQ(store_.outbox_size(), 0);
  store_.set_shipping(true);
  EXPECT_EQ(store_.ship_origin(), origin);
  const ShipBatch batch = store_.read_ship_batch(0, 100);
  EXPECT_TRUE(batch.resync);
  EXPECT_EQ(batch.keep_ids, (std::vector<std::int64_t>{1, 2}));
}

TEST_F(SqliteOutboxTest, EveryConnectionFollowsTheStoredSetting) {
  store_.set_shipping(true);
  store_.set_shipping(true);  // no second resync
  EXPECT_EQ(store_.outbox_size(), 1);
  SqliteStore other(dir_.path() / "usage.db", "me@host");
  EXPECT_TRUE(other.shipping());
  other.commit(IngestBatch{{}, {sample_event(1, "2026-02-01T10:00:00.000Z", "s1", 5)}, {}},
               RollupSettings{&calendar_, &prices_});
  EXPECT_EQ(store_.outbox_size(), 2);
  SqliteStore stranger(dir_.path() / "usage.db", "you@host");
  EXPECT_FALSE(stranger.shipping());
  EXPECT_EQ(stranger.outbox_size(), 0);
}

TEST_F(SqliteOutboxTest, DiscardingCountsTheShippedRows) {
  store_.set_shipping(true);
  commit(IngestBatch{{}, {sample_event(1, "2026-02-01T10:00:00.000Z", "s1", 5),
                          sample_event(2, "2026-02-01T11:00:00.000Z", "s1", 5)}, {}});
  const ShipBatch batch = store_.read_ship_batch(0, 2);
  EXPECT_EQ(store_.discard_shipped(batch.last_seq), 2);
  EXPECT_EQ(store_.discard_shipped(batch.last_seq), 0);
  EXPECT_EQ(store_.outbox_size(), 1);
}


RateLimitSnapshot five_hour(std::int64_t captured_at_ms, double percentage) {
  return RateLimitSnapshot{RateLimitWindow::kFiveHour, captured_at_ms, percentage, 1'770'018'000'000};
}

// A recorded snapshot queues its (window, minute) key; the batch carries the row as stored when
// read. A capture that changes nothing (an earlier one of the minute) queues nothing.
TEST_F(SqliteOutboxTest, RateLimitSnapshotsQueueTheirKeyAndShipAsStoredNow) {
  store_.set_shipping(true);
  const ShipBatch resync = store_.read_ship_batch(0, 100);
  store_.discard_shipped(resync.last_seq);
  const RateLimitSnapshot week{RateLimitWindow::kSevenDay, 1'770'000'030'000, 4, 1'770'500'000'000};
  store_.record_rate_limits({five_hour(1'770'000'010'000, 20), week});
  store_.record_rate_limits({five_hour(1'770'000'040'000, 21)});  // the same minute, later
  store_.record_rate_limits({five_hour(1'770'000'020'000, 99)});  // earlier: ignored
  EXPECT_EQ(store_.outbox_size(), 3);
  const ShipBatch batch = store_.read_ship_batch(resync.last_seq, 100);
  EXPECT_EQ(batch.rows, 3);
  EXPECT_FALSE(batch.resync);
  EXPECT_EQ(batch.rate_limits, (std::vector<RateLimitSnapshot>{five_hour(1'770'000'040'000, 21), week}));
  EXPECT_TRUE(batch.changes.inserted.empty());
  const ShipBatch first = store_.read_ship_batch(resync.last_seq, 1);
  EXPECT_EQ(first.rate_limits, std::vector<RateLimitSnapshot>{five_hour(1'770'000'040'000, 21)});
}

TEST_F(SqliteOutboxTest, TurningShippingOnQueuesEveryRateLimitSnapshot) {
  const std::vector<RateLimitSnapshot> all{five_hour(1'770'000'000'000, 5), five_hour(1'770'000'060'000, 6),
                                           five_hour(1'770'000'120'000, 7)};
  store_.record_rate_limits(all);
  EXPECT_EQ(store_.outbox_size(), 0);  // shipping is off
  store_.set_shipping(true);
  EXPECT_EQ(store_.outbox_size(), 4);  // resync and three snapshots
  const ShipBatch batch = store_.read_ship_batch(0, 100);
  EXPECT_TRUE(batch.resync);
  EXPECT_EQ(batch.rate_limits, all);
}

// A quarantined snapshot row keeps its key (window in path, minute in event_id) and names no event,
// even when an event's id equals the minute.
TEST_F(SqliteOutboxTest, AQuarantinedRateLimitRowNamesItsKeyAndNoEvent) {
  store_.set_shipping(true);
  store_.discard_shipped(store_.read_ship_batch(0, 100).last_seq);
  const std::int64_t minute = rate_limit_minute(1'770'000'000'000);
  commit(IngestBatch{{}, {sample_event(minute, "2026-02-01T10:00:00.000Z", "s1", 5)}, {}});
  store_.record_rate_limits({five_hour(1'770'000'000'000, 5)});
  const ShipBatch batch = store_.read_ship_batch(0, 100);
  const auto row = store_.quarantine_ship_row(batch.last_seq, "refused", 1'770'000'000'000);
  ASSERT_TRUE(row);
  EXPECT_EQ(row->kind, 6);
  EXPECT_EQ(row->path, "five_hour");
  EXPECT_EQ(row->event_id, minute);
  EXPECT_EQ(row->file, "");
  EXPECT_EQ(row->model, "");
}

}  // namespace
}  // namespace cu
