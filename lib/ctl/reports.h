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

// {"daily":[...],"totals":{...}}; with `instances`: {"projects":{"<project>":[...]},"totals":{...}};
// with `by_group`: {"groups":{"<group>":[...]},"totals":{...}} (ReportSource::project_groups).
nlohmann::json daily_report(ReportSource& source, const CommandArgs& args, std::int64_t now_ms);
// {"weekly":[...],"totals":{...}}, "week" being the week's first day.
nlohmann::json weekly_report(ReportSource& source, const CommandArgs& args, std::int64_t now_ms);
// {"monthly":[...],"totals":{...}}, "month" being YYYY-MM.
nlohmann::json monthly_report(ReportSource& source, const CommandArgs& args, std::int64_t now_ms);
// {"hourly":[...],"totals":{...}}, "hour" being the local "YYYY-MM-DD HH:00", rows like daily's;
// without --since and --until, today's hours. Not a ccusage command; its JSON follows daily's.
nlohmann::json hourly_report(ReportSource& source, const CommandArgs& args, std::int64_t now_ms);
// {"sessions":[...],"totals":{...}}, the costliest session first (ccusage ignores --order here).
nlohmann::json session_report(ReportSource& source, const CommandArgs& args);
// {"blocks":[...]} with gap blocks; burnRate and projection on the active block only.
// `unchanged_until_ms`, when given, receives the first instant at which the answer may differ
// while the data stays as it is (INT64_MAX: never), for ResponseCache.
nlohmann::json blocks_report(ReportSource& source, const CommandArgs& args, std::int64_t now_ms,
                             std::int64_t* unchanged_until_ms = nullptr);

// What the statusline shows, for args.session_id:
// {"date", "today_cost_usd", "session_cost_usd" (null when the session is unknown),
//  "block": null | {"cost_usd", "end_time", "remaining_minutes",
//                   "burn_rate": null | {"cost_per_hour", "tokens_per_minute",
//                                        "tokens_per_minute_for_indicator"}}},
//  "rate_limits" (official_limits_json; added by the command from the request's rate_limits)}.
nlohmann::json statusline_report(ReportSource& source, const CommandArgs& args, std::int64_t now_ms);

// The statusline answer's "rate_limits": the request's valid official readings,
// {"five_hour"|"seven_day": {"used_percentage", "resets_at" (ISO-8601 UTC), "resets_at_local"
// (HH:MM in the daemon's zone)}}, only the windows present; null when there are none.
nlohmann::json official_limits_json(std::span<const RateLimitSnapshot> snapshots, const Calendar& calendar);

// limits (SPEC §11): {"windows": [{"window", "usedPercentage", "resetsAt", "capturedAt", "ageSeconds",
// "stale", "resetPassed", "windowCostUSD", "burnRateUSDPerHour", "estimatedLimitUSD",
// "projectedFullAt", "hitsBeforeReset"}], "p90Tokens"}: one entry per window with a reading, from
// its latest. With args.history: {"snapshots": [{"window", "capturedAt", "usedPercentage",
// "resetsAt"}], "windows": [{"window", "start", "resetsAt", "readings", "peakPercentage", "peakAt",
// "costUSD", "inputOutputTokens", "totalTokens", "impliedLimitUSD"}]} for readings captured in
// --since … --until (local dates), ascending (args.order).
nlohmann::json limits_report(ReportSource& source, const CommandArgs& args, std::int64_t now_ms);

// `claude-usagectl limits`' exit status for scripts, from the report: kLimitsFull when a window
// not yet reset is at 100 % or more, else kLimitsNear when one is at kLimitsNearPercentage or more or
// projected to fill before its reset, else 0; kLimitsNoData without such a window (none recorded,
// or only readings of windows that have since reset). For the history: 0, or kLimitsNoData
// without any reading in range.
inline constexpr int kLimitsNear = 10;
inline constexpr int kLimitsFull = 11;
inline constexpr int kLimitsNoData = 20;
inline constexpr double kLimitsNearPercentage = 90;
int limits_exit_code(const nlohmann::json& data);

// `blocks` (non-gap, ascending by start) with a gap block [previous last event + length, next first
// event) wherever two consecutive blocks' events are more than `length_ms` apart, in ccusage's
// order (by start; a gap before a block with the same start).
std::vector<UsageBlock> with_gap_blocks(std::span<const UsageBlock> blocks, std::int64_t length_ms);

}  // namespace cu::ctl
