#include "config/price_overrides.h"

#include <fmt/format.h>

#include <array>
#include <cmath>
#include <optional>
#include <set>
#include <string_view>

#include "config/yaml_value.h"

namespace cu {

namespace {

constexpr double kTokensPerMillion = 1e6;

struct PriceField {
  std::string_view name;
  double ModelPrices::*base;
  std::optional<double> ModelPrices::*above_200k;  // the same field's tier above 200k tokens
};

constexpr std::array<PriceField, 5> kPriceFields = {{
    {"input", &ModelPrices::input, &ModelPrices::input_above_200k},
    {"output", &ModelPrices::output, &ModelPrices::output_above_200k},
    {"cache_write_5m", &ModelPrices::cache_write_5m, &ModelPrices::cache_write_5m_above_200k},
    {"cache_write_1h", &ModelPrices::cache_write_1h, &ModelPrices::cache_write_1h_above_200k},
    {"cache_read", &ModelPrices::cache_read, &ModelPrices::cache_read_above_200k},
}};

constexpr std::string_view kAboveSuffix = "_above_200k";
constexpr std::string_view kFastMultiplier = "fast_multiplier";

double per_token(const YAML::Node& node, const std::string& subkey) {
  auto value = parse_number(scalar_text(node).value_or(""));
  if (!value || *value < 0) {
    throw ValueError(
        node,
        fmt::format("must be a price in USD per million tokens (a number >= 0), got {}",
                    describe(node)),
        subkey);
  }
  return *value / kTokensPerMillion;
}

double multiplier(const YAML::Node& node, const std::string& subkey) {
  auto value = parse_number(scalar_text(node).value_or(""));
  if (!value || *value <= 0) {
    throw ValueError(node, fmt::format("must be a number > 0, got {}", describe(node)), subkey);
  }
  return *value;
}

std::string field_names() {
  std::string names;
  for (const PriceField& field : kPriceFields) names += std::string(field.name) + ", ";
  return names + "<field>" + std::string(kAboveSuffix) + ", " + std::string(kFastMultiplier);
}

// Sets one field of `prices` from `value`; false when `name` is no price field.
bool set_price_field(ModelPrices& prices, const std::string& name, const YAML::Node& value,
                     const std::string& subkey) {
  if (name == kFastMultiplier) {
    prices.fast_multiplier = multiplier(value, subkey);
    return true;
  }
  for (const PriceField& field : kPriceFields) {
    if (name == field.name) {
      prices.*field.base = per_token(value, subkey);
      return true;
    }
    if (name == std::string(field.name) + std::string(kAboveSuffix)) {
      prices.*field.above_200k = per_token(value, subkey);
      return true;
    }
  }
  return false;
}

ModelPrices parse_model_prices(const YAML::Node& model_key, const YAML::Node& node,
                               const std::string& model) {
  if (!node.IsMap()) {
    throw ValueError(
        node.IsNull() ? model_key : node,
        fmt::format("must be a mapping of prices ({}), got {}", field_names(), describe(node)),
        model);
  }
  ModelPrices prices;
  std::set<std::string> given;
  for (const auto& entry : node) {
    std::string name = scalar_text(entry.first).value_or("");
    std::string subkey = model + "." + name;
    if (!given.insert(name).second) throw ValueError(entry.first, "duplicate key", subkey);
    if (!set_price_field(prices, name, entry.second, subkey)) {
      throw ValueError(entry.first, fmt::format("unknown price field (known: {})", field_names()),
                       subkey);
    }
  }
  for (const PriceField& field : kPriceFields) {
    if (!given.contains(std::string(field.name))) {
      throw ValueError(model_key,
                       fmt::format("missing \"{}\" (input, output, cache_write_5m, "
                                   "cache_write_1h and cache_read are required)",
                                   field.name),
                       model);
    }
  }
  return prices;
}

}  // namespace

std::map<std::string, ModelPrices> parse_price_overrides(const YAML::Node& node) {
  if (!node.IsMap()) {
    throw ValueError(
        node, fmt::format("must be a mapping of model name to prices, got {}", describe(node)));
  }
  std::map<std::string, ModelPrices> overrides;
  for (const auto& entry : node) {
    std::string model = scalar_text(entry.first).value_or("");
    if (model.empty()) throw ValueError(entry.first, "model names must be non-empty strings");
    if (overrides.contains(model)) throw ValueError(entry.first, "duplicate key", model);
    overrides.emplace(model, parse_model_prices(entry.first, entry.second, model));
  }
  return overrides;
}

std::string per_million_text(double per_token) {
  double scaled = per_token * kTokensPerMillion;
  // The per-million value that was parsed lies within an ulp or two of `scaled`: take the
  // shortest text near it that divides back to exactly `per_token`.
  double down = std::nextafter(scaled, -INFINITY);
  double up = std::nextafter(scaled, INFINITY);
  const std::array<double, 5> candidates = {scaled, down, up, std::nextafter(down, -INFINITY),
                                            std::nextafter(up, INFINITY)};
  for (int precision = 1; precision <= 17; ++precision) {
    for (double candidate : candidates) {
      std::string text = fmt::format("{:.{}g}", candidate, precision);
      auto parsed = parse_number(text);
      if (parsed && *parsed / kTokensPerMillion == per_token) return text;
    }
  }
  return fmt::format("{:.17g}", scaled);
}

YAML::Node render_price_overrides(const std::map<std::string, ModelPrices>& overrides) {
  YAML::Node map(YAML::NodeType::Map);
  for (const auto& [model, prices] : overrides) {
    YAML::Node row(YAML::NodeType::Map);
    for (const PriceField& field : kPriceFields) {
      row[std::string(field.name)] = per_million_text(prices.*field.base);
    }
    for (const PriceField& field : kPriceFields) {
      if (auto above = prices.*field.above_200k) {
        row[std::string(field.name) + std::string(kAboveSuffix)] = per_million_text(*above);
      }
    }
    row[std::string(kFastMultiplier)] = fmt::format("{}", prices.fast_multiplier);
    map[model] = row;
  }
  return map;
}

}  // namespace cu
