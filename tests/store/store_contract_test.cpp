// The storage contract every Store implementation passes (SPEC §7). New backends add an
// INSTANTIATE_TEST_SUITE_P line with their factory.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <atomic>
#include <functional>
#include <random>
#include <thread>
#include <map>
#include <memory>

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>

#include "core/time.h"
#include "parse/line_parser.h"
#include "pricing/price_table.h"
#include "rollup/calendar.h"
#include "store/postgres_test_db.h"
#include "store/event_keys.h"
#include "store/sample_events.h"
#include "store/sqlite_sql.h"
#include "store/sqlite_store.h"
#include "support/test_support.h"

namespace cu {
namespace {

// Returns nullptr when the backend is not available here (the test is then skipped).
using StoreFactory = std::function<std::unique_ptr<Store>(const test::TempDir&)>;

UsageEvent event(std::int64_t id, const char* timestamp, std::string session, std::int64_t output) {
  UsageEvent e;
  e.id = id;
  e.entry.message_id = "msg_" + std::to_string(id);
  e.entry.request_id = "req_" + std::to_string(id);
  EXPECT_TRUE(parse_timestamp_ms(timestamp, e.entry.timestamp_ms));
  e.entry.model = "claude-sonnet-4-20250514";
  e.entry.tokens = TokenCounts{.input = 10, .output = output, .cache_creation = 3000000000LL, .cache_read = 7};
  e.entry.tokens.has_cache_split = true;
  e.entry.tokens.cache_creation_5m = 1000000000LL;
  e.entry.tokens.cache_creation_1h = 2000000000LL;
  e.entry.speed = Speed::kFast;
  e.entry.cwd = "/home/ana/api";
  e.project = "-home-ana-api";
  e.session_id = std::move(session);
  e.file = "-home-ana-api/" + e.session_id + ".jsonl";
  e.line_offset = id * 100;
  e.cost_usd = 0.0000012345678 * static_cast<double>(id);
  return e;
}

class StoreContractTest : public ::testing::TestWithParam<StoreFactory> {
 protected:
  StoreContractTest() : calendar_("UTC") {}
  void SetUp() override {
    store_ = GetParam()(dir_);
    if (!store_ && !HasFailure()) GTEST_SKIP() << "backend not available";
    ASSERT_NE(store_, nullptr) << "backend not available";
  }

  void commit(const IngestBatch& batch) {
    store_->commit(batch, settings());
    store_->refresh_rollups(settings());
  }
  RollupSettings settings() const {
    return RollupSettings{&calendar_, &prices_, std::chrono::hours(5), now_ms_};
  }

