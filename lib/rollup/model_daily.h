#pragma once
// model_daily_usage rows (SPEC §7): one local day's kept events split by reported model.
#include <span>
#include <string>
#include <vector>

#include "core/usage_event.h"
#include "rollup/rows.h"

namespace cu {

// One row per reported model among `events` (all kept events of local day `date`, any order),
// sorted by model name. Fast entries form their own "<model>-fast" rows; "<synthetic>" and
// model-less events belong to no row, though they still count in the day's summary. Sums run in
// log order (rollup/event_order.h), so the rows equal the modelBreakdowns of
// `ccusage daily --breakdown` to the bit (which lists them by cost instead).
std::vector<ModelDailyRow> summarize_models_of_day(std::string date, std::span<const UsageEvent> events);

}  // namespace cu
