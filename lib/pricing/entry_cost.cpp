#include <cstdint>
#include <optional>
#include <string>

#include "pricing/price_table.h"

namespace cu {
namespace {

constexpr std::int64_t kTierThreshold = 200'000;  // tokens per entry and per field
constexpr std::string_view kFastSuffix = "-fast";

// t(n, base, above) of SPEC §5: the part of `count` above the threshold costs `above` when the
// model has that tier.
double tiered(std::int64_t count, double base, std::optional<double> above) {
  if (!above || count <= kTierThreshold) return static_cast<double>(count) * base;
  return static_cast<double>(kTierThreshold) * base +
         static_cast<double>(count - kTierThreshold) * *above;
}

// Without the 5m/1h split (older logs) every cache write is priced as a 5-minute write.
double token_cost(const TokenCounts& t, const ModelPrices& p) {
  const std::int64_t writes_5m = t.has_cache_split ? t.cache_creation_5m : t.cache_creation;
  const std::int64_t writes_1h = t.has_cache_split ? t.cache_creation_1h : 0;
  return tiered(t.input, p.input, p.input_above_200k) +
         tiered(t.output, p.output, p.output_above_200k) +
         tiered(writes_5m, p.cache_write_5m, p.cache_write_5m_above_200k) +
         tiered(writes_1h, p.cache_write_1h, p.cache_write_1h_above_200k) +
         tiered(t.cache_read, p.cache_read, p.cache_read_above_200k);
}

}  // namespace

double entry_cost(const UsageEntry& entry, const PriceTable& prices, CostMode mode) {
  if (mode == CostMode::kDisplay) return entry.logged_cost_usd.value_or(0);
  if (mode == CostMode::kAuto && entry.logged_cost_usd) return *entry.logged_cost_usd;
  const ModelPrices* p = prices.find(entry.model);
  if (!p) return 0;
  const double multiplier = entry.speed == Speed::kFast ? p->fast_multiplier : 1;
  return token_cost(entry.tokens, *p) * multiplier;
}

std::string_view cost_mode_name(CostMode mode) {
  switch (mode) {
    case CostMode::kAuto: return "auto";
    case CostMode::kCalculate: return "calculate";
    case CostMode::kDisplay: return "display";
  }
  return "auto";
}

std::string reported_model(const UsageEntry& entry) {
  if (entry.speed != Speed::kFast) return entry.model;
  std::string name = entry.model;
  name += kFastSuffix;
  return name;
}

}  // namespace cu
