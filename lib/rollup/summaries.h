#pragma once
// Pure functions from deduplicated events to derived rows (SPEC §7).
#include <span>
#include <string>

#include "core/usage_event.h"
#include "rollup/rows.h"

namespace cu {

// Adds one event's four token counts to `totals`.
void add_tokens(TokenTotals& totals, const UsageEntry& entry);

// The model name reports use for an event: its reported model (with "-fast"), or "" for
// "<synthetic>" and model-less entries, which belong to no model.
std::string report_model_of(const UsageEntry& entry);

// The summary of one local day from all kept events of that day (any order). Costs are summed in
// log order (rollup/event_order.h), as ccusage does, so that they are reproducible to the bit.
DailySummaryRow summarize_day(std::string date, std::span<const UsageEvent> events);

// The summary of one session from all of its kept events (any order); `events` must be non-empty.
// The project name comes from the cwd of the latest event that has one.
SessionRow summarize_session(std::span<const UsageEvent> events);

}  // namespace cu