  test::TempDir dir_;
  Calendar calendar_;
  PriceTable prices_ = PriceTable::builtin();
  std::int64_t now_ms_ = 0;
  std::unique_ptr<Store> store_;
};

TEST_P(StoreContractTest, EmptyStoreHasNothing) {
  EXPECT_EQ(store_->event_count(), 0);
  EXPECT_TRUE(store_->load_checkpoints().empty());
  store_->load_message_keys([](std::int64_t) { ADD_FAILURE(); });
  EXPECT_EQ(store_->max_event_id(), 0);
  EXPECT_TRUE(store_->identities_of_message("msg_1").empty());
}

TEST_P(StoreContractTest, EventsRoundTripTheirIdentityAndSixtyFourBitCounts) {
  commit(IngestBatch{{}, {event(1, "2026-02-01T10:00:00.000Z", "s1", 5)}, {}});
  std::vector<std::int64_t> message_keys;
  store_->load_message_keys([&](std::int64_t key) { message_keys.push_back(key); });
  EXPECT_EQ(store_->max_event_id(), 1);
  EXPECT_EQ(message_keys, std::vector<std::int64_t>{message_key("msg_1")});
  EXPECT_TRUE(store_->identities_of_message("msg_2").empty());
  const std::vector<StoredIdentity> identities = store_->identities_of_message("msg_1");
  ASSERT_EQ(identities.size(), 1u);
  EXPECT_EQ(identities[0].id, 1);
  EXPECT_EQ(identities[0].message_id, "msg_1");
  EXPECT_EQ(identities[0].request_id, "req_1");
  EXPECT_EQ(identities[0].tokens, 10 + 5 + 3000000000LL + 7);
  EXPECT_TRUE(identities[0].has_speed);
  EXPECT_EQ(identities[0].line_offset, 100);
  const auto daily = store_->daily_summaries();
  ASSERT_EQ(daily.size(), 1u);
  EXPECT_EQ(daily[0].tokens.cache_creation, 3000000000LL);
  EXPECT_EQ(daily[0].models_used, "claude-sonnet-4-20250514-fast");
}

TEST_P(StoreContractTest, CheckpointsAreUpserted) {
  Checkpoint checkpoint{"/logs/projects/p/s.jsonl", 2049, 77, "10:00000000deadbeef", 10};
  commit(IngestBatch{{}, {}, {checkpoint}});
  checkpoint.offset = 4096;
  commit(IngestBatch{{}, {}, {checkpoint}});
  EXPECT_EQ(store_->load_checkpoints(), std::vector<Checkpoint>{checkpoint});
}

TEST_P(StoreContractTest, RemovingAnEventMovesItsDayAndSession) {
  commit(IngestBatch{{}, {event(1, "2026-02-02T10:00:00.000Z", "s1", 5)}, {}});
  commit(IngestBatch{{1}, {event(2, "2026-02-01T10:00:00.000Z", "s2", 9)}, {}});
  const auto daily = store_->daily_summaries();
  ASSERT_EQ(daily.size(), 1u);
  EXPECT_EQ(daily[0].date, "2026-02-01");
  EXPECT_EQ(daily[0].tokens.output, 9);
  const auto sessions = store_->sessions();
  ASSERT_EQ(sessions.size(), 1u);
  EXPECT_EQ(sessions[0].session_id, "s2");
  EXPECT_EQ(store_->event_count(), 1);
}

// What a file read again from 0 must replace: its events, with or without message id, and none of
// another file's.
TEST_P(StoreContractTest, EventsOfAFileAreFoundByItsPath) {
  UsageEvent idless = event(2, "2026-02-01T10:01:00.000Z", "s1", 5);
  idless.entry.message_id.clear();
  commit(IngestBatch{{}, {event(1, "2026-02-01T10:00:00.000Z", "s1", 5), idless,
                          event(3, "2026-02-01T10:02:00.000Z", "s2", 5)}, {}});
  auto keys = store_->events_of_file("-home-ana-api", "s1", "-home-ana-api/s1.jsonl");
  std::sort(keys.begin(), keys.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_EQ(keys[0].id, 1);
  EXPECT_EQ(keys[0].message_id, "msg_1");
  EXPECT_EQ(keys[1].id, 2);
  EXPECT_EQ(keys[1].message_id, "");
  EXPECT_TRUE(store_->events_of_file("-home-ana-api", "s1", "-home-ana-api/s1/subagents/a.jsonl").empty());
}

TEST_P(StoreContractTest, RebuildEqualsIncremental) {
  for (int i = 1; i <= 30; ++i) {
    const std::string ts = fmt::format("2026-02-{:02}T{:02}:00:00.000Z", 1 + i % 5, i % 24);
    commit(IngestBatch{{}, {event(i, ts.c_str(), fmt::format("s{}", i % 4), i)}, {}});
  }
  const auto daily = store_->daily_summaries();
  const auto sessions = store_->sessions();
  store_->rebuild_rollups(settings());
  EXPECT_EQ(store_->daily_summaries(), daily);
  EXPECT_EQ(store_->sessions(), sessions);
}

// Property: random events (with replacements) split into random batches give the same derived
// rows incrementally as one rebuild from usage_events.
TEST_P(StoreContractTest, RandomBatchesIncrementalEqualsRebuild) {
  std::mt19937_64 random(99);
  now_ms_ = 1'900'000'000'000;
  std::vector<std::int64_t> live;
  std::int64_t next_id = 1;
  for (int round = 0; round < 25; ++round) {
    IngestBatch batch;
    const int size = 1 + static_cast<int>(random() % 12);
    for (int i = 0; i < size; ++i) {
      const std::string ts = fmt::format("2026-02-{:02}T{:02}:{:02}:00.000Z", 1 + random() % 6, random() % 24,
                                         random() % 60);
      auto e = event(next_id++, ts.c_str(), fmt::format("s{}", random() % 5), static_cast<std::int64_t>(random() % 900));
      if (random() % 3 == 0) e.entry.speed = Speed::kUnset;
      batch.inserted.push_back(e);
    }
    if (!live.empty() && random() % 2 == 0) {  // a better duplicate displaces an older event
      const std::size_t victim = random() % live.size();
      batch.removed_ids.push_back(live[victim]);
      live.erase(live.begin() + static_cast<std::ptrdiff_t>(victim));
    }
    for (const auto& e : batch.inserted) live.push_back(e.id);
    commit(batch);
  }
  const auto daily = store_->daily_summaries();
  const auto models = store_->model_daily();
  const auto sessions = store_->sessions();
  const auto blocks = store_->usage_blocks();
  const auto cache = store_->cache_analytics();
  store_->rebuild_rollups(settings());
  EXPECT_EQ(store_->daily_summaries(), daily);
  EXPECT_EQ(store_->model_daily(), models);
  EXPECT_EQ(store_->sessions(), sessions);
  EXPECT_EQ(store_->usage_blocks(), blocks);
  EXPECT_EQ(store_->cache_analytics(), cache);
  EXPECT_EQ(store_->event_count(), static_cast<std::int64_t>(live.size()));
}

TEST_P(StoreContractTest, TimeZoneChangeRebuildRedatesDays) {
  commit(IngestBatch{{}, {event(1, "2026-02-02T03:00:00.000Z", "s1", 5)}, {}});
  const Calendar new_york("America/New_York");
  store_->rebuild_rollups(RollupSettings{&new_york});
  const auto daily = store_->daily_summaries();
  ASSERT_EQ(daily.size(), 1u);
  EXPECT_EQ(daily[0].date, "2026-02-01");
}

TEST_P(StoreContractTest, DirtyKeysSurviveUntilRefreshed) {
  store_->commit(IngestBatch{{}, {event(1, "2026-02-01T10:00:00.000Z", "s1", 5)}, {}}, settings());
  EXPECT_TRUE(store_->daily_summaries().empty());
  EXPECT_EQ(store_->refresh_rollups(settings()), 3);  // one date, one session, the blocks
  EXPECT_EQ(store_->daily_summaries().size(), 1u);
  EXPECT_EQ(store_->refresh_rollups(settings()), 0);
}


TEST_P(StoreContractTest, ModelCacheAndSessionModelRowsFollowTheEvents) {
  auto plain = event(2, "2026-02-01T11:00:00.000Z", "s1", 7);
  plain.entry.speed = Speed::kUnset;
  commit(IngestBatch{{}, {event(1, "2026-02-01T10:00:00.000Z", "s1", 5), plain}, {}});
  const auto models = store_->model_daily();
  ASSERT_EQ(models.size(), 2u);
  EXPECT_EQ(models[0].model, "claude-sonnet-4-20250514");
  EXPECT_EQ(models[0].tokens.output, 7);
  EXPECT_EQ(models[1].model, "claude-sonnet-4-20250514-fast");
  EXPECT_EQ(models[1].request_count, 1);
  const auto cache = store_->cache_analytics();
  ASSERT_EQ(cache.size(), 1u);
  EXPECT_EQ(cache[0].cache_hit_tokens, 14);
  EXPECT_EQ(cache[0].total_cache_tokens, 6000000014LL);
  EXPECT_LT(cache[0].cache_savings_usd, 0);  // writes cost more than the reads saved
  const auto session_models = store_->session_models();
  ASSERT_EQ(session_models.size(), 2u);
  EXPECT_EQ(session_models[0].session_id, "s1");
  // Removing the fast event removes its model row.
  commit(IngestBatch{{1}, {}, {}});
  EXPECT_EQ(store_->model_daily().size(), 1u);
  EXPECT_EQ(store_->session_models().size(), 1u);
}

TEST_P(StoreContractTest, BlocksFollowInsertsAndRemovals) {
  now_ms_ = 1'900'000'000'000;  // long after the events: every block completed
  commit(IngestBatch{{}, {event(1, "2026-02-01T10:30:00.000Z", "s1", 5),
                          event(2, "2026-02-01T14:00:00.000Z", "s1", 5),
                          event(3, "2026-02-02T09:15:00.000Z", "s2", 5)}, {}});
  auto blocks = store_->usage_blocks();
  ASSERT_EQ(blocks.size(), 2u);
  EXPECT_EQ(blocks[0].block_id, "2026-02-01T10:00:00.000Z");
  EXPECT_EQ(blocks[0].entries, 2);
  EXPECT_EQ(blocks[0].first_event_ms, blocks[0].start_ms + 30 * 60 * 1000);
  EXPECT_FALSE(blocks[0].is_active);
  EXPECT_EQ(blocks[1].block_id, "2026-02-02T09:00:00.000Z");
  // An earlier event changes where the first block starts.
  commit(IngestBatch{{}, {event(4, "2026-02-01T08:05:00.000Z", "s1", 5)}, {}});
  blocks = store_->usage_blocks();
  ASSERT_EQ(blocks.size(), 3u);
  EXPECT_EQ(blocks[0].block_id, "2026-02-01T08:00:00.000Z");
  EXPECT_EQ(blocks[0].entries, 2);
  EXPECT_EQ(blocks[1].block_id, "2026-02-01T14:00:00.000Z");
  commit(IngestBatch{{4}, {}, {}});
  blocks = store_->usage_blocks();
  ASSERT_EQ(blocks.size(), 2u);
  EXPECT_EQ(blocks[0].block_id, "2026-02-01T10:00:00.000Z");
}

TEST_P(StoreContractTest, ActiveBlockCompletesWhenItsTimeIsUp) {
  std::int64_t last = 0;
  ASSERT_TRUE(parse_timestamp_ms("2026-02-01T10:30:00.000Z", last));
  now_ms_ = last + 60 * 1000;
  commit(IngestBatch{{}, {event(1, "2026-02-01T10:30:00.000Z", "s1", 5)}, {}});
  ASSERT_TRUE(store_->usage_blocks().at(0).is_active);
  EXPECT_EQ(store_->refresh_block_status(settings()), 0);
  now_ms_ = last + 5 * 3600 * 1000;
  EXPECT_EQ(store_->refresh_block_status(settings()), 1);
  EXPECT_FALSE(store_->usage_blocks().at(0).is_active);
}

TEST_P(StoreContractTest, FiltersSelectDatesProjectsAndSessions) {
  commit(IngestBatch{{}, {event(1, "2026-02-01T10:00:00.000Z", "s1", 5),
                          event(2, "2026-02-03T10:00:00.000Z", "s2", 5)}, {}});
  ReportFilter filter;
  filter.since = "2026-02-02";
  EXPECT_EQ(store_->daily_summaries(filter).size(), 1u);
  EXPECT_EQ(store_->model_daily(filter).size(), 1u);
  EXPECT_EQ(store_->sessions(filter, &calendar_).size(), 1u);
  EXPECT_EQ(store_->usage_blocks(filter, &calendar_).size(), 1u);
  EXPECT_THROW(store_->sessions(filter), std::invalid_argument);
  ReportFilter by_session;
  by_session.session_id = "s1";
  EXPECT_EQ(store_->sessions(by_session).at(0).session_id, "s1");
  EXPECT_EQ(store_->projects(), std::vector<std::string>{"-home-ana-api"});
  std::int64_t from = 0;
  std::int64_t to = 0;
  parse_timestamp_ms("2026-02-03T00:00:00.000Z", from);
  parse_timestamp_ms("2026-02-04T00:00:00.000Z", to);
  EXPECT_EQ(store_->events_between(from, to, "-home-ana-api").size(), 1u);
  EXPECT_TRUE(store_->events_between(from, to, "other").empty());
}

std::int64_t ms(const char* timestamp) {
  std::int64_t value = 0;
  EXPECT_TRUE(parse_timestamp_ms(timestamp, value)) << timestamp;
  return value;
}

RateLimitSnapshot reading(RateLimitWindow window, const char* captured_at, double percentage, const char* resets_at) {
  return RateLimitSnapshot{window, ms(captured_at), percentage, ms(resets_at)};
}

constexpr RateLimitWindow k5h = RateLimitWindow::kFiveHour;
constexpr RateLimitWindow k7d = RateLimitWindow::kSevenDay;

RateLimitFilter only(RateLimitWindow window, std::optional<std::int64_t> resets_at_ms = std::nullopt) {
  RateLimitFilter filter;
  filter.window = window;
  filter.resets_at_ms = resets_at_ms;
  return filter;
}

// At most one row per window and minute: a later capture of the minute replaces it (also one of
// the same instant), an earlier one is ignored, also within one call.
TEST_P(StoreContractTest, RateLimitsKeepOneRowPerWindowAndMinute) {
  const char* reset = "2026-02-01T14:00:00.000Z";
  store_->record_rate_limits({reading(k5h, "2026-02-01T10:00:05.000Z", 20, reset)});
  store_->record_rate_limits({reading(k5h, "2026-02-01T10:00:40.250Z", 21.5, reset),
                              reading(k7d, "2026-02-01T10:00:40.250Z", 7, "2026-02-05T00:00:00.000Z")});
  store_->record_rate_limits({reading(k5h, "2026-02-01T10:00:20.000Z", 99, reset)});  // earlier: ignored
  store_->record_rate_limits({reading(k5h, "2026-02-01T10:01:59.999Z", 23, reset),
                              reading(k5h, "2026-02-01T10:01:00.000Z", 22, reset)});  // the later one stays
  EXPECT_EQ(store_->rate_limit_snapshots({}),
            (std::vector<RateLimitSnapshot>{reading(k5h, "2026-02-01T10:00:40.250Z", 21.5, reset),
                                            reading(k7d, "2026-02-01T10:00:40.250Z", 7, "2026-02-05T00:00:00.000Z"),
                                            reading(k5h, "2026-02-01T10:01:59.999Z", 23, reset)}));
  store_->record_rate_limits({reading(k5h, "2026-02-01T10:00:40.250Z", 24, reset)});  // the same instant
  EXPECT_EQ(store_->rate_limit_snapshots(only(k5h)).front(), reading(k5h, "2026-02-01T10:00:40.250Z", 24, reset));
  store_->record_rate_limits({});
  EXPECT_EQ(store_->rate_limit_snapshots({}).size(), 3u);
}

TEST_P(StoreContractTest, RateLimitSnapshotsAreFilteredByWindowInstanceAndTime) {
  const char* first = "2026-02-01T12:00:00.000Z";
  const char* second = "2026-02-01T17:00:00.000Z";
  const char* week = "2026-02-07T00:00:00.000Z";
  const std::vector<RateLimitSnapshot> all{
      reading(k5h, "2026-02-01T09:00:00.000Z", 10, first),    reading(k7d, "2026-02-01T09:00:00.000Z", 3, week),
      reading(k5h, "2026-02-01T11:59:00.000Z", 55.25, first), reading(k5h, "2026-02-01T12:30:00.000Z", 2, second),
      reading(k7d, "2026-02-01T12:30:00.000Z", 9, week),      reading(k5h, "2026-02-01T16:00:00.000Z", 40, second)};
  store_->record_rate_limits({all[5], all[0], all[3]});
  store_->record_rate_limits({all[4], all[2], all[1]});
  EXPECT_EQ(store_->rate_limit_snapshots({}), all);
  EXPECT_EQ(store_->rate_limit_snapshots(only(k7d)), (std::vector<RateLimitSnapshot>{all[1], all[4]}));
  EXPECT_EQ(store_->rate_limit_snapshots(only(k5h, ms(second))), (std::vector<RateLimitSnapshot>{all[3], all[5]}));
  EXPECT_EQ(store_->rate_limit_snapshots(only(k5h, ms(first))), (std::vector<RateLimitSnapshot>{all[0], all[2]}));
  RateLimitFilter range;  // [from, to): the bounds are instants of capture
  range.from_ms = ms("2026-02-01T09:00:00.001Z");
  range.to_ms = ms("2026-02-01T16:00:00.000Z");
  EXPECT_EQ(store_->rate_limit_snapshots(range), (std::vector<RateLimitSnapshot>{all[2], all[3], all[4]}));
  range.window = k5h;
  range.resets_at_ms = ms(second);
  EXPECT_EQ(store_->rate_limit_snapshots(range), std::vector<RateLimitSnapshot>{all[3]});
  range.to_ms = range.from_ms;
  EXPECT_TRUE(store_->rate_limit_snapshots(range).empty());
  EXPECT_TRUE(store_->rate_limit_snapshots(only(k7d, ms(first))).empty());
}

TEST_P(StoreContractTest, LatestRateLimitsAreTheNewestOfEachWindow) {
  EXPECT_TRUE(store_->latest_rate_limits().empty());
  const RateLimitSnapshot week = reading(k7d, "2026-02-01T09:00:00.000Z", 3, "2026-02-07T00:00:00.000Z");
  store_->record_rate_limits({week});
  EXPECT_EQ(store_->latest_rate_limits(), std::vector<RateLimitSnapshot>{week});
  const RateLimitSnapshot newest = reading(k5h, "2026-02-01T10:00:00.000Z", 50, "2026-02-01T12:00:00.000Z");
  store_->record_rate_limits({newest, reading(k5h, "2026-02-01T09:30:00.000Z", 40, "2026-02-01T12:00:00.000Z")});
  store_->record_rate_limits({reading(k5h, "2026-01-31T10:00:00.000Z", 90, "2026-01-31T12:00:00.000Z")});
  EXPECT_EQ(store_->latest_rate_limits(), (std::vector<RateLimitSnapshot>{newest, week}));
}

// What the limit estimates sum: every kept event of [from, to), in time order, of this source.
TEST_P(StoreContractTest, UsagePointsAreTheEventsOfARangeInTimeOrder) {
  auto costed = [](std::int64_t id, const char* timestamp, std::int64_t output) {
    UsageEvent e = event(id, timestamp, "s1", output);
    e.cost_usd = 0.125 * static_cast<double>(id);
    return e;
  };
  commit(IngestBatch{{}, {costed(1, "2026-02-01T10:30:00.000Z", 5), costed(2, "2026-02-01T09:15:00.500Z", 6),
                          costed(3, "2026-02-01T12:00:00.000Z", 7), costed(4, "2026-02-01T08:59:59.999Z", 8)}, {}});
  commit(IngestBatch{{1}, {}, {}});
  const std::int64_t total = 10 + 3000000000LL + 7;  // input, cache creation, cache read
  EXPECT_EQ(store_->usage_points(ms("2026-02-01T09:00:00.000Z"), ms("2026-02-01T12:00:00.000Z")),
            (std::vector<UsagePoint>{{ms("2026-02-01T09:15:00.500Z"), 0.25, 16, total + 6}}));
  EXPECT_EQ(store_->usage_points(0, ms("2026-02-02T00:00:00.000Z")),
            (std::vector<UsagePoint>{{ms("2026-02-01T08:59:59.999Z"), 0.5, 18, total + 8},
                                     {ms("2026-02-01T09:15:00.500Z"), 0.25, 16, total + 6},
                                     {ms("2026-02-01T12:00:00.000Z"), 0.375, 17, total + 7}}));
  EXPECT_TRUE(store_->usage_points(ms("2026-02-01T12:00:00.001Z"), ms("2026-02-02T00:00:00.000Z")).empty());
}

INSTANTIATE_TEST_SUITE_P(Sqlite, StoreContractTest,
                         ::testing::Values(StoreFactory([](const test::TempDir& dir) {
                           return std::make_unique<SqliteStore>(dir.path() / "state/usage.db", "me@host");
                         })));

// Each test in its own database, dropped afterwards. Without a server: skipped, failed under CI.
INSTANTIATE_TEST_SUITE_P(Postgres, StoreContractTest,
                         ::testing::Values(StoreFactory([](const test::TempDir&) -> std::unique_ptr<Store> {
                           const auto url = test::postgres_test_url();
                           if (!url) {
                             if (test::running_in_ci()) ADD_FAILURE() << test::kNoPostgres;
                             return nullptr;
                           }
                           return std::make_unique<test::ScratchPostgresStore>(*url, "me@host");
                         })));

TEST(SqliteStoreTest, CreatesPrivateFilesAndMigratesOnce) {
  test::TempDir dir;
  const auto path = dir.path() / "state/usage.db";
  {
    SqliteStore store(path, "me@host");
    EXPECT_GE(store.schema_version(), 1);
  }
  SqliteStore reopened(path, "me@host");
  EXPECT_GE(reopened.schema_version(), 1);
  const auto dir_perms = std::filesystem::status(path.parent_path()).permissions();
  EXPECT_EQ(dir_perms & std::filesystem::perms::all, std::filesystem::perms::owner_all);
  const auto file_perms = std::filesystem::status(path).permissions();
  EXPECT_EQ(file_perms & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

// Regression: a daemon and a reader opening a new database at once got "database is locked" or
// applied a migration twice.
TEST(SqliteStoreTest, ConcurrentOpensOfANewDatabaseMigrateOnce) {
  test::TempDir dir;
  std::vector<std::thread> openers;
  std::atomic<int> failures{0};
  for (int i = 0; i < 6; ++i) {
    openers.emplace_back([&] {
      try {
        SqliteStore store(dir.path() / "usage.db", "me@host");
        store.event_count();
      } catch (const std::exception& e) {
        ADD_FAILURE() << "an opener failed: " << e.what();
        ++failures;
      }
    });
  }
  for (auto& opener : openers) opener.join();
  EXPECT_EQ(failures.load(), 0);
  test::TempDir fresh;
  EXPECT_EQ(SqliteStore(dir.path() / "usage.db", "me@host").schema_version(),
            SqliteStore(fresh.path() / "usage.db", "me@host").schema_version());
}

// Each row of `query` as its columns' text, each followed by '|'.
std::vector<std::string> rows_as_text(SQLite::Database& db, const std::string& query) {
  SQLite::Statement statement(db, query);
  std::vector<std::string> rows;
  while (statement.executeStep()) {
    std::string row;
    for (int column = 0; column < statement.getColumnCount(); ++column) {
      row += statement.getColumn(column).getString() + "|";
    }
    rows.push_back(row);
  }
  return rows;
}

// Version 13 rebuilds the tables a live append rewrites WITHOUT ROWID: a database of version 12
// keeps every row of them (dirty marks included, which the next refresh then takes).
TEST(SqliteStoreTest, VersionThirteenKeepsTheRowsOfTheTablesItRebuilds) {
  test::TempDir dir;
  const auto path = dir.path() / "usage.db";
  const Calendar utc("UTC");
  const RollupSettings settings{&utc};
  const std::vector<std::string> tables = {"rollup_dirty_dates",  "rollup_dirty_sessions", "rollup_dirty_blocks",
                                           "model_daily_usage",   "session_model_usage",   "usage_blocks"};
  auto rows_of = [&](SQLite::Database& db, const std::string& table) {
    std::vector<std::string> rows = rows_as_text(db, fmt::format("SELECT * FROM {}", table));
    std::sort(rows.begin(), rows.end());
    return rows;
  };
  std::map<std::string, std::vector<std::string>> before;
  {
    SqliteStore store(path, "me@host");
    store.commit(IngestBatch{{},
                             {event(1, "2026-02-01T10:00:00.000Z", "s1", 5), event(2, "2026-02-01T18:00:00.000Z", "s2", 7),
                              event(3, "2026-02-03T09:00:00.000Z", "s1", 11)},
                             {}},
                 settings);
    store.refresh_rollups(settings);
    store.commit(IngestBatch{{}, {event(4, "2026-02-04T09:00:00.000Z", "s3", 13)}, {}}, settings);  // marks only
    SQLite::Database db(path.string(), SQLite::OPEN_READWRITE);
    for (const std::string& table : tables) {
      before[table] = rows_of(db, table);
      EXPECT_FALSE(before[table].empty()) << table;
      // Back to a rowid table, as version 12 had it.
      db.exec(fmt::format("CREATE TABLE old_{0} AS SELECT * FROM {0}; DROP TABLE {0}; ALTER TABLE old_{0} RENAME TO {0}",
                          table));
    }
    db.exec("CREATE INDEX usage_blocks_start ON usage_blocks (source, start_time)");
    db.exec("DROP INDEX usage_events_session; DROP INDEX usage_events_message;"  // and before 14
            " ALTER TABLE usage_events DROP COLUMN message_key; ALTER TABLE usage_events DROP COLUMN session_key");
    db.exec("DELETE FROM schema_migrations WHERE version >= 13");
  }
  SqliteStore store(path, "me@host");
  {
    SQLite::Database db(path.string(), SQLite::OPEN_READONLY);
    for (const std::string& table : tables) {
      SCOPED_TRACE(table);
      EXPECT_EQ(rows_of(db, table), before[table]);
      const std::string sql =
          db.execAndGet(fmt::format("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = '{}'", table))
              .getString();
      EXPECT_NE(sql.find("WITHOUT ROWID"), std::string::npos) << sql;
    }
    EXPECT_EQ(db.execAndGet("SELECT COUNT(*) FROM sqlite_master WHERE name = 'usage_blocks_start'").getInt(), 1);
  }
  store.refresh_rollups(settings);
  EXPECT_EQ(store.daily_summaries().size(), 3u) << "the marks of the last commit were kept";
  EXPECT_EQ(store.sessions().size(), 3u);
}

// The definitions of usage_events and its indexes, as sqlite_master holds them, each run of
// white space as one space.
std::vector<std::string> event_schema(const std::filesystem::path& path) {
  SQLite::Database db(path.string(), SQLite::OPEN_READONLY);
  SQLite::Statement query(db, "SELECT name || ': ' || sql FROM sqlite_master WHERE tbl_name = 'usage_events'"
                              " AND sql IS NOT NULL ORDER BY name");
  std::vector<std::string> schema;
  while (query.executeStep()) {
    std::string text;
    for (const char c : query.getColumn(0).getString()) {
      const bool space = std::isspace(static_cast<unsigned char>(c)) != 0;
      if (!space) text += c;
      else if (!text.empty() && text.back() != ' ') text += ' ';
    }
    schema.push_back(text);
  }
  return schema;
}

// Back to version 13's usage_events: no keys, the indexes of 010 and 011.
constexpr const char* kDowngradeEventsTo13 =
    "DROP INDEX usage_events_time; DROP INDEX usage_events_session; DROP INDEX usage_events_message;"
    " ALTER TABLE usage_events DROP COLUMN message_key; ALTER TABLE usage_events DROP COLUMN session_key;"
    " CREATE INDEX usage_events_time ON usage_events (source, timestamp, cost_usd, input_tokens, output_tokens,"
    " cache_creation_tokens, cache_read_tokens);"
    " CREATE INDEX usage_events_session ON usage_events (source, project, session_id);"
    " CREATE INDEX usage_events_message ON usage_events (source, message_id);";

// Version 14 gives each stored event its integer keys (schema/sqlite/014): every row and column
// kept, the keys what event_keys.h computes, the table and indexes those of a new database, the
// lookups through them.
TEST(SqliteStoreTest, VersionFourteenKeysTheStoredEvents) {
  test::TempDir dir;
  const auto path = dir.path() / "usage.db";
  const Calendar utc("UTC");
  const RollupSettings settings{&utc};
  { SqliteStore fresh(dir.path() / "fresh.db", "me@host"); }
  constexpr const char* kOldColumns =
      "source, id, message_id, request_id, timestamp, project, session_id, model, input_tokens, output_tokens,"
      " cache_creation_tokens, cache_read_tokens, cache_creation_5m_tokens, cache_creation_1h_tokens, speed,"
      " logged_cost_usd, cost_usd, is_sidechain, cwd, file, line_offset, entry_index";
  auto rows_of = [&](SQLite::Database& db) {
    return rows_as_text(db, fmt::format("SELECT {} FROM usage_events ORDER BY id", kOldColumns));
  };
  UsageEvent unnamed = event(3, "2026-02-03T09:00:00.000Z", "s1", 11);
  unnamed.entry.message_id.clear();  // never deduplicated, keyed all the same
  UsageEvent other_project = event(4, "2026-02-04T09:00:00.000Z", "s1", 13);
  other_project.project = "-home-ana-web";
  other_project.file = "-home-ana-web/s1.jsonl";
  std::vector<std::string> before;
  {
    SqliteStore store(path, "me@host");
    store.commit(IngestBatch{{}, {event(1, "2026-02-01T10:00:00.000Z", "s1", 5), event(2, "2026-02-01T18:00:00.000Z", "s2", 7),
                                  unnamed, other_project}, {}},
                 settings);
    store.refresh_rollups(settings);
    SQLite::Database db(path.string(), SQLite::OPEN_READWRITE);
    before = rows_of(db);
    db.exec(kDowngradeEventsTo13);
    db.exec("DELETE FROM schema_migrations WHERE version >= 14");
  }
  SqliteStore store(path, "me@host");
  EXPECT_EQ(event_schema(path), event_schema(dir.path() / "fresh.db"));
  {
    SQLite::Database db(path.string(), SQLite::OPEN_READWRITE);
    EXPECT_EQ(rows_of(db), before);
    SQLite::Statement keys(db, "SELECT message_id, project, session_id, message_key, session_key FROM usage_events");
    int rows = 0;
    while (keys.executeStep()) {
      ++rows;
      EXPECT_EQ(keys.getColumn(3).getInt64(), message_key(keys.getColumn(0).getString()));
      EXPECT_EQ(keys.getColumn(4).getInt64(), session_key(keys.getColumn(1).getString(), keys.getColumn(2).getString()));
    }
    EXPECT_EQ(rows, 4);
  }
  ASSERT_EQ(store.identities_of_message("msg_2").size(), 1u);
  EXPECT_EQ(store.identities_of_message("msg_2")[0].id, 2);
  EXPECT_TRUE(store.identities_of_message("msg_9").empty());
  const std::vector<StoredEventKey> s1 = store.events_of_file("-home-ana-api", "s1", "-home-ana-api/s1.jsonl");
  ASSERT_EQ(s1.size(), 2u);
  EXPECT_EQ(s1[0].id + s1[1].id, 1 + 3);
  ASSERT_EQ(store.events_of_file("-home-ana-web", "s1", "-home-ana-web/s1.jsonl").size(), 1u);
  store.rebuild_rollups(settings);
  EXPECT_EQ(store.sessions().size(), 3u) << "s1 of two projects, and s2";
}

// An older program that bulk-loads an emptied table builds its own indexes under these names:
// the next open replaces them with this version's.
TEST(SqliteStoreTest, IndexesOfAnOlderShapeAreRebuiltAtOpen) {
  test::TempDir dir;
  const auto path = dir.path() / "usage.db";
  { SqliteStore fresh(dir.path() / "fresh.db", "me@host"); }
  {
    SqliteStore store(path, "me@host");
    SQLite::Database db(path.string(), SQLite::OPEN_READWRITE);
    db.exec("DROP INDEX usage_events_time; DROP INDEX usage_events_message;"
            " CREATE INDEX usage_events_time ON usage_events (source, timestamp);"
            " CREATE INDEX usage_events_message ON usage_events (source, message_id)");
  }
  SqliteStore store(path, "me@host");
  EXPECT_EQ(event_schema(path), event_schema(dir.path() / "fresh.db"));
}

// Two sessions whose keys collide (forced here: XXH3-64 makes it a 2^-64 chance) interleave in
// the session-ordered scan of a refresh with many dirty sessions; each still gets its own row.
TEST(SqliteStoreTest, SessionsSharingAKeyKeepTheirOwnRows) {
  test::TempDir dir;
  const Calendar utc("UTC");
  const RollupSettings settings{&utc};
  std::vector<UsageEvent> events;
  for (int i = 0; i < 40; ++i) {  // 20 sessions, more than a refresh asks for one by one
    events.push_back(event(i + 1, i % 2 == 0 ? "2026-02-01T10:00:00.000Z" : "2026-02-02T11:00:00.000Z",
                           "s" + std::to_string(i % 20), 3 + i));
  }
  const auto path = dir.path() / "usage.db";
  SqliteStore store(path, "me@host");
  store.commit(IngestBatch{{}, events, {}}, settings);
  store.refresh_rollups(settings);
  const auto sessions = store.sessions();
  ASSERT_EQ(sessions.size(), 20u);
  {
    SQLite::Database db(path.string(), SQLite::OPEN_READWRITE);
    db.exec(fmt::format("UPDATE usage_events SET session_key = {} WHERE session_id IN ('s1', 's2', 's3')",
                        session_key("-home-ana-api", "s1")));
  }
  store.rebuild_rollups(settings);
  EXPECT_EQ(store.sessions(), sessions);
}

// A program older than version 14 that writes to the database leaves its events without keys
// (the columns' default); the next open keys them, so that the lookups find them.
TEST(SqliteStoreTest, EventsWrittenWithoutKeysAreKeyedAtTheNextOpen) {
  test::TempDir dir;
  const auto path = dir.path() / "usage.db";
  const Calendar utc("UTC");
  const RollupSettings settings{&utc};
  {
    SqliteStore store(path, "me@host");
    store.commit(IngestBatch{{}, {event(1, "2026-02-01T10:00:00.000Z", "s1", 5)}, {}}, settings);
    store.refresh_rollups(settings);
    SQLite::Database db(path.string(), SQLite::OPEN_READWRITE);
    // Event 2 as an older program inserts it: without the key columns.
    db.exec("INSERT INTO usage_events (source, id, message_id, request_id, timestamp, project, session_id, model,"
            " input_tokens, output_tokens, cache_creation_tokens, cache_read_tokens, cost_usd, is_sidechain, cwd,"
            " file, line_offset, entry_index) SELECT source, 2, 'msg_old', request_id, timestamp, project, 's9', model,"
            " input_tokens, output_tokens, cache_creation_tokens, cache_read_tokens, cost_usd, is_sidechain, cwd,"
            " '-home-ana-api/s9.jsonl', 0, 0 FROM usage_events WHERE id = 1");
    EXPECT_TRUE(store.identities_of_message("msg_old").empty());
    SQLite::Statement plan(db, std::string("EXPLAIN QUERY PLAN ") + sqlite_sql::kAnyUnkeyedEvent);
    std::string steps;
    while (plan.executeStep()) steps += plan.getColumn(3).getString() + "\n";
    EXPECT_NE(steps.find("INDEX usage_events_message (message_key=?)"), std::string::npos) << steps;
  }
  SqliteStore store(path, "me@host");
  ASSERT_EQ(store.identities_of_message("msg_old").size(), 1u);
  EXPECT_EQ(store.identities_of_message("msg_old")[0].id, 2);
  EXPECT_EQ(store.events_of_file("-home-ana-api", "s9", "-home-ana-api/s9.jsonl").size(), 1u);
  SQLite::Database db(path.string(), SQLite::OPEN_READONLY);
  EXPECT_EQ(db.execAndGet(sqlite_sql::kAnyUnkeyedEvent).getInt(), 0);
}

// Events are inserted sixteen rows to a statement while sixteen are left (sqlite_sql.h,
// kInsertedTogether), one at a time after: every field, NULLs included, comes back as committed,
// from a bulk load and from a later commit.
TEST(SqliteStoreTest, EventsInsertedTogetherKeepEveryField) {
  test::TempDir dir;
  const Calendar utc("UTC");
  const RollupSettings settings{&utc};
  SqliteStore store(dir.path() / "usage.db", "me@host");
  const auto batch_of = [](std::int64_t first, std::int64_t count) {
    IngestBatch batch;
    for (std::int64_t id = first; id < first + count; ++id) {
      UsageEvent e = event(id, "2026-02-01T10:00:00.000Z", "s" + std::to_string(id % 3), id);
      e.entry.timestamp_ms += id * 1000;
      e.entry.tokens.has_cache_split = id % 2 == 0;
      if (!e.entry.tokens.has_cache_split) e.entry.tokens.cache_creation_5m = e.entry.tokens.cache_creation_1h = 0;
      e.entry.speed = static_cast<Speed>(id % 3);
      if (id % 5 == 0) e.entry.logged_cost_usd = 0.25 * static_cast<double>(id);
      e.entry.is_sidechain = id % 4 == 0;
      e.entry_index = static_cast<std::int32_t>(id % 2);
      e.entry.request_id = id % 7 == 0 ? "" : e.entry.request_id;
      batch.inserted.push_back(std::move(e));
    }
    return batch;
  };
  const IngestBatch first = batch_of(1, 32 * 16 + 5);  // a bulk load (500 events or more)
  const IngestBatch second = batch_of(1000, 16 + 15);
  store.commit(first, settings);
  store.refresh_rollups(settings);
  store.commit(second, settings);
  store.refresh_rollups(settings);
  std::vector<UsageEvent> expected = first.inserted;
  expected.insert(expected.end(), second.inserted.begin(), second.inserted.end());
  EXPECT_EQ(test::all_events(store), expected);
}

// Following a log commits each batch with its refresh in one transaction (commit_and_refresh):
// the derived tables equal those of commit() then refresh_rollups(), through replacements across
// days and sessions, marks an earlier commit() left are taken too, and no mark is left behind.
TEST(SqliteStoreTest, CommitAndRefreshEqualsCommitThenRefresh) {
  test::TempDir dir;
  const Calendar kolkata("Asia/Kolkata");
  const RollupSettings settings{&kolkata};
  SqliteStore together(dir.path() / "together.db", "me@host");
  SqliteStore apart(dir.path() / "apart.db", "me@host");
  std::mt19937_64 random(11);
  std::vector<std::int64_t> stored;
  std::int64_t next_id = 1;
  for (int round = 0; round < 40; ++round) {
    IngestBatch batch;
    const int events = 1 + static_cast<int>(random() % 6);
    for (int i = 0; i < events; ++i) {
      const std::string timestamp =
          fmt::format("2026-02-{:02}T{:02}:{:02}:00.000Z", 1 + random() % 4, random() % 24, random() % 60);
      batch.inserted.push_back(event(next_id, timestamp.c_str(), fmt::format("s{}", random() % 3), 1 + random() % 50));
      stored.push_back(next_id++);
    }
    if (round % 3 == 2 && stored.size() > 4) {  // a replacement takes an earlier event out
      const std::size_t gone = random() % (stored.size() - events);
      batch.removed_ids.push_back(stored[gone]);
      stored.erase(stored.begin() + static_cast<std::ptrdiff_t>(gone));
    }
    batch.checkpoints.push_back({"/logs/p/t.jsonl", 1, 2, "f", round * 100});
    apart.commit(batch, settings);
    if (round % 5 == 0) {  // a commit of its own, as a batch filled while reading, then a refresh
      together.commit(batch, settings);
      continue;
    }
    apart.refresh_rollups(settings);
    together.commit_and_refresh(batch, settings);
    test::expect_same_rollups(apart, together);
  }
  SQLite::Database db((dir.path() / "together.db").string(), SQLite::OPEN_READONLY);
  for (const char* table : {"rollup_dirty_dates", "rollup_dirty_sessions", "rollup_dirty_blocks"}) {
    EXPECT_EQ(db.execAndGet(fmt::format("SELECT COUNT(*) FROM {}", table)).getInt(), 0) << table;
  }
}

// A store whose day row for 2026-02-02 is refused until refuse_no_more(), as a full disk refuses
// a write.
class RefusedDayRowTest : public ::testing::Test {
 protected:
  static std::filesystem::path prepared(const std::filesystem::path& database) {
    { SqliteStore created(database, "me@host"); }
    SQLite::Database(database.string(), SQLite::OPEN_READWRITE)
        .exec("CREATE TABLE refusals (n INTEGER); INSERT INTO refusals VALUES (1);"
              "CREATE TRIGGER refuse BEFORE INSERT ON daily_usage_summary WHEN NEW.date = '2026-02-02'"
              " AND EXISTS (SELECT 1 FROM refusals) BEGIN SELECT RAISE(ABORT, 'disk full'); END");
    return database;
  }
  void refuse_no_more() { database().exec("DELETE FROM refusals"); }
  SQLite::Database database() { return SQLite::Database(path_.string(), SQLite::OPEN_READWRITE); }

  test::TempDir dir_;
  std::filesystem::path path_ = prepared(dir_.path() / "usage.db");
  Calendar utc_{"UTC"};
  RollupSettings settings_{&utc_};
  SqliteStore store_{path_, "me@host"};
};

// A refused refresh is refused no longer once its cause is gone. It used to be refused until the
// daemon restarted: a statement the exception left mid-step kept the connection's read snapshot
// of the refusal (Impl::Transaction now resets them).
TEST_F(RefusedDayRowTest, ARefusedRefreshSucceedsOnceItsCauseIsGone) {
  store_.commit(IngestBatch{{}, {event(1, "2026-02-02T10:00:00.000Z", "s1", 5)}, {}}, settings_);
  EXPECT_THROW(store_.refresh_rollups(settings_), std::exception);
  refuse_no_more();
  store_.refresh_rollups(settings_);
  ASSERT_EQ(store_.daily_summaries().size(), 1u);
  EXPECT_EQ(store_.daily_summaries().front().date, "2026-02-02");
}

// A refresh refused inside commit_and_refresh's transaction stores nothing of the batch: no
// event, no checkpoint, no mark; the same batch then goes in whole.
TEST_F(RefusedDayRowTest, ARefusedCommitAndRefreshStoresNothing) {
  store_.commit_and_refresh(IngestBatch{{}, {event(1, "2026-02-01T10:00:00.000Z", "s1", 5)}, {}}, settings_);
  const auto daily_before = store_.daily_summaries();
  IngestBatch batch{{1}, {event(2, "2026-02-02T10:00:00.000Z", "s2", 7)}, {{"/logs/p/t.jsonl", 1, 2, "f", 100}}};
  EXPECT_THROW(store_.commit_and_refresh(batch, settings_), std::exception);
  EXPECT_EQ(store_.event_count(), 1);
  EXPECT_TRUE(store_.load_checkpoints().empty());
  EXPECT_EQ(store_.daily_summaries(), daily_before);
  for (const char* table : {"rollup_dirty_dates", "rollup_dirty_sessions", "rollup_dirty_blocks"}) {
    EXPECT_EQ(database().execAndGet(fmt::format("SELECT COUNT(*) FROM {}", table)).getInt(), 0) << table;
  }
  refuse_no_more();
  store_.commit_and_refresh(batch, settings_);
  EXPECT_EQ(store_.event_count(), 1);
  ASSERT_EQ(store_.daily_summaries().size(), 1u);
  EXPECT_EQ(store_.daily_summaries().front().date, "2026-02-02");
  EXPECT_EQ(store_.load_checkpoints().size(), 1u);
}

// A time zone changed between two runs re-dates the derived tables at the next start.
TEST(SqliteStoreTest, ChangedTimeZoneRebuildsOnce) {
  test::TempDir dir;
  const Calendar utc("UTC");
  const Calendar new_york("America/New_York");
  SqliteStore store(dir.path() / "usage.db", "me@host");
  const RollupSettings utc_settings{&utc};
  EXPECT_FALSE(store.rebuild_if_settings_changed(utc_settings));
  store.commit(IngestBatch{{}, {event(1, "2026-02-02T03:00:00.000Z", "s1", 5)}, {}}, utc_settings);
  store.refresh_rollups(utc_settings);
  EXPECT_FALSE(store.rebuild_if_settings_changed(utc_settings));
  EXPECT_EQ(store.daily_summaries().at(0).date, "2026-02-02");
  EXPECT_TRUE(store.rebuild_if_settings_changed(RollupSettings{&new_york}));
  EXPECT_EQ(store.daily_summaries().at(0).date, "2026-02-01");
  EXPECT_FALSE(store.rebuild_if_settings_changed(RollupSettings{&new_york}));
}

TEST(SqliteStoreTest, SourcesDoNotSeeEachOther) {
  test::TempDir dir;
  const Calendar utc("UTC");
  SqliteStore mine(dir.path() / "usage.db", "me@host");
  SqliteStore theirs(dir.path() / "usage.db", "you@host");
  mine.commit(IngestBatch{{}, {event(1, "2026-02-01T10:00:00.000Z", "s1", 5)}, {}}, RollupSettings{&utc});
  mine.refresh_rollups(RollupSettings{&utc});
  mine.record_rate_limits({RateLimitSnapshot{RateLimitWindow::kFiveHour, 1'770'000'000'000, 5, 1'770'010'000'000}});
  EXPECT_EQ(theirs.event_count(), 0);
  EXPECT_TRUE(theirs.daily_summaries().empty());
  EXPECT_TRUE(theirs.rate_limit_snapshots({}).empty());
  EXPECT_TRUE(theirs.latest_rate_limits().empty());
  EXPECT_TRUE(theirs.usage_points(0, 1'900'000'000'000).empty());
  EXPECT_EQ(mine.usage_points(0, 1'900'000'000'000).size(), 1u);
}

}  // namespace
}  // namespace cu
