// Burn rate, projection and token-limit status, pinned to what ccusage 20.0.24
// `blocks --json --offline [--token-limit N|max]` printed for an active block.
#include "rollup/block_projection.h"

#include <gtest/gtest.h>

#include <chrono>
#include <limits>
#include <vector>

#include "pricing/price_table.h"
#include "rollup/usage_blocks.h"
#include "rollup_test_events.h"

namespace cu {
namespace {

using test::usage_event;
using test::utc_ms;

constexpr std::chrono::hours kFiveHours{5};

// Three Sonnet 4 entries of 600,000 input (above the 200k tier), 1,000 output and 7 cache-read
// tokens, 15 minutes apart; ccusage ran at 10:48:56.650–10:48:56.789.
class ActiveBlockTest : public ::testing::Test {
 protected:
  ActiveBlockTest() {
    const PriceTable prices = PriceTable::builtin();
    const char* times[] = {"2026-11-23T10:08:56.602Z", "2026-11-23T10:23:56.602Z", "2026-11-23T10:38:56.602Z"};
    std::int64_t id = 0;
    for (const char* time : times) {
      UsageEvent e = usage_event(++id, utc_ms(time), "claude-sonnet-4-20250514", 600'000, 1'000);
      e.entry.tokens.cache_read = 7;
      e.cost_usd = entry_cost(e.entry, prices, CostMode::kAuto);
      events_.push_back(e);
    }
  }

