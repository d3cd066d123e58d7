// price_fingerprint: what rollup_settings records about the prices the stored costs came from.
#include <gtest/gtest.h>

#include <cmath>

#include "pricing/price_table.h"

namespace cu {
namespace {

TEST(PriceFingerprintTest, EqualForEqualPricesAndMode) {
  EXPECT_EQ(price_fingerprint(PriceTable::builtin(), CostMode::kAuto),
            price_fingerprint(PriceTable::builtin(), CostMode::kAuto));
  const PriceTable copy = PriceTable::builtin();
  EXPECT_EQ(price_fingerprint(copy, CostMode::kCalculate), price_fingerprint(PriceTable::builtin(), CostMode::kCalculate));
}

TEST(PriceFingerprintTest, ChangesWithTheModeAnyPriceOrANewModel) {
  const PriceTable builtin = PriceTable::builtin();
  const std::string base = price_fingerprint(builtin, CostMode::kAuto);
  EXPECT_NE(price_fingerprint(builtin, CostMode::kCalculate), base);

  PriceTable one_ulp = builtin;
  ModelPrices haiku = builtin.models().at("claude-3-haiku");
  haiku.cache_read = std::nextafter(haiku.cache_read, 1.0);
  one_ulp.set("claude-3-haiku", haiku);
  EXPECT_NE(price_fingerprint(one_ulp, CostMode::kAuto), base);

  PriceTable tier = builtin;
  ModelPrices opus = builtin.models().at("claude-opus-4");
  opus.input_above_200k = opus.input;  // a tier at the same price is still another table
  tier.set("claude-opus-4", opus);
  EXPECT_NE(price_fingerprint(tier, CostMode::kAuto), base);

  PriceTable added = builtin;
  added.set("claude-mystery-9", ModelPrices{});
  EXPECT_NE(price_fingerprint(added, CostMode::kAuto), base);
}

TEST(PriceFingerprintTest, NamesTheModeAndTheNumberOfModels) {
  PriceTable table;
  table.set("a", ModelPrices{});
  EXPECT_EQ(price_fingerprint(table, CostMode::kCalculate).rfind("calculate:1:", 0), 0u);
}

}  // namespace
}  // namespace cu
