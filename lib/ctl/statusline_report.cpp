// statusline: the session's, today's and the active block's cost in one small answer.
#include <cmath>

#include "core/time.h"
#include "ctl/reports.h"
#include "rollup/block_projection.h"
#include "rollup/calendar.h"

namespace cu::ctl {
namespace {

using Json = nlohmann::json;

constexpr std::int64_t kHourMs = 3'600'000;

Json session_cost(ReportSource& source, const CommandArgs& args) {
  if (!args.session_id) return nullptr;
  ReportFilter filter;
  filter.session_id = args.session_id;
  const std::vector<SessionRow> sessions = source.sessions(filter);
  if (sessions.empty()) return nullptr;
  double cost = 0;
  for (const SessionRow& session : sessions) cost += session.cost_usd;
  return cost;
}

double day_cost(ReportSource& source, const std::string& day) {
  ReportFilter filter;
  filter.since = day;
  filter.until = day;
  double cost = 0;
  for (const DailySummaryRow& row : source.daily(filter)) cost += row.cost_usd;
  return cost;
}

// Minutes to the block's end, rounded like ccusage (JavaScript's Math.round).
std::int64_t remaining_minutes(const UsageBlock& block, std::int64_t now_ms) {
  return static_cast<std::int64_t>(std::floor(static_cast<double>(block.end_ms - now_ms) / 60'000.0 + 0.5));
}

Json active_block(ReportSource& source, std::int64_t now_ms) {
  // An active block started at most block_hours ago: ask only for blocks starting since then.
  ReportFilter filter;
  filter.since = source.calendar().date_of(now_ms - source.block_hours() * kHourMs);
  for (const UsageBlock& block : source.blocks(filter, now_ms)) {
    if (!block.is_active) continue;
    Json rate = nullptr;
    if (const auto burn = burn_rate(block)) {
      rate = {{"cost_per_hour", burn->cost_per_hour},
              {"tokens_per_minute", burn->tokens_per_minute},
              {"tokens_per_minute_for_indicator", burn->tokens_per_minute_for_indicator}};
    }
    return {{"cost_usd", block.cost_usd},
            {"end_time", format_timestamp_ms(block.end_ms)},
            {"remaining_minutes", remaining_minutes(block, now_ms)},
            {"burn_rate", std::move(rate)}};
  }
  return nullptr;
}

}  // namespace

nlohmann::json official_limits_json(std::span<const RateLimitSnapshot> snapshots, const Calendar& calendar) {
  if (snapshots.empty()) return nullptr;
  Json windows = Json::object();
  for (const RateLimitSnapshot& snapshot : snapshots) {
    windows[std::string(to_string(snapshot.window))] = {{"used_percentage", snapshot.used_percentage},
                                                        {"resets_at", format_timestamp_ms(snapshot.resets_at_ms)},
                                                        {"resets_at_local", calendar.time_of_day(snapshot.resets_at_ms)}};
  }
  return windows;
}

nlohmann::json statusline_report(ReportSource& source, const CommandArgs& args, std::int64_t now_ms) {
  const std::string today = source.calendar().date_of(now_ms);
  return {{"date", today},
          {"today_cost_usd", day_cost(source, today)},
          {"session_cost_usd", session_cost(source, args)},
          {"block", active_block(source, now_ms)}};
}

}  // namespace cu::ctl
