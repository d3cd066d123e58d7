// PriceTable::from_litellm_json: LiteLLM's price list (the format ccusage embeds) read into our
// per-token prices, 1-hour cache writes and the 200k tier included.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "pricing/price_table.h"

namespace cu {
namespace {

// LiteLLM's row for Claude Sonnet 4.5 (model_prices_and_context_window.json), extra keys kept.
constexpr std::string_view kSonnet45 = R"({
  "claude-sonnet-4-5": {
    "litellm_provider": "anthropic",
    "mode": "chat",
    "max_input_tokens": 200000,
    "input_cost_per_token": 3e-06,
    "output_cost_per_token": 1.5e-05,
    "input_cost_per_token_above_200k_tokens": 6e-06,
    "output_cost_per_token_above_200k_tokens": 2.25e-05,
    "cache_creation_input_token_cost": 3.75e-06,
    "cache_creation_input_token_cost_above_200k_tokens": 7.5e-06,
    "cache_creation_input_token_cost_above_1hr": 6e-06,
    "cache_creation_input_token_cost_above_1hr_above_200k_tokens": 1.2e-05,
    "cache_read_input_token_cost": 3e-07,
    "cache_read_input_token_cost_above_200k_tokens": 6e-07,
    "supports_prompt_caching": true
  }
})";

std::string error_of(std::string_view json) {
  try {
    PriceTable::from_litellm_json(json);
  } catch (const std::invalid_argument& error) {
    return error.what();
  }
  return "";
}

TEST(LiteLlmPricesTest, ReadsEveryPriceOfARowAsTheBuiltInTableHasIt) {
  const PriceTable table = PriceTable::from_litellm_json(kSonnet45);
  const ModelPrices* read = table.find("claude-sonnet-4-5-20250929");
  ASSERT_NE(read, nullptr);
  const PriceTable builtin = PriceTable::builtin();
  EXPECT_EQ(*read, *builtin.find("claude-sonnet-4-5"));
  EXPECT_EQ(read->cache_write_1h, 6e-6);
  EXPECT_EQ(read->cache_write_1h_above_200k, 1.2e-5);
}

TEST(LiteLlmPricesTest, MissingOneHourWritesCostTwiceTheInputLikeCcusage) {
  const PriceTable table = PriceTable::from_litellm_json(R"({"m-1": {
      "input_cost_per_token": 1e-06, "output_cost_per_token": 5e-06,
      "input_cost_per_token_above_200k_tokens": 2e-06}})");
  const ModelPrices& prices = table.models().at("m-1");
  EXPECT_EQ(prices.cache_write_1h, 2e-6);
  EXPECT_EQ(prices.cache_write_1h_above_200k, 4e-6);
  EXPECT_EQ(prices.cache_write_5m, 0);
  EXPECT_EQ(prices.cache_read, 0);
  EXPECT_FALSE(prices.output_above_200k.has_value());
  EXPECT_FALSE(prices.cache_write_5m_above_200k.has_value());
  EXPECT_EQ(prices.fast_multiplier, 1);
}

TEST(LiteLlmPricesTest, FastMultiplierFromProviderSpecificEntry) {
  const PriceTable table = PriceTable::from_litellm_json(R"({"claude-opus-4-6": {
      "input_cost_per_token": 5e-06, "output_cost_per_token": 2.5e-05,
      "provider_specific_entry": {"us": 1.1, "fast": 6.0}}})");
  EXPECT_EQ(table.models().at("claude-opus-4-6").fast_multiplier, 6);
}

TEST(LiteLlmPricesTest, RowsWithoutBothTokenPricesAreLeftOut) {
  const PriceTable table = PriceTable::from_litellm_json(R"({
      "text-embedding-3-small": {"input_cost_per_token": 2e-08, "output_cost_per_token": null},
      "dall-e-3": {"input_cost_per_pixel": 1e-07},
      "note": "not a model",
      "chat-1": {"input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06}})");
  ASSERT_EQ(table.models().size(), 1u);
  EXPECT_TRUE(table.models().contains("chat-1"));
}

TEST(LiteLlmPricesTest, BadInputNamesTheModelAndKey) {
  EXPECT_EQ(error_of(R"({"m": {"input_cost_per_token": "3e-6", "output_cost_per_token": 1e-06}})"),
            "model \"m\": input_cost_per_token: must be a price in USD per token (a number >= 0), got \"3e-6\"");
  EXPECT_EQ(error_of(R"({"m": {"input_cost_per_token": 1e-06, "output_cost_per_token": 1e-06,
                               "cache_read_input_token_cost": -1}})"),
            "model \"m\": cache_read_input_token_cost: must be a price in USD per token (a number >= 0), got -1");
  EXPECT_EQ(error_of(R"({"m": {"input_cost_per_token": 1e-06, "output_cost_per_token": 1e-06,
                               "provider_specific_entry": {"fast": 0}}})"),
            "model \"m\": provider_specific_entry.fast: must be a number > 0, got 0");
  EXPECT_EQ(error_of("[1, 2]"), "must be a JSON object of model name to prices");
  EXPECT_EQ(error_of(R"({"m": {"input_cost_per_token": 1e-06}})"),
            "no model with both input_cost_per_token and output_cost_per_token");
  EXPECT_EQ(error_of("{\"m\": ").rfind("not valid JSON: ", 0), 0u) << error_of("{\"m\": ");
}

}  // namespace
}  // namespace cu
