#include <string>

#include <gtest/gtest.h>

#include "pricing/price_table.h"

namespace cu {
namespace {

UsageEntry entry(std::string model, TokenCounts tokens, Speed speed = Speed::kUnset) {
  UsageEntry e;
  e.model = std::move(model);
  e.tokens = tokens;
  e.speed = speed;
  return e;
}

TokenCounts split(std::int64_t in, std::int64_t out, std::int64_t w5m, std::int64_t w1h,
                  std::int64_t read) {
  return {.input = in, .output = out, .cache_creation = w5m + w1h, .cache_read = read,
          .has_cache_split = true, .cache_creation_5m = w5m, .cache_creation_1h = w1h};
}

TokenCounts unsplit(std::int64_t in, std::int64_t out, std::int64_t writes, std::int64_t read) {
  return {.input = in, .output = out, .cache_creation = writes, .cache_read = read};
}

class EntryCost : public ::testing::Test {
 protected:
  double cost(const UsageEntry& e, CostMode mode = CostMode::kAuto) const {
    return entry_cost(e, table_, mode);
  }
  PriceTable table_ = PriceTable::builtin();
};

TEST_F(EntryCost, EachFieldAtItsPrice) {
  EXPECT_DOUBLE_EQ(cost(entry("claude-opus-4-1", unsplit(1'000'000, 0, 0, 0))), 15);
  EXPECT_DOUBLE_EQ(cost(entry("claude-opus-4-1", unsplit(0, 1'000'000, 0, 0))), 75);
  EXPECT_DOUBLE_EQ(cost(entry("claude-opus-4-1", unsplit(0, 0, 1'000'000, 0))), 18.75);
  EXPECT_DOUBLE_EQ(cost(entry("claude-opus-4-1", split(0, 0, 0, 1'000'000, 0))), 30);
  EXPECT_DOUBLE_EQ(cost(entry("claude-opus-4-1", unsplit(0, 0, 0, 1'000'000))), 1.5);
}

TEST_F(EntryCost, FieldsAddUp) {
  // 100*1e-6 + 200*5e-6 + 300*1.25e-6 + 400*0.1e-6
  EXPECT_DOUBLE_EQ(cost(entry("claude-haiku-4-5-20251001", unsplit(100, 200, 300, 400))),
                   0.0001 + 0.001 + 0.000375 + 0.00004);
}

TEST_F(EntryCost, InputAbove200kUsesTheTierOnlyForTheExcess) {
  EXPECT_DOUBLE_EQ(cost(entry("claude-sonnet-4-20250514", unsplit(250'000, 0, 0, 0))),
                   200000 * 3e-6 + 50000 * 6e-6);
}

TEST_F(EntryCost, TierAppliesPerFieldNotToTheEntryTotal) {
  // 150k input + 150k cache read: 300k in total, but no single field above 200k.
  EXPECT_DOUBLE_EQ(cost(entry("claude-sonnet-4", unsplit(150'000, 0, 0, 150'000))),
                   150000 * 3e-6 + 150000 * 0.3e-6);
  // Exactly 200k is not above the threshold.
  EXPECT_DOUBLE_EQ(cost(entry("claude-sonnet-4-5", unsplit(0, 200'000, 0, 0))), 200000 * 15e-6);
  EXPECT_DOUBLE_EQ(cost(entry("claude-sonnet-4-5", unsplit(0, 200'001, 0, 0))),
                   200000 * 15e-6 + 22.5e-6);
}

TEST_F(EntryCost, TierOnEveryFieldOfSonnet4) {
  const double expected = (200000 * 3e-6 + 100000 * 6e-6) + (200000 * 15e-6 + 100000 * 22.5e-6) +
                          (200000 * 3.75e-6 + 100000 * 7.5e-6) +
                          (200000 * 6e-6 + 100000 * 12e-6) + (200000 * 0.3e-6 + 100000 * 0.6e-6);
  EXPECT_DOUBLE_EQ(
      cost(entry("claude-sonnet-4", split(300'000, 300'000, 300'000, 300'000, 300'000))),
      expected);
}

TEST_F(EntryCost, NoTierOnModelsWithoutOne) {
  EXPECT_DOUBLE_EQ(cost(entry("claude-sonnet-4-6", unsplit(250'000, 0, 0, 0))), 250000 * 3e-6);
  EXPECT_DOUBLE_EQ(cost(entry("claude-opus-4-6", unsplit(250'000, 0, 0, 0))), 250000 * 5e-6);
}

TEST_F(EntryCost, SplitCacheWritesAtTheir5mAnd1hPrices) {
  EXPECT_DOUBLE_EQ(cost(entry("claude-opus-4-5", split(0, 0, 1000, 3000, 0))),
                   1000 * 6.25e-6 + 3000 * 10e-6);
}

TEST_F(EntryCost, UnsplitCacheWritesAre5mWrites) {
  EXPECT_DOUBLE_EQ(cost(entry("claude-opus-4-5", unsplit(0, 0, 4000, 0))), 4000 * 6.25e-6);
}

TEST_F(EntryCost, FastMultipliesTheWholeCost) {
  const TokenCounts tokens = split(1000, 2000, 300, 400, 5000);
  const double standard = 1000 * 5e-6 + 2000 * 25e-6 + 300 * 6.25e-6 + 400 * 10e-6 + 5000 * 0.5e-6;
  EXPECT_DOUBLE_EQ(cost(entry("claude-opus-4-6", tokens, Speed::kStandard)), standard);
  EXPECT_DOUBLE_EQ(cost(entry("claude-opus-4-6", tokens, Speed::kUnset)), standard);
  EXPECT_DOUBLE_EQ(cost(entry("claude-opus-4-6", tokens, Speed::kFast)), 6 * standard);
  EXPECT_DOUBLE_EQ(cost(entry("claude-opus-4-7", tokens, Speed::kFast)), 6 * standard);
  EXPECT_DOUBLE_EQ(cost(entry("claude-opus-4-8", tokens, Speed::kFast)), 2 * standard);
  EXPECT_DOUBLE_EQ(cost(entry("claude-opus-4-5", tokens, Speed::kFast)), standard);
}

TEST_F(EntryCost, AutoUsesLoggedCostAndCalculateIgnoresIt) {
  UsageEntry e = entry("claude-opus-4-5", unsplit(1'000'000, 0, 0, 0));
  e.logged_cost_usd = 0.125;
  EXPECT_EQ(cost(e, CostMode::kAuto), 0.125);
  EXPECT_DOUBLE_EQ(cost(e, CostMode::kCalculate), 5);
  e.logged_cost_usd.reset();
  EXPECT_DOUBLE_EQ(cost(e, CostMode::kAuto), 5);
}

TEST_F(EntryCost, LoggedCostCountsEvenForUnknownModels) {
  UsageEntry e = entry("mystery-1", unsplit(1000, 0, 0, 0));
  e.logged_cost_usd = 0.5;
  EXPECT_EQ(cost(e, CostMode::kAuto), 0.5);
  EXPECT_EQ(cost(e, CostMode::kCalculate), 0);
}

TEST_F(EntryCost, UnknownAndSyntheticModelsCostZero) {
  EXPECT_EQ(cost(entry("mystery-1", unsplit(1000, 1000, 1000, 1000))), 0);
  EXPECT_EQ(cost(entry("claude-opus-4-9", unsplit(1000, 1000, 1000, 1000), Speed::kFast)), 0);
  EXPECT_EQ(cost(entry(std::string(kSyntheticModel), unsplit(0, 0, 0, 0))), 0);
  EXPECT_EQ(cost(entry("", unsplit(1000, 0, 0, 0))), 0);
  EXPECT_EQ(table_.unknown_models(), (std::vector<std::string>{"claude-opus-4-9", "mystery-1"}));
}

TEST_F(EntryCost, OverrideChangesTheCost) {
  ModelPrices override;
  override.input = 1e-6;
  override.fast_multiplier = 3;
  table_.set("claude-opus-4-6", override);
  EXPECT_DOUBLE_EQ(cost(entry("claude-opus-4-6", unsplit(1000, 0, 0, 0), Speed::kFast)), 0.003);
}

// Costs printed by ccusage 20.0.24 (`ccusage claude daily --json --offline -z UTC`) for one-entry
// days of a hand-written log: these are the parity targets, not our own arithmetic.
TEST_F(EntryCost, MatchesCcusageForATieredSonnet4Entry) {
  // {"model":"claude-sonnet-4-20250514","usage":{"input_tokens":250000,"output_tokens":1234,
  //  "cache_creation_input_tokens":300000,"cache_read_input_tokens":210000,"cache_creation":
  //  {"ephemeral_5m_input_tokens":220000,"ephemeral_1h_input_tokens":80000}}}
  const TokenCounts tokens = split(250'000, 1234, 220'000, 80'000, 210'000);
  EXPECT_NEAR(cost(entry("claude-sonnet-4-20250514", tokens)), 2.3645099999999997, 1e-12);
  // input_tokens 250000, output_tokens 100, no cache.
  EXPECT_NEAR(cost(entry("claude-sonnet-4-20250514", unsplit(250'000, 100, 0, 0))),
              0.9014999999999999, 1e-12);
}

TEST_F(EntryCost, MatchesCcusageForAFastOpus46Entry) {
  // {"model":"claude-opus-4-6","usage":{"input_tokens":1200,"output_tokens":3456,
  //  "cache_creation_input_tokens":5000,"cache_read_input_tokens":70000,"cache_creation":
  //  {"ephemeral_5m_input_tokens":3000,"ephemeral_1h_input_tokens":2000},"speed":"fast"}}
  EXPECT_NEAR(cost(entry("claude-opus-4-6", split(1200, 3456, 3000, 2000, 70'000), Speed::kFast)),
              0.9969000000000001, 1e-12);
  // Fast, 250k input (opus-4-6 has no tier), 5000 unsplit cache writes.
  EXPECT_NEAR(cost(entry("claude-opus-4-6", unsplit(250'000, 3456, 5000, 70'000), Speed::kFast)),
              8.4159, 1e-12);
}

TEST(ReportedModel, FastEntriesGetTheSuffix) {
  EXPECT_EQ(reported_model(entry("claude-opus-4-6", {}, Speed::kFast)), "claude-opus-4-6-fast");
  EXPECT_EQ(reported_model(entry("claude-opus-4-6", {}, Speed::kStandard)), "claude-opus-4-6");
  EXPECT_EQ(reported_model(entry("claude-sonnet-4-20250514", {}, Speed::kUnset)),
            "claude-sonnet-4-20250514");
}

}  // namespace
}  // namespace cu
