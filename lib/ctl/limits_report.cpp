// limits: the official 5-hour and 7-day readings with what they cost and when they fill (SPEC §11),
// and the P90 token limit; with --history, every recorded reading and each past window.
#include <algorithm>

#include "core/time.h"
#include "ctl/reports.h"
#include "limits/p90_limit.h"
#include "limits/window_estimate.h"
#include "limits/window_history.h"
#include "limits/window_points.h"
#include "rollup/calendar.h"

namespace cu::ctl {
namespace {

using Json = nlohmann::json;

constexpr std::int64_t kHourMs = 3'600'000;

Json time_or_null(const std::optional<std::int64_t>& ms) {
  return ms ? Json(format_timestamp_ms(*ms)) : Json(nullptr);
}

Json number_or_null(const std::optional<double>& value) { return value ? Json(*value) : Json(nullptr); }

Json estimate_json(const WindowEstimate& estimate) {
  return {{"window", to_string(estimate.window)},
          {"usedPercentage", estimate.used_percentage},
          {"resetsAt", format_timestamp_ms(estimate.resets_at_ms)},
          {"capturedAt", format_timestamp_ms(estimate.captured_at_ms)},
          {"ageSeconds", estimate.age_ms / 1000},
          {"stale", estimate.stale},
          {"resetPassed", estimate.reset_passed},
          {"windowCostUSD", estimate.window_cost_usd},
          {"burnRateUSDPerHour", estimate.burn_usd_per_minute * 60},
          {"estimatedLimitUSD", number_or_null(estimate.estimated_limit_usd)},
          {"projectedFullAt", time_or_null(estimate.projected_full_at_ms)},
          {"hitsBeforeReset", estimate.hits_before_reset}};
}

// The window instance of `latest` with its readings and the events it needs: completed blocks as
// their totals where that changes no figure (window_points.h), the rest event by event. `blocks`:
// at least those that began a block's length before the instance or later.
WindowEstimate estimate_of(ReportSource& source, const RateLimitSnapshot& latest, std::span<const UsageBlock> blocks,
                           std::int64_t now_ms) {
  RateLimitFilter filter;
  filter.window = latest.window;
  filter.resets_at_ms = latest.resets_at_ms;
  const std::vector<RateLimitSnapshot> readings = source.rate_limit_snapshots(filter);
  const std::int64_t end_ms = std::min(now_ms, latest.resets_at_ms);
  const auto ranges = window_detail_ranges(blocks, latest, end_ms, now_ms, source.limit_settings());
  std::vector<UsagePoint> detail;
  for (const auto& [from_ms, to_ms] : ranges) {
    const std::vector<UsagePoint> points = source.usage_points(from_ms, to_ms);
    detail.insert(detail.end(), points.begin(), points.end());
  }
  const WindowPoints inputs = window_points(readings, blocks, ranges, detail, end_ms);
  return estimate_window(inputs.readings, inputs.points, now_ms, source.limit_settings());
}

// The blocks both the windows of `latest` and the P90 look at, in one read: from a block's length
// before the earliest instance began, or from the P90's span, whichever is earlier.
std::vector<UsageBlock> blocks_for(ReportSource& source, std::span<const RateLimitSnapshot> latest,
                                   std::int64_t now_ms) {
  std::int64_t from_ms = now_ms - source.limit_settings().p90_window_hours * kHourMs;
  for (const RateLimitSnapshot& reading : latest) {
    from_ms = std::min(from_ms, window_start_ms(reading) - source.block_hours() * kHourMs);
  }
  ReportFilter filter;
  filter.since = source.calendar().date_of(from_ms);
  return source.blocks(filter, now_ms);
}

Json p90_json(ReportSource& source, std::span<const UsageBlock> blocks, std::int64_t now_ms) {
  const auto limit = p90_token_limit(blocks, now_ms, source.limit_settings());
  return limit ? Json(*limit) : Json(nullptr);
}

Json snapshot_json(const RateLimitSnapshot& snapshot) {
  return {{"window", to_string(snapshot.window)},
          {"capturedAt", format_timestamp_ms(snapshot.captured_at_ms)},
          {"usedPercentage", snapshot.used_percentage},
          {"resetsAt", format_timestamp_ms(snapshot.resets_at_ms)}};
}

Json history_entry_json(const WindowHistory& entry) {
  return {{"window", to_string(entry.window)},
          {"start", format_timestamp_ms(entry.start_ms)},
          {"resetsAt", format_timestamp_ms(entry.resets_at_ms)},
          {"readings", entry.readings},
          {"peakPercentage", entry.peak_percentage},
          {"peakAt", format_timestamp_ms(entry.peak_at_ms)},
          {"costUSD", entry.cost_usd},
          {"inputOutputTokens", entry.input_output_tokens},
          {"totalTokens", entry.total_tokens},
          {"impliedLimitUSD", number_or_null(entry.implied_limit_usd)}};
}

// The first instant of --since's local date; everything when not given.
std::int64_t since_ms(ReportSource& source, const CommandArgs& args) {
  return args.since ? source.calendar().day_range_ms(*args.since).first : std::numeric_limits<std::int64_t>::min();
}

std::int64_t until_ms(ReportSource& source, const CommandArgs& args) {
  return args.until ? source.calendar().day_range_ms(*args.until).second : std::numeric_limits<std::int64_t>::max();
}

Json history_report(ReportSource& source, const CommandArgs& args, std::int64_t now_ms) {
  RateLimitFilter filter;
  filter.from_ms = since_ms(source, args);
  filter.to_ms = until_ms(source, args);
  const std::vector<RateLimitSnapshot> snapshots = source.rate_limit_snapshots(filter);
  Json readings = Json::array();
  for (const RateLimitSnapshot& snapshot : snapshots) readings.push_back(snapshot_json(snapshot));
  Json windows = Json::array();
  if (!snapshots.empty()) {
    std::int64_t first = snapshots.front().resets_at_ms;
    std::int64_t last = first;
    for (const RateLimitSnapshot& snapshot : snapshots) {
      first = std::min(first, window_start_ms(snapshot));
      last = std::max(last, snapshot.resets_at_ms);
    }
    const std::vector<UsagePoint> points = source.usage_points(first, last);
    for (const WindowHistory& entry : window_history(snapshots, points, now_ms)) {
      windows.push_back(history_entry_json(entry));
    }
  }
  if (args.order == SortOrder::kDesc) {
    std::reverse(readings.begin(), readings.end());
    std::reverse(windows.begin(), windows.end());
  }
  return {{"snapshots", std::move(readings)}, {"windows", std::move(windows)}};
}

}  // namespace

nlohmann::json limits_report(ReportSource& source, const CommandArgs& args, std::int64_t now_ms) {
  if (args.history) return history_report(source, args, now_ms);
  const std::vector<RateLimitSnapshot> latest = source.latest_rate_limits();
  const std::vector<UsageBlock> blocks = blocks_for(source, latest, now_ms);
  Json windows = Json::array();
  for (const RateLimitSnapshot& reading : latest) {
    windows.push_back(estimate_json(estimate_of(source, reading, blocks, now_ms)));
  }
  return {{"windows", std::move(windows)}, {"p90Tokens", p90_json(source, blocks, now_ms)}};
}

int limits_exit_code(const nlohmann::json& data) {
  if (const auto snapshots = data.find("snapshots"); snapshots != data.end()) {
    return snapshots->is_array() && !snapshots->empty() ? 0 : kLimitsNoData;
  }
  const auto windows = data.find("windows");
  if (windows == data.end() || !windows->is_array()) return kLimitsNoData;
  bool current = false;
  bool near = false;
  for (const Json& window : *windows) {
    if (!window.is_object() || window.value("resetPassed", true) || !window.contains("usedPercentage")) continue;
    current = true;
    const double used = window.value("usedPercentage", 0.0);
    if (used >= 100) return kLimitsFull;
    near |= used >= kLimitsNearPercentage || window.value("hitsBeforeReset", false);
  }
  if (!current) return kLimitsNoData;
  return near ? kLimitsNear : 0;
}

}  // namespace cu::ctl
