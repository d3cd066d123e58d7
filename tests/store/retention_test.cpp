// Retention (retention.raw_events_months, SPEC §13) on both backends: frozen days keep their rows,
// raw events before the cut-off go, sessions across it add up, and PostgreSQL follows the freeze.
#include <gtest/gtest.h>

#include <algorithm>

#include <fmt/format.h>

#include "core/time.h"
#include "pricing/price_table.h"
#include "rollup/calendar.h"
#include "store/postgres_store.h"
#include "store/postgres_test_db.h"
#include "store/sample_events.h"
#include "store/shipper.h"
#include "store/sqlite_store.h"
#include "support/test_support.h"

namespace cu {
namespace {

constexpr const char* kSource = "ana@laptop";
constexpr std::int64_t kHour = 3'600'000;

std::int64_t ms(const std::string& iso) {
  std::int64_t value = 0;
  EXPECT_TRUE(parse_timestamp_ms(iso, value)) << iso;
  return value;
}

// A history from 2026-01-05 to 2026-04-25 (UTC): a session every few hours in two projects, two
// models, and one long session ("long") with an event every fifth day all along, so that it lies
// across every cut-off. Events near 2026-03-01 local midnight (Asia/Kolkata: 2026-02-28 18:30Z)
// keep a block open across it.
std::vector<UsageEvent> history(std::int64_t first_id, std::int64_t from_ms, std::int64_t to_ms) {
  const bool edge = from_ms < ms("2026-02-28T16:00:00.000Z") && to_ms > ms("2026-02-28T20:00:00.000Z");
  std::vector<UsageEvent> events;
  std::int64_t id = first_id;
  for (std::int64_t t = from_ms; t < to_ms; t += 7 * kHour + 13 * 60'000) {
    const std::int64_t n = id - first_id;
    UsageEvent event = test::sample_event(id, format_timestamp_ms(t), fmt::format("s{}", n / 3), 100 + n % 17);
    event.entry.model = n % 4 == 0 ? "claude-opus-4-5-20251101" : "claude-sonnet-4-5-20250929";
    event.entry.tokens.cache_creation = 1000 + n;
    event.entry.tokens.has_cache_split = false;
    event.entry.tokens.cache_creation_5m = event.entry.tokens.cache_creation_1h = 0;
    if (n % 5 == 0) {
      event.project = "-home-ana-web";
      event.entry.cwd = n % 10 == 0 ? "/home/ana/web" : "";
    }
    if (n % 17 == 0) event.session_id = "long";
    event.file = event.project + "/" + event.session_id + ".jsonl";
    events.push_back(event);
    ++id;
  }
  // Around the cut-off of 2026-03-01 in Asia/Kolkata (18:30Z the day before).
  if (!edge) return events;
  for (const char* at : {"2026-02-28T16:10:00.000Z", "2026-02-28T18:20:00.000Z", "2026-02-28T18:40:00.000Z",
                         "2026-02-28T20:00:00.000Z"}) {
    UsageEvent event = test::sample_event(id++, at, "edge", 50);
    event.file = event.project + "/edge.jsonl";
    events.push_back(event);
  }
  return events;
}

class RetentionTest : public ::testing::Test {
 protected:
  RetentionTest()
      : calendar_("Asia/Kolkata"),
        frozen_(dir_.path() / "frozen.db", kSource),
        reference_(dir_.path() / "reference.db", kSource) {}

  RollupSettings settings() const {
    return RollupSettings{&calendar_, &prices_, std::chrono::hours(5), ms("2026-06-01T00:00:00.000Z")};
  }
  // Commits `events` to both stores (in batches, as the ingest would) and refreshes them.
  void commit_both(const std::vector<UsageEvent>& events, std::vector<std::int64_t> removed = {}) {
    for (SqliteStore* store : {&frozen_, &reference_}) {
      IngestBatch batch;
      batch.removed_ids = removed;
      for (const UsageEvent& event : events) {
        batch.inserted.push_back(event);
        if (batch.inserted.size() == 50) {
          store->commit(batch, settings());
          batch = IngestBatch{};
        }
      }
      store->commit(batch, settings());
      store->refresh_rollups(settings());
    }
  }
  std::int64_t events_before(std::int64_t ms) {
    std::int64_t n = 0;
    for (const UsageEvent& event : reference_.events_between(0, ms)) n += event.entry.timestamp_ms < ms ? 1 : 0;
    return n;
  }

