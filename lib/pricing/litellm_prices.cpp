// PriceTable::from_litellm_json: LiteLLM's model_prices_and_context_window.json, the price list
// ccusage embeds. Each top-level key is a model name; its object holds USD per token:
//   input_cost_per_token, output_cost_per_token        (both required for a row to be read)
//   cache_creation_input_token_cost                    5-minute cache write (default 0)
//   cache_creation_input_token_cost_above_1hr          1-hour cache write (default 2 x input)
//   cache_read_input_token_cost                        (default 0)
//   <each of those>_above_200k_tokens                  the 200k tier (SPEC §5; absent: no tier)
//   provider_specific_entry.fast                       fast multiplier (default 1)
// Other keys are ignored, and so are rows without both token prices (embedding, image and audio
// models), so LiteLLM's whole file can be used as it is.
#include <array>
#include <stdexcept>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "pricing/price_table.h"

namespace cu {
namespace {

using Json = nlohmann::json;

constexpr std::string_view kTierSuffix = "_above_200k_tokens";
constexpr double kOneHourWriteFactor = 2;  // ccusage's 1-hour write price when LiteLLM has none

struct LiteLlmField {
  std::string_view key;
  double ModelPrices::*base;
  std::optional<double> ModelPrices::*above_200k;
};

constexpr std::array<LiteLlmField, 5> kFields = {{
    {"input_cost_per_token", &ModelPrices::input, &ModelPrices::input_above_200k},
    {"output_cost_per_token", &ModelPrices::output, &ModelPrices::output_above_200k},
    {"cache_creation_input_token_cost", &ModelPrices::cache_write_5m, &ModelPrices::cache_write_5m_above_200k},
    {"cache_creation_input_token_cost_above_1hr", &ModelPrices::cache_write_1h,
     &ModelPrices::cache_write_1h_above_200k},
    {"cache_read_input_token_cost", &ModelPrices::cache_read, &ModelPrices::cache_read_above_200k},
}};

[[noreturn]] void fail(const std::string& model, std::string_view key, const std::string& what) {
  throw std::invalid_argument(fmt::format("model \"{}\": {}: {}", model, key, what));
}

// The price under `key`, if present: a number >= 0 (null counts as absent).
std::optional<double> price_at(const Json& row, const std::string& model, std::string_view key) {
  const auto it = row.find(key);
  if (it == row.end() || it->is_null()) return std::nullopt;
  if (!it->is_number() || it->get<double>() < 0) {
    fail(model, key, fmt::format("must be a price in USD per token (a number >= 0), got {}", it->dump()));
  }
  return it->get<double>();
}

double fast_multiplier(const Json& row, const std::string& model) {
  const auto entry = row.find("provider_specific_entry");
  if (entry == row.end() || !entry->is_object()) return 1;
  const auto fast = entry->find("fast");
  if (fast == entry->end() || fast->is_null()) return 1;
  if (!fast->is_number() || fast->get<double>() <= 0) {
    fail(model, "provider_specific_entry.fast", fmt::format("must be a number > 0, got {}", fast->dump()));
  }
  return fast->get<double>();
}

// The 1-hour write prices LiteLLM leaves out: twice the input price (and its tier).
void default_one_hour_writes(const Json& row, const std::string& model, ModelPrices& prices) {
  const std::string one_hour(kFields[3].key);
  if (!price_at(row, model, one_hour)) prices.cache_write_1h = kOneHourWriteFactor * prices.input;
  if (!price_at(row, model, one_hour + std::string(kTierSuffix)) && prices.input_above_200k) {
    prices.cache_write_1h_above_200k = kOneHourWriteFactor * *prices.input_above_200k;
  }
}

ModelPrices row_prices(const Json& row, const std::string& model) {
  ModelPrices prices;
  for (const LiteLlmField& field : kFields) {
    prices.*field.base = price_at(row, model, field.key).value_or(0);
    prices.*field.above_200k = price_at(row, model, std::string(field.key) + std::string(kTierSuffix));
  }
  default_one_hour_writes(row, model, prices);
  prices.fast_multiplier = fast_multiplier(row, model);
  return prices;
}

bool has_token_prices(const Json& row, const std::string& model) {
  return price_at(row, model, kFields[0].key) && price_at(row, model, kFields[1].key);
}

Json parse_document(std::string_view json_text) {
  try {
    Json document = Json::parse(json_text);
    if (!document.is_object()) throw std::invalid_argument("must be a JSON object of model name to prices");
    return document;
  } catch (const Json::parse_error& error) {
    throw std::invalid_argument(fmt::format("not valid JSON: {}", error.what()));
  }
}

}  // namespace

PriceTable PriceTable::from_litellm_json(std::string_view json_text) {
  PriceTable table;
  const Json document = parse_document(json_text);
  for (const auto& [model, row] : document.items()) {
    if (model.empty() || !row.is_object() || !has_token_prices(row, model)) continue;
    table.set(model, row_prices(row, model));
  }
  if (table.models().empty()) {
    throw std::invalid_argument("no model with both input_cost_per_token and output_cost_per_token");
  }
  return table;
}

}  // namespace cu
