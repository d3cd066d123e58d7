#pragma once
// The config's `pricing.overrides`: per-model prices written in USD per million tokens (as price
// lists quote them) and held per token in ModelPrices.
#include <yaml-cpp/yaml.h>

#include <map>
#include <string>

#include "pricing/price_table.h"

namespace cu {

// Reads a mapping of model name -> {input, output, cache_write_5m, cache_write_1h, cache_read,
// optional <field>_above_200k, optional fast_multiplier (default 1)}. Throws ValueError.
std::map<std::string, ModelPrices> parse_price_overrides(const YAML::Node& node);

// The inverse of parse_price_overrides: parsing the result gives back equal prices.
YAML::Node render_price_overrides(const std::map<std::string, ModelPrices>& overrides);

// The shortest decimal per-million price that parses back to exactly `per_token`.
std::string per_million_text(double per_token);

}  // namespace cu
