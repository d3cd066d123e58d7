#pragma once
// The data of the report commands, built from a ReportSource. With the same events, the JSON of
// daily, weekly, monthly, session and blocks has exactly the keys, nesting and meaning of
// `ccusage claude daily|weekly|monthly|session --json` and `ccusage blocks --json` (20.0.24);
// docs/PROTOCOL.md lists where it differs. Each function reads `source` only; `now_ms` is the
// clock for --last, --recent and the active block.
#include <cstdint>
#include <span>
#include <vector>

#include <nlohmann/json.hpp>

#include "ctl/command_args.h"
#include "ctl/report_source.h"

namespace cu::ctl {

// {"daily":[...],"totals":{...}}; with `instances`: {"projects":{"<project>":[...]},"totals":{...}}.
nlohmann::json daily_report(ReportSource& source, const CommandArgs& args, std::int64_t now_ms);
// {"weekly":[...],"totals":{...}}, "week" being the week's first day.
nlohmann::json weekly_report(ReportSource& source, const CommandArgs& args, std::int64_t now_ms);
// {"monthly":[...],"totals":{...}}, "month" being YYYY-MM.
nlohmann::json monthly_report(ReportSource& source, const CommandArgs& args, std::int64_t now_ms);
// {"sessions":[...],"totals":{...}}, the costliest session first (ccusage ignores --order here).
nlohmann::json session_report(ReportSource& source, const CommandArgs& args);
// {"blocks":[...]} with gap blocks; burnRate and projection on the active block only.
nlohmann::json blocks_report(ReportSource& source, const CommandArgs& args, std::int64_t now_ms);

// What the statusline shows, for args.session_id:
// {"date", "today_cost_usd", "session_cost_usd" (null when the session is unknown),
//  "block": null | {"cost_usd", "end_time", "remaining_minutes",
//                   "burn_rate": null | {"cost_per_hour", "tokens_per_minute",
//                                        "tokens_per_minute_for_indicator"}}}.
nlohmann::json statusline_report(ReportSource& source, const CommandArgs& args, std::int64_t now_ms);

// `blocks` (non-gap, ascending by start) with a gap block [previous last event + length, next first
// event) wherever two consecutive blocks' events are more than `length_ms` apart, in ccusage's
// order (by start; a gap before a block with the same start).
std::vector<UsageBlock> with_gap_blocks(std::span<const UsageBlock> blocks, std::int64_t length_ms);

}  // namespace cu::ctl