  std::vector<UsageEvent> events_;
  const std::int64_t now_ = utc_ms("2026-11-23T10:48:56.700Z");
};

TEST_F(ActiveBlockTest, BurnRateAndProjectionMatchCcusage) {
  const auto blocks = compute_blocks(events_, kFiveHours, now_);
  ASSERT_EQ(blocks.size(), 1u);
  const UsageBlock& block = blocks[0];
  EXPECT_TRUE(block.is_active);
  EXPECT_EQ(block.tokens.total(), 1'803'021);
  EXPECT_EQ(block.cost_usd, 9.0450063);
  const auto rate = burn_rate(block);
  ASSERT_TRUE(rate);
  EXPECT_EQ(rate->tokens_per_minute, 60100.7);
  EXPECT_EQ(rate->tokens_per_minute_for_indicator, 60100.0);
  EXPECT_EQ(rate->cost_per_hour, 18.0900126);
  // 251.05 minutes left: ccusage rounds the minutes before projecting (251.05 would give 16891512).
  EXPECT_EQ(project_block(block, *rate, now_), (Projection{16'888'297, 84.72, 251}));
}

TEST_F(ActiveBlockTest, TokenLimitLevelsMatchCcusage) {
  const std::int64_t projected = 16'888'297;
  EXPECT_EQ(token_limit_status(projected, 16'888'297)->level, TokenLimitLevel::kWarning);  // equal is not over
  EXPECT_EQ(token_limit_status(projected, 16'888'296)->level, TokenLimitLevel::kExceeds);
  EXPECT_EQ(token_limit_status(projected, 17'000'000)->level, TokenLimitLevel::kWarning);
  EXPECT_EQ(token_limit_status(projected, 17'000'000)->percent_used, 99.34292352941176);
  const auto just_over = token_limit_status(projected, 21'110'371);
  EXPECT_EQ(just_over->level, TokenLimitLevel::kWarning);
  EXPECT_EQ(just_over->percent_used, 80.00000094740165);
  const auto just_under = token_limit_status(projected, 21'110'372);
  EXPECT_EQ(just_under->level, TokenLimitLevel::kOk);
  EXPECT_EQ(just_under->percent_used, 79.99999715779524);
  EXPECT_EQ(just_under->limit, 21'110'372);
  EXPECT_EQ(just_under->projected_usage, projected);
  EXPECT_FALSE(token_limit_status(projected, 0));
}

TEST_F(ActiveBlockTest, MaxLimitIsTheLargestCompletedBlockNotTheActiveOne) {
  // ccusage `--token-limit max` with one 601,007-token entry 10 hours earlier gave limit 601007.
  UsageEvent earlier = events_.front();
  earlier.id = 100;
  earlier.entry.timestamp_ms = utc_ms("2026-11-23T00:48:56.602Z");
  std::vector<UsageEvent> events = events_;
  events.push_back(earlier);
  const auto blocks = compute_blocks(events, kFiveHours, now_);
  ASSERT_EQ(blocks.size(), 3u);  // completed, gap, active
  EXPECT_EQ(max_completed_block_tokens(blocks), 601'007);
  const auto status = token_limit_status(16'888'297, max_completed_block_tokens(blocks));
  EXPECT_EQ(status->percent_used, 2810.000049916224);
  EXPECT_EQ(status->level, TokenLimitLevel::kExceeds);
  // Only the active block: `max` is 0 and ccusage prints no status.
  EXPECT_EQ(max_completed_block_tokens(compute_blocks(events_, kFiveHours, now_)), 0);
}

TEST(BlockProjectionTest, SampleActiveBlockOfTheSharedReferenceOutput) {
  // blocks_recent_tmax.json: 36,000 tokens and $0.063 over one hour, 191 minutes left.
  UsageBlock block;
  block.start_ms = utc_ms("2026-11-23T07:00:00.000Z");
  block.end_ms = utc_ms("2026-11-23T12:00:00.000Z");
  block.first_event_ms = utc_ms("2026-11-23T07:43:45.000Z");
  block.actual_end_ms = utc_ms("2026-11-23T08:43:45.000Z");
  block.tokens = TokenTotals{3000, 3000, 0, 30000};
  block.cost_usd = 0.063;
  block.entries = 3;
  const auto rate = burn_rate(block);
  ASSERT_TRUE(rate);
  EXPECT_EQ(*rate, (BurnRate{600.0, 100.0, 0.063}));
  const auto projection = project_block(block, *rate, utc_ms("2026-11-23T08:49:10.000Z"));
  EXPECT_EQ(projection, (Projection{150'600, 0.26, 191}));
  const auto status = token_limit_status(projection.total_tokens, 1'000'000);
  EXPECT_EQ(status->percent_used, 15.06);
  EXPECT_EQ(token_limit_level_name(status->level), "ok");
}

TEST(BlockProjectionTest, NoBurnRateWithoutTwoDistinctTimestamps) {
  UsageBlock block;
  block.first_event_ms = block.actual_end_ms = 5000;
  block.entries = 2;
  block.tokens.input = 10;
  EXPECT_FALSE(burn_rate(block));
  UsageBlock gap;
  gap.is_gap = true;
  EXPECT_FALSE(burn_rate(gap));
}

TEST(BlockProjectionTest, RemainingMinutesRoundHalfUpAndNeverGoNegative) {
  UsageBlock block;
  block.end_ms = 10 * 60'000;
  block.tokens.input = 100;
  block.cost_usd = 1;
  const BurnRate rate{10, 10, 6};
  EXPECT_EQ(project_block(block, rate, 10 * 60'000 - 90'000), (Projection{120, 1.2, 2}));  // 1.5 min
  EXPECT_EQ(project_block(block, rate, 10 * 60'000 - 89'999), (Projection{110, 1.1, 1}));
  EXPECT_EQ(project_block(block, rate, 20 * 60'000), (Projection{100, 1.0, 0}));
}

// projection_unchanged_until names exactly the instant the projection first differs: the same
// projection up to one millisecond before, another from it on.
TEST(BlockProjectionTest, ProjectionUnchangedUntilTheRoundedMinutesDrop) {
  UsageBlock block;
  block.start_ms = 1'780'000'000'000 - 1'780'000'000'000 % 3'600'000;
  block.end_ms = block.start_ms + 5 * 3'600'000;
  block.tokens.input = 1000;
  block.cost_usd = 1;
  const BurnRate rate{10, 10, 6};
  for (std::int64_t now = block.start_ms; now < block.end_ms + 120'000; now += 7'919) {
    const std::int64_t until = projection_unchanged_until(block, now);
    ASSERT_GT(until, now);
    const Projection at_now = project_block(block, rate, now);
    if (until == std::numeric_limits<std::int64_t>::max()) {
      EXPECT_EQ(at_now.remaining_minutes, 0);
      EXPECT_EQ(project_block(block, rate, now + 86'400'000), at_now);
      continue;
    }
    EXPECT_EQ(project_block(block, rate, until - 1), at_now) << now;
    EXPECT_NE(project_block(block, rate, until), at_now) << now;
  }
}

TEST(BlockProjectionTest, LevelNames) {
  EXPECT_EQ(token_limit_level_name(TokenLimitLevel::kOk), "ok");
  EXPECT_EQ(token_limit_level_name(TokenLimitLevel::kWarning), "warning");
  EXPECT_EQ(token_limit_level_name(TokenLimitLevel::kExceeds), "exceeds");
}

}  // namespace
}  // namespace cu
