#include "limits/p90_limit.h"

#include <gtest/gtest.h>

#include <vector>

namespace cu {
namespace {

constexpr std::int64_t kHourMs = 3'600'000;
constexpr std::int64_t kNowMs = 1'800'000'000'000;

// A completed 5-hour block that started `hours_ago` (≥ 6) with one hour of events.
UsageBlock block(std::int64_t hours_ago, std::int64_t input, std::int64_t output = 0) {
  UsageBlock b;
  b.start_ms = kNowMs - hours_ago * kHourMs;
  b.end_ms = b.start_ms + 5 * kHourMs;
  b.first_event_ms = b.start_ms;
  b.actual_end_ms = b.start_ms + kHourMs;
  b.tokens.input = input;
  b.tokens.output = output;
  b.entries = 1;
  return b;
}

// Blocks of these input-token sizes, 10, 20, 30 ... hours ago.
std::vector<UsageBlock> blocks_of(const std::vector<std::int64_t>& sizes) {
  std::vector<UsageBlock> blocks;
  for (std::size_t i = 0; i < sizes.size(); ++i) blocks.push_back(block(10 * static_cast<std::int64_t>(i + 1), sizes[i]));
  return blocks;
}

LimitSettings without_floor() {
  LimitSettings settings;
  settings.p90_floor = 0;
  return settings;
}

TEST(ExclusiveQuantile, MatchesPython) {
  // python3 -c 'import statistics; print(statistics.quantiles(list(range(1, 11)), n=10)[8])' → 9.9
  EXPECT_DOUBLE_EQ(exclusive_quantile({1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 10, 8), 9.9);
  // python3 -c 'import statistics; print(statistics.quantiles([3, 1], n=10)[8])' → 4.4
  // (m = 3, j = 27 // 10 = 2 clamped to 1, delta = 17: (1·(−7) + 3·17) / 10; unsorted input)
  EXPECT_DOUBLE_EQ(exclusive_quantile({3, 1}, 10, 8), 4.4);
  // python3 -c 'import statistics; print(statistics.quantiles([1000, 2000, 3000, 4000, 5000], n=10)[8])' → 5400.0
  EXPECT_DOUBLE_EQ(exclusive_quantile({1000, 2000, 3000, 4000, 5000}, 10, 8), 5400);
  // python3 -c 'import statistics; print(statistics.quantiles([19000, 25000, 83600, 100000, 880000, 18050, 19500], n=10)[8])' → 1036000.0
  EXPECT_DOUBLE_EQ(exclusive_quantile({19000, 25000, 83600, 100000, 880000, 18050, 19500}, 10, 8), 1'036'000);
  // python3 -c 'import statistics; print(statistics.quantiles(list(range(1, 11)), n=4)[0])' → 2.75
  EXPECT_DOUBLE_EQ(exclusive_quantile({1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 4, 0), 2.75);
  // python3 -c 'import statistics; print(statistics.quantiles([2.5, 7.25, 1.0, 9.75], n=10)[0])' → 0.25
  EXPECT_DOUBLE_EQ(exclusive_quantile({2.5, 7.25, 1.0, 9.75}, 10, 0), 0.25);
  // python3 -c 'import statistics; print(statistics.quantiles([50000, 60000], n=10)[8])' → 67000.0
  EXPECT_DOUBLE_EQ(exclusive_quantile({50000, 60000}, 10, 8), 67'000);
}

TEST(ExclusiveQuantile, OneValueIsItsOwnQuantile) {
  // Python 3.13 returns [5] * 9 (3.11 refuses one data point).
  EXPECT_EQ(exclusive_quantile({5}, 10, 8), 5);
  EXPECT_EQ(exclusive_quantile({5}, 10, 0), 5);
}

TEST(P90TokenLimit, NoBlocksNoLimit) {
  EXPECT_FALSE(p90_token_limit({}, kNowMs, LimitSettings{}));
}

TEST(P90TokenLimit, HitBlocksOnly) {
  // Hits are ≥ 0.95 × 19000 = 18050 (the smallest common limit): 18049 and 10000 are not.
  // python3 -c 'import statistics; print(statistics.quantiles([18050, 40000, 90000], n=10)[8])' → 120000.0
  // (m = 4, j = 36 // 10 = 3 clamped to 2, delta = 16: (40000·(−6) + 90000·16) / 10)
  const auto blocks = blocks_of({10000, 18049, 18050, 40000, 90000});
  EXPECT_EQ(p90_token_limit(blocks, kNowMs, LimitSettings{}), 120'000);
}

TEST(P90TokenLimit, NoHitBlocksMeansAllBlocks) {
  // None reaches 18050: all five count. python3 -c 'import statistics;
  // print(statistics.quantiles([1000, 2000, 3000, 4000, 5000], n=10)[8])' → 5400.0
  const auto blocks = blocks_of({3000, 1000, 5000, 2000, 4000});
  EXPECT_EQ(p90_token_limit(blocks, kNowMs, without_floor()), 5400);
  // With the default floor of 19000 the result is the floor.
  EXPECT_EQ(p90_token_limit(blocks, kNowMs, LimitSettings{}), 19'000);
}

TEST(P90TokenLimit, AnyCommonLimitCounts) {
  // Limits 100000 and 50000 at ratio 0.5: hits are ≥ 25000 (0.5 × 50000) — 30000, 83600, 100000.
  // python3 -c 'import statistics; print(statistics.quantiles([30000, 83600, 100000], n=10)[8])'
  // → 109840.0 (j = 2, delta = 16: (83600·(−6) + 100000·16) / 10 = (−501600 + 1600000) / 10)
  LimitSettings settings;
  settings.p90_common_limits = {100'000, 50'000};
  settings.p90_hit_ratio = 0.5;
  const auto blocks = blocks_of({24'999, 30'000, 83'600, 100'000});
  EXPECT_EQ(p90_token_limit(blocks, kNowMs, settings), 109'840);
}

TEST(P90TokenLimit, OneBlockIsItsSizeAboveTheFloor) {
  EXPECT_EQ(p90_token_limit(blocks_of({50'000}), kNowMs, LimitSettings{}), 50'000);
  EXPECT_EQ(p90_token_limit(blocks_of({5'000}), kNowMs, LimitSettings{}), 19'000);
  EXPECT_EQ(p90_token_limit(blocks_of({5'000}), kNowMs, without_floor()), 5'000);
}

TEST(P90TokenLimit, Ties) {
  EXPECT_EQ(p90_token_limit(blocks_of({30'000, 30'000, 30'000, 30'000}), kNowMs, LimitSettings{}), 30'000);
  // python3 -c 'import statistics; print(statistics.quantiles([20000, 30000, 30000, 40000], n=10)[8])' → 45000.0
  EXPECT_EQ(p90_token_limit(blocks_of({30'000, 20'000, 40'000, 30'000}), kNowMs, LimitSettings{}), 45'000);
}

TEST(P90TokenLimit, InputPlusOutputOnly) {
  // 10000 input + 15000 output = 25000; the million cache tokens do not count.
  std::vector<UsageBlock> blocks{block(10, 10'000, 15'000)};
  blocks[0].tokens.cache_read = 1'000'000;
  blocks[0].tokens.cache_creation = 1'000'000;
  EXPECT_EQ(p90_token_limit(blocks, kNowMs, LimitSettings{}), 25'000);
}

TEST(P90TokenLimit, TheActiveBlockIsExcluded) {
  std::vector<UsageBlock> blocks = blocks_of({50'000});
  // Flagged active: excluded.
  UsageBlock flagged = block(10, 900'000);
  flagged.is_active = true;
  blocks.push_back(flagged);
  // Not flagged but active at now: started 2 h ago, last event 1 h ago (< 5 h, now < end).
  blocks.push_back(block(2, 800'000));
  EXPECT_EQ(p90_token_limit(blocks, kNowMs, LimitSettings{}), 50'000);
  // Started 6 h ago: ended an hour ago, completed, and it counts (python3 -c 'import statistics;
  // print(statistics.quantiles([50000, 60000], n=10)[8])' → 67000.0).
  blocks.push_back(block(6, 60'000));
  EXPECT_EQ(p90_token_limit(blocks, kNowMs, LimitSettings{}), 67'000);
}

TEST(P90TokenLimit, OnlyTheLast192Hours) {
  // 193 h ago is out; exactly 192 h ago is in.
  std::vector<UsageBlock> blocks{block(193, 900'000), block(20, 50'000)};
  EXPECT_EQ(p90_token_limit(blocks, kNowMs, LimitSettings{}), 50'000);
  blocks.push_back(block(192, 60'000));
  EXPECT_EQ(p90_token_limit(blocks, kNowMs, LimitSettings{}), 67'000);
  LimitSettings wider;
  wider.p90_window_hours = 200;
  // [50000, 60000, 900000]: j = 3 clamped 2, delta 16: (60000·(−6) + 900000·16) / 10 = 1404000
  // (python3 -c 'import statistics; print(statistics.quantiles([50000, 60000, 900000], n=10)[8])')
  EXPECT_EQ(p90_token_limit(blocks, kNowMs, wider), 1'404'000);
}

TEST(P90TokenLimit, GapBlocksAreExcluded) {
  std::vector<UsageBlock> blocks = blocks_of({50'000});
  UsageBlock gap = block(30, 900'000);  // a gap carries no tokens; these prove it is skipped
  gap.is_gap = true;
  blocks.push_back(gap);
  EXPECT_EQ(p90_token_limit(blocks, kNowMs, LimitSettings{}), 50'000);
}

TEST(P90TokenLimit, EmptyBlocksAreExcluded) {
  std::vector<UsageBlock> blocks{block(10, 0)};
  blocks[0].tokens.cache_read = 500'000;  // cache only: size 0
  EXPECT_FALSE(p90_token_limit(blocks, kNowMs, LimitSettings{}));
  blocks.push_back(block(20, 5'000));
  // Without the empty one counted, all blocks = [5000]; with it the sizes would be [0, 5000].
  EXPECT_EQ(p90_token_limit(blocks, kNowMs, without_floor()), 5'000);
}

TEST(P90TokenLimit, TheFloorApplies) {
  LimitSettings settings;
  settings.p90_floor = 70'000;
  // P90 of [50000, 60000] = 67000 < 70000.
  EXPECT_EQ(p90_token_limit(blocks_of({50'000, 60'000}), kNowMs, settings), 70'000);
}

TEST(P90TokenLimit, TheQuantileIsTruncated) {
  // [18050, 18051]: m = 3, j = 2 clamped 1, delta 17: (18050·(−7) + 18051·17) / 10 = 18051.7
  // (python3 -c 'import statistics; print(statistics.quantiles([18050, 18051], n=10)[8])'), int() → 18051.
  EXPECT_EQ(p90_token_limit(blocks_of({18'050, 18'051}), kNowMs, without_floor()), 18'051);
}

}  // namespace
}  // namespace cu
