// cache_analytics rows from hand-built events (SPEC §7), at the built-in prices.
#include "rollup/cache_analytics.h"

#include <gtest/gtest.h>

#include <vector>

#include "rollup_test_events.h"

namespace cu {
namespace {

using test::usage_event;

constexpr double kPerMillion = 1e-6;

class CacheAnalyticsTest : public ::testing::Test {
 protected:
  const PriceTable prices_ = PriceTable::builtin();
};

UsageEvent with_cache(UsageEvent e, std::int64_t creation, std::int64_t read) {
  e.entry.tokens.cache_creation = creation;
  e.entry.tokens.cache_read = read;
  return e;
}

UsageEvent with_split(UsageEvent e, std::int64_t writes_5m, std::int64_t writes_1h) {
  e.entry.tokens.has_cache_split = true;
  e.entry.tokens.cache_creation_5m = writes_5m;
  e.entry.tokens.cache_creation_1h = writes_1h;
  e.entry.tokens.cache_creation = writes_5m + writes_1h;
  return e;
}

TEST_F(CacheAnalyticsTest, ReadsSaveAndUnsplitWritesCostAsFiveMinuteWrites) {
  // Sonnet 4: in 3, cache read 0.30, 5m write 3.75 per million.
  const std::vector<UsageEvent> events{with_cache(usage_event(1, 1000, "claude-sonnet-4-20250514", 100), 200, 1000)};
  const auto row = summarize_cache_of_day("2026-01-01", events, prices_);
  EXPECT_EQ(row.date, "2026-01-01");
  EXPECT_EQ(row.total_cache_tokens, 1200);
  EXPECT_EQ(row.cache_hit_tokens, 1000);
  EXPECT_DOUBLE_EQ(row.hit_rate, 1000.0 / 1300.0);
  EXPECT_NEAR(row.cache_savings_usd, (1000 * 2.7 - 200 * 0.75) * kPerMillion, 1e-15);
}

TEST_F(CacheAnalyticsTest, OneHourWritesWithoutReadsMakeSavingsNegative) {
  // Sonnet 4: 1h write 6 per million, 3 above input; 5m write 0.75 above input.
  const std::vector<UsageEvent> events{with_split(usage_event(1, 1000, "claude-sonnet-4-20250514", 10), 100, 1000),
                                       with_cache(usage_event(2, 2000, "claude-sonnet-4-20250514", 10), 0, 100)};
  const auto row = summarize_cache_of_day("2026-01-01", events, prices_);
  EXPECT_EQ(row.total_cache_tokens, 1200);
  EXPECT_EQ(row.cache_hit_tokens, 100);
  EXPECT_DOUBLE_EQ(row.hit_rate, 100.0 / 1220.0);
  EXPECT_NEAR(row.cache_savings_usd, (100 * 2.7 - 100 * 0.75 - 1000 * 3.0) * kPerMillion, 1e-15);
  EXPECT_LT(row.cache_savings_usd, 0);
}

TEST_F(CacheAnalyticsTest, FastEntriesSaveTimesTheFastMultiplier) {
  // Opus 4.6: in 5, cache read 0.50 per million, fast × 6.
  std::vector<UsageEvent> events{with_cache(usage_event(1, 1000, "claude-opus-4-6", 0), 0, 1000),
                                 with_cache(usage_event(2, 2000, "claude-opus-4-6", 0), 0, 1000)};
  events[1].entry.speed = Speed::kFast;
  const auto row = summarize_cache_of_day("2026-01-01", events, prices_);
  EXPECT_NEAR(row.cache_savings_usd, (1000 * 4.5 + 1000 * 4.5 * 6) * kPerMillion, 1e-15);
  EXPECT_EQ(row.hit_rate, 1.0);
}

TEST_F(CacheAnalyticsTest, SavingsUseBasePricesAboveTheTwoHundredThousandTier) {
  const std::vector<UsageEvent> events{with_cache(usage_event(1, 1000, "claude-sonnet-4-20250514", 0), 0, 300'000)};
  const auto row = summarize_cache_of_day("2026-01-01", events, prices_);
  EXPECT_NEAR(row.cache_savings_usd, 300'000 * 2.7 * kPerMillion, 1e-12);
}

TEST_F(CacheAnalyticsTest, UnknownAndSyntheticModelsCountTokensButSaveNothing) {
  const std::vector<UsageEvent> events{with_cache(usage_event(1, 1000, "gpt-unknown-model", 100), 50, 1000),
                                       with_cache(usage_event(2, 2000, "<synthetic>", 0), 0, 1000)};
  const auto row = summarize_cache_of_day("2026-01-01", events, prices_);
  EXPECT_EQ(row.total_cache_tokens, 2050);
  EXPECT_EQ(row.cache_hit_tokens, 2000);
  EXPECT_DOUBLE_EQ(row.hit_rate, 2000.0 / 2150.0);
  EXPECT_EQ(row.cache_savings_usd, 0.0);
}

TEST_F(CacheAnalyticsTest, EmptyDayHasZeroHitRate) {
  const std::vector<UsageEvent> events{usage_event(1, 1000, "claude-sonnet-4-20250514", 0, 50)};
  const auto row = summarize_cache_of_day("2026-01-01", events, prices_);
  EXPECT_EQ(row.hit_rate, 0.0);
  EXPECT_EQ(row.total_cache_tokens, 0);
  EXPECT_EQ(summarize_cache_of_day("2026-01-02", {}, prices_).hit_rate, 0.0);
}

}  // namespace
}  // namespace cu
