#pragma once
// cache_analytics rows (SPEC §7): how much of one local day's input came from the prompt cache,
// and what that saved.
#include <span>
#include <string>

#include "core/usage_event.h"
#include "pricing/price_table.h"
#include "rollup/rows.h"

namespace cu {

// The cache row of local day `date` from all kept events of that day (any order), summed in log
// order (rollup/event_order.h). Savings per event, at the model's prices from `prices`:
//   read × (in − cache_read) − 5m writes × (cache_write_5m − in) − 1h writes × (cache_write_1h − in)
// An entry without the 5m/1h split counts every cache write as a 5m write (as its cost does).
// Savings use base prices only: the 200k tiers would make an entry's saving depend on how its
// counts happen to be split around the threshold, which says nothing about the cache. They are
// multiplied by the fast multiplier of fast entries, so savings are in the money actually paid.
// Unknown models and "<synthetic>" save 0.
CacheAnalyticsRow summarize_cache_of_day(std::string date, std::span<const UsageEvent> events,
                                         const PriceTable& prices);

}  // namespace cu
