#include "rollup/cache_analytics.h"

#include "rollup/event_order.h"

namespace cu {
namespace {

double cache_savings(const UsageEntry& entry, const PriceTable& prices) {
  const ModelPrices* p = prices.find(entry.model);
  if (p == nullptr) return 0;
  const TokenCounts& t = entry.tokens;
  const std::int64_t writes_5m = t.has_cache_split ? t.cache_creation_5m : t.cache_creation;
  const std::int64_t writes_1h = t.has_cache_split ? t.cache_creation_1h : 0;
  const double saved = static_cast<double>(t.cache_read) * (p->input - p->cache_read) -
                       static_cast<double>(writes_5m) * (p->cache_write_5m - p->input) -
                       static_cast<double>(writes_1h) * (p->cache_write_1h - p->input);
  return entry.speed == Speed::kFast ? saved * p->fast_multiplier : saved;
}

}  // namespace

CacheAnalyticsRow summarize_cache_of_day(std::string date, std::span<const UsageEvent> events,
                                         const PriceTable& prices) {
  CacheAnalyticsRow row;
  row.date = std::move(date);
  std::int64_t input = 0;
  std::int64_t creation = 0;
  for (const UsageEvent* event : log_ordered(events)) {
    const TokenCounts& t = event->entry.tokens;
    input += t.input;
    creation += t.cache_creation;
    row.cache_hit_tokens += t.cache_read;
    row.cache_savings_usd += cache_savings(event->entry, prices);
  }
  row.total_cache_tokens = creation + row.cache_hit_tokens;
  const std::int64_t base = input + creation + row.cache_hit_tokens;
  row.hit_rate = base == 0 ? 0.0 : static_cast<double>(row.cache_hit_tokens) / static_cast<double>(base);
  return row;
}

}  // namespace cu