  test::TempDir dir_;
  Calendar calendar_;
  PriceTable prices_ = PriceTable::builtin();
  SqliteStore frozen_;     // the one retention freezes
  SqliteStore reference_;  // every event kept
};

TEST_F(RetentionTest, FrozenDaysKeepTheirRowsAndTheirEventsGo) {
  const auto events = history(1, ms("2026-01-05T00:00:00.000Z"), ms("2026-04-25T00:00:00.000Z"));
  commit_both(events);
  EXPECT_FALSE(frozen_.retention());
  EXPECT_EQ(frozen_.first_event_date(calendar_), "2026-01-05");

  const auto first = frozen_.freeze_before("2026-02-01", settings());
  EXPECT_TRUE(first.frozen);
  test::expect_same_rollups(reference_, frozen_);
  frozen_.rebuild_rollups(settings());
  test::expect_same_rollups(reference_, frozen_);
  const auto second = frozen_.freeze_before("2026-03-01", settings());
  EXPECT_TRUE(second.frozen);
  EXPECT_FALSE(frozen_.freeze_before("2026-02-15", settings()).frozen);  // already frozen

  const std::optional<RetentionState> state = frozen_.retention();
  ASSERT_TRUE(state);
  EXPECT_EQ(state->frozen_before, "2026-03-01");
  EXPECT_EQ(state->frozen_before_ms, ms("2026-02-28T18:30:00.000Z"));
  // The block that began at 16:00Z (its first event 16:10Z) is open across 18:30Z: its events stay.
  EXPECT_EQ(state->dropped_before_ms, ms("2026-02-28T16:00:00.000Z"));
  const std::int64_t dropped = events_before(state->dropped_before_ms);
  EXPECT_GT(dropped, 150);
  EXPECT_EQ(first.dropped_events + second.dropped_events, dropped);
  EXPECT_EQ(frozen_.event_count(), reference_.event_count() - dropped);
  EXPECT_TRUE(frozen_.events_between(0, state->dropped_before_ms).empty());
  EXPECT_GT(second.frozen_sessions, 0);

  // Every report reads as before the freeze: daily, per model, cache, sessions, blocks.
  test::expect_same_rollups(reference_, frozen_);
  // A rebuild (time zone or price change, --rebuild) keeps the frozen rows and merges the sessions.
  frozen_.rebuild_rollups(settings());
  test::expect_same_rollups(reference_, frozen_);
}

// No block open across the cut-off (2026-01-31T18:30Z): the events go up to it, and the last block
// before it, whose events are gone, stays as it was through a rebuild and later events.
TEST_F(RetentionTest, TheLastBlockBeforeACutOffInAGapStays) {
  std::vector<UsageEvent> events;
  std::int64_t id = 1;
  for (const char* at : {"2026-01-30T08:00:00.000Z", "2026-01-31T10:00:00.000Z", "2026-01-31T12:00:00.000Z",
                         "2026-02-01T02:00:00.000Z", "2026-02-03T05:00:00.000Z"}) {
    events.push_back(test::sample_event(id++, at, "s1", 10));
  }
  commit_both(events);
  ASSERT_TRUE(frozen_.freeze_before("2026-02-01", settings()).frozen);
  EXPECT_EQ(frozen_.retention()->dropped_before_ms, ms("2026-01-31T18:30:00.000Z"));
  EXPECT_EQ(frozen_.event_count(), 2);
  test::expect_same_rollups(reference_, frozen_);
  frozen_.rebuild_rollups(settings());
  test::expect_same_rollups(reference_, frozen_);
  commit_both({test::sample_event(id++, "2026-02-01T03:00:00.000Z", "s1", 10)});
  test::expect_same_rollups(reference_, frozen_);
}

// After a freeze in Asia/Kolkata, the machine moves to New York and then to Tokyo: frozen days keep
// their rows; every event is in exactly one day, the first day after the frozen ones taking those
// that now fall on a frozen date; sessions and blocks stay as they were.
TEST_F(RetentionTest, AZoneChangeAfterAFreezeLosesAndDoublesNothing) {
  commit_both(history(1, ms("2026-01-05T00:00:00.000Z"), ms("2026-04-25T00:00:00.000Z")));
  ASSERT_TRUE(frozen_.freeze_before("2026-03-01", settings()).frozen);
  const RetentionState state = *frozen_.retention();
  std::vector<DailySummaryRow> frozen_days;
  for (const DailySummaryRow& row : frozen_.daily_summaries()) {
    if (row.date < state.frozen_before) frozen_days.push_back(row);
  }
  const auto total_tokens = [](Store& store) {
    std::int64_t tokens = 0;
    for (const DailySummaryRow& row : store.daily_summaries()) tokens += row.tokens.total();
    return tokens;
  };
  const std::int64_t all_tokens = total_tokens(reference_);
  for (const char* zone : {"America/New_York", "Asia/Tokyo", "Pacific/Kiritimati", "Pacific/Pago_Pago"}) {
    const Calendar moved(zone);
    RollupSettings in_zone = settings();
    in_zone.calendar = &moved;
    frozen_.rebuild_rollups(in_zone);
    EXPECT_EQ(total_tokens(frozen_), all_tokens) << zone;
    std::vector<DailySummaryRow> still_frozen;
    for (const DailySummaryRow& row : frozen_.daily_summaries()) {
      if (row.date < state.frozen_before) still_frozen.push_back(row);
    }
    EXPECT_EQ(still_frozen, frozen_days) << zone;
    // New events in the new zone, and more tokens than before by exactly theirs.
    const auto later = history(10'000 + 100 * static_cast<std::int64_t>(std::string(zone).size()),
                               ms("2026-04-25T00:00:00.000Z"), ms("2026-04-27T00:00:00.000Z"));
    IngestBatch batch;
    batch.inserted = later;
    std::int64_t added = 0;
    for (UsageEvent& event : batch.inserted) {
      event.id += 1'000 * static_cast<std::int64_t>(zone[6]);
      added += event.entry.tokens.input + event.entry.tokens.output + event.entry.tokens.cache_creation +
               event.entry.tokens.cache_read;
    }
    frozen_.commit(batch, in_zone);
    frozen_.refresh_rollups(in_zone);
    EXPECT_EQ(total_tokens(frozen_), all_tokens + added) << zone;
    std::vector<std::int64_t> removed;
    for (const UsageEvent& event : batch.inserted) removed.push_back(event.id);
    frozen_.commit(IngestBatch{removed, {}, {}}, in_zone);
    frozen_.refresh_rollups(in_zone);
    EXPECT_EQ(total_tokens(frozen_), all_tokens) << zone;
  }
}

TEST_F(RetentionTest, LaterEventsAddToTheKeptPartOfASessionAcrossTheCutOff) {
  commit_both(history(1, ms("2026-01-05T00:00:00.000Z"), ms("2026-03-20T00:00:00.000Z")));
  ASSERT_TRUE(frozen_.freeze_before("2026-02-01", settings()).frozen);
  ASSERT_TRUE(frozen_.freeze_before("2026-03-01", settings()).frozen);
  // More of "long" and of the other sessions, a replacement of a kept event after the cut-off, and
  // an event of a session whose events were all dropped ("s2" of January).
  auto later = history(10'000, ms("2026-03-20T00:00:00.000Z"), ms("2026-04-10T00:00:00.000Z"));
  UsageEvent revived = test::sample_event(20'000, "2026-04-11T10:00:00.000Z", "s2", 77);
  revived.file = revived.project + "/s2.jsonl";
  later.push_back(revived);
  const std::int64_t replaced = reference_.events_between(ms("2026-03-10T00:00:00.000Z"),
                                                          ms("2026-03-11T00:00:00.000Z"))
                                    .front()
                                    .id;
  commit_both(later, {replaced});
  test::expect_same_rollups(reference_, frozen_);
  ReportFilter s2;
  s2.session_id = "s2";
  ASSERT_FALSE(frozen_.sessions(s2).empty());
  EXPECT_EQ(frozen_.sessions(s2).front().message_count, reference_.sessions(s2).front().message_count);
}

TEST_F(RetentionTest, AFileReadAgainFromItsStartKeepsItsFrozenEvents) {
  commit_both(history(1, ms("2026-01-05T00:00:00.000Z"), ms("2026-03-20T00:00:00.000Z")));
  ASSERT_TRUE(frozen_.freeze_before("2026-03-01", settings()).frozen);
  const RetentionState state = *frozen_.retention();
  // The edge session's events at 16:10Z and 18:20Z (frozen day, kept raw) are not offered for
  // replacement; those after the cut-off are.
  const auto keys = frozen_.events_of_file("-home-ana-api", "edge", "-home-ana-api/edge.jsonl");
  ASSERT_EQ(keys.size(), 2u);
  for (const StoredEventKey& key : keys) {
    const auto events = frozen_.events_between(state.frozen_before_ms, ms("2026-03-01T00:00:00.000Z"));
    EXPECT_TRUE(std::any_of(events.begin(), events.end(), [&](const UsageEvent& e) { return e.id == key.id; }));
  }
}

TEST_F(RetentionTest, PostgresFollowsTheFreezeAndDropsEmptiedPartitions) {
  CU_POSTGRES_URL_OR_SKIP(url);
  test::ScratchDatabase database(url);
  frozen_.set_shipping(true);
  const auto connector = [&database] { return std::make_unique<PostgresStore>(database.options(), kSource); };
  Shipper shipper(frozen_, connector, settings());
  commit_both(history(1, ms("2026-01-05T00:00:00.000Z"), ms("2026-04-25T00:00:00.000Z")));
  // The outbox holds rows: the freeze waits for them to reach PostgreSQL.
  EXPECT_TRUE(frozen_.freeze_before("2026-02-01", settings()).waiting_for_outbox);
  EXPECT_FALSE(frozen_.retention());
  ASSERT_TRUE(shipper.drain());
  EXPECT_EQ(database.query_int("SELECT COUNT(*) FROM pg_inherits WHERE inhparent = 'usage_events'::regclass"
                               " AND inhrelid::regclass::text IN ('usage_events_2026_01', 'usage_events_2026_02')"),
            2);
  ASSERT_TRUE(frozen_.freeze_before("2026-02-01", settings()).frozen);
  ASSERT_TRUE(shipper.drain());
  ASSERT_TRUE(frozen_.freeze_before("2026-03-01", settings()).frozen);
  ASSERT_TRUE(shipper.drain());

  PostgresStore remote(database.options(), kSource);
  EXPECT_EQ(remote.retention(), frozen_.retention());
  test::expect_same_tables(frozen_, remote);
  test::expect_same_rollups(reference_, remote);
  // January's partition is empty and gone; February's keeps the events of the block open across
  // the cut-off (from 16:00Z on its last day).
  EXPECT_EQ(database.query_int("SELECT COUNT(*) FROM pg_inherits WHERE inhparent = 'usage_events'::regclass"
                               " AND inhrelid::regclass::text = 'usage_events_2026_01'"),
            0);
  EXPECT_EQ(database.query_int("SELECT COUNT(*) FROM usage_events_2026_02"),
            static_cast<std::int64_t>(
                reference_.events_between(ms("2026-02-28T16:00:00.000Z"), ms("2026-03-01T00:00:00.000Z")).size()));

  // Later events, and a rebuild there, keep PostgreSQL equal to the reference.
  commit_both(history(10'000, ms("2026-04-25T00:00:00.000Z"), ms("2026-05-05T00:00:00.000Z")));
  frozen_.rebuild_rollups(settings());
  ASSERT_TRUE(shipper.drain());
  test::expect_same_rollups(reference_, remote);
}

TEST_F(RetentionTest, ShippingTurnedOnAfterAFreezeBringsTheFrozenHistory) {
  CU_POSTGRES_URL_OR_SKIP(url);
  test::ScratchDatabase database(url);
  commit_both(history(1, ms("2026-01-05T00:00:00.000Z"), ms("2026-04-25T00:00:00.000Z")));
  ASSERT_TRUE(frozen_.freeze_before("2026-02-01", settings()).frozen);
  ASSERT_TRUE(frozen_.freeze_before("2026-03-01", settings()).frozen);
  // PostgreSQL configured only now: the resync carries the frozen days', blocks' and sessions'
  // rows with the events that are left.
  frozen_.set_shipping(true);
  const auto connector = [&database] { return std::make_unique<PostgresStore>(database.options(), kSource); };
  Shipper shipper(frozen_, connector, settings());
  ASSERT_TRUE(shipper.drain());
  PostgresStore remote(database.options(), kSource);
  EXPECT_EQ(remote.retention(), frozen_.retention());
  test::expect_same_tables(frozen_, remote);
  test::expect_same_rollups(reference_, remote);
  // And the sessions across the cut-off go on adding up there.
  commit_both(history(10'000, ms("2026-04-25T00:00:00.000Z"), ms("2026-05-05T00:00:00.000Z")));
  ASSERT_TRUE(shipper.drain());
  test::expect_same_rollups(reference_, remote);
}

}  // namespace
}  // namespace cu
