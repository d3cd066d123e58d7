#include "config/price_overrides.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "config/config.h"
#include "config/fake_environment.h"

namespace cu {
namespace {

using testing::fake_environment;

std::string overrides_yaml(const std::string& model_body) {
  return "pricing:\n  overrides:\n    my-model:\n" + model_body;
}

const std::string kBasePrices =
    "      input: 2\n"
    "      output: 8\n"
    "      cache_write_5m: 2.5\n"
    "      cache_write_1h: 4\n"
    "      cache_read: 0.2\n";

std::string error_of(const std::string& yaml) {
  try {
    parse_config(yaml, fake_environment(), "config.yaml");
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "";
}

TEST(PriceOverrides, ValuesArePerMillionInYamlAndPerTokenInTheConfig) {
  Config config = parse_config(overrides_yaml(kBasePrices), fake_environment());
  const ModelPrices& prices = config.pricing_overrides.at("my-model");
  EXPECT_EQ(prices.input, 2 / 1e6);
  EXPECT_EQ(prices.output, 8 / 1e6);
  EXPECT_EQ(prices.cache_write_5m, 2.5 / 1e6);
  EXPECT_EQ(prices.cache_write_1h, 4 / 1e6);
  EXPECT_EQ(prices.cache_read, 0.2 / 1e6);
  EXPECT_EQ(prices.input_above_200k, std::nullopt);
  EXPECT_EQ(prices.cache_read_above_200k, std::nullopt);
  EXPECT_EQ(prices.fast_multiplier, 1);
}

TEST(PriceOverrides, TiersAndFastMultiplier) {
  Config config = parse_config(overrides_yaml(kBasePrices + "      input_above_200k: 6\n"
                                                            "      output_above_200k: 22.5\n"
                                                            "      cache_write_5m_above_200k: 7.5\n"
                                                            "      cache_write_1h_above_200k: 12\n"
                                                            "      cache_read_above_200k: 0.6\n"
                                                            "      fast_multiplier: 6\n"),
                               fake_environment());
  const ModelPrices& prices = config.pricing_overrides.at("my-model");
  EXPECT_EQ(prices.input_above_200k, 6 / 1e6);
  EXPECT_EQ(prices.output_above_200k, 22.5 / 1e6);
  EXPECT_EQ(prices.cache_write_5m_above_200k, 7.5 / 1e6);
  EXPECT_EQ(prices.cache_write_1h_above_200k, 12 / 1e6);
  EXPECT_EQ(prices.cache_read_above_200k, 0.6 / 1e6);
  EXPECT_EQ(prices.fast_multiplier, 6);
}

TEST(PriceOverrides, SeveralModelsWithAwkwardNames) {
  Config config = parse_config(
      "pricing:\n  overrides:\n"
      "    \"us.anthropic.claude-sonnet-4-20250514-v1:0\": {input: 3, output: 15, "
      "cache_write_5m: 3.75, cache_write_1h: 6, cache_read: 0.3}\n"
      "    glm-4.7: {input: 0.6, output: 2.2, cache_write_5m: 0, cache_write_1h: 1.2, "
      "cache_read: 0.11}\n",
      fake_environment());
  ASSERT_EQ(config.pricing_overrides.size(), 2u);
  EXPECT_EQ(config.pricing_overrides.at("us.anthropic.claude-sonnet-4-20250514-v1:0").input, 3e-6);
  EXPECT_EQ(config.pricing_overrides.at("glm-4.7").cache_write_5m, 0);
}

TEST(PriceOverrides, MissingBasePrice) {
  EXPECT_EQ(error_of("pricing:\n  overrides:\n    my-model:\n      input: 2\n      output: 8\n"),
            "config.yaml:3: pricing.overrides.my-model: missing \"cache_write_5m\" (input, "
            "output, cache_write_5m, cache_write_1h and cache_read are required)");
}

TEST(PriceOverrides, UnknownField) {
  EXPECT_EQ(error_of(overrides_yaml(kBasePrices + "      cache_write: 3\n")),
            "config.yaml:9: pricing.overrides.my-model.cache_write: unknown price field (known: "
            "input, output, cache_write_5m, cache_write_1h, cache_read, <field>_above_200k, "
            "fast_multiplier)");
}

TEST(PriceOverrides, BadNumbers) {
  EXPECT_EQ(error_of(overrides_yaml("      input: cheap\n" + kBasePrices.substr(15))),
            "config.yaml:4: pricing.overrides.my-model.input: must be a price in USD per million "
            "tokens (a number >= 0), got \"cheap\"");
  EXPECT_EQ(error_of(overrides_yaml(kBasePrices + "      cache_read_above_200k: -1\n")),
            "config.yaml:9: pricing.overrides.my-model.cache_read_above_200k: must be a price in "
            "USD per million tokens (a number >= 0), got \"-1\"");
  EXPECT_EQ(error_of(overrides_yaml(kBasePrices + "      output_above_200k: .nan\n")),
            "config.yaml:9: pricing.overrides.my-model.output_above_200k: must be a price in "
            "USD per million tokens (a number >= 0), got \".nan\"");
  EXPECT_EQ(error_of(overrides_yaml(kBasePrices + "      fast_multiplier: 0\n")),
            "config.yaml:9: pricing.overrides.my-model.fast_multiplier: must be a number > 0, "
            "got \"0\"");
}

TEST(PriceOverrides, DuplicateField) {
  EXPECT_EQ(error_of(overrides_yaml(kBasePrices + "      input: 3\n")),
            "config.yaml:9: pricing.overrides.my-model.input: duplicate key");
}

TEST(PriceOverrides, AModelNeedsAMapping) {
  EXPECT_EQ(error_of("pricing:\n  overrides:\n    my-model: 3\n"),
            "config.yaml:3: pricing.overrides.my-model: must be a mapping of prices (input, "
            "output, cache_write_5m, cache_write_1h, cache_read, <field>_above_200k, "
            "fast_multiplier), got \"3\"");
  EXPECT_EQ(error_of("pricing:\n  overrides:\n    my-model:\n"),
            "config.yaml:3: pricing.overrides.my-model: must be a mapping of prices (input, "
            "output, cache_write_5m, cache_write_1h, cache_read, <field>_above_200k, "
            "fast_multiplier), got nothing");
}

TEST(PerMillionText, ShortestTextThatParsesBack) {
  EXPECT_EQ(per_million_text(3 / 1e6), "3");
  EXPECT_EQ(per_million_text(0.3 / 1e6), "0.3");
  EXPECT_EQ(per_million_text(3.75 / 1e6), "3.75");
  EXPECT_EQ(per_million_text(0), "0");
}

// Property: any price text a user writes renders back to a text that parses to the same per-token
// price.
TEST(PerMillionText, RoundTripsParsedPrices) {
  std::mt19937_64 random(20251123);
  std::uniform_int_distribution<long long> mantissa(0, 99999999);
  std::uniform_int_distribution<int> exponent(-9, 4);
  for (int i = 0; i < 20000; ++i) {
    std::string written = fmt::format("{}e{}", mantissa(random), exponent(random));
    double per_token = std::strtod(written.c_str(), nullptr) / 1e6;
    std::string rendered = per_million_text(per_token);
    ASSERT_EQ(std::strtod(rendered.c_str(), nullptr) / 1e6, per_token)
        << written << " " << rendered;
  }
}

TEST(MakePriceTable, AddsAndReplacesModels) {
  Config config = default_config(fake_environment());
  ModelPrices custom{1e-6, 2e-6, 3e-6, 4e-6, 5e-6, {}, {}, {}, {}, {}, 1};
  config.pricing_overrides = {{"my-private-model", custom}, {"claude-sonnet-4-5", custom}};
  PriceTable table = make_price_table(config);
  ASSERT_NE(table.find("my-private-model"), nullptr);
  EXPECT_EQ(*table.find("my-private-model"), custom);
  EXPECT_EQ(*table.find("claude-sonnet-4-5"), custom);
  PriceTable builtin = PriceTable::builtin();
  EXPECT_EQ(table.models().size(), builtin.models().size() + 1);
  ASSERT_NE(table.find("claude-opus-4-5"), nullptr);
  EXPECT_EQ(*table.find("claude-opus-4-5"), *builtin.find("claude-opus-4-5"));
}

TEST(MakePriceTable, WithoutOverridesIsTheBuiltinTable) {
  PriceTable table = make_price_table(default_config(fake_environment()));
  EXPECT_EQ(table.models(), PriceTable::builtin().models());
}

}  // namespace
}  // namespace cu
