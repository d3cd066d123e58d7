#include "limits/window_estimate.h"

#include <algorithm>
#include <cmath>

#include "limits/point_sums.h"

namespace cu {
namespace {

constexpr std::int64_t kMinuteMs = 60'000;
constexpr double kFullPercentage = 100;
// A projection further than this after its capture (some 30,000 years) does not fit the clock's
// integers and means no projection.
constexpr double kMaxProjectionMs = 1e15;

// The latest reading as the estimate reports it: its figures, age and staleness at `now_ms`.
WindowEstimate latest_of(const RateLimitSnapshot& last, std::int64_t now_ms, const LimitSettings& settings) {
  WindowEstimate estimate;
  estimate.window = last.window;
  estimate.used_percentage = last.used_percentage;
  estimate.resets_at_ms = last.resets_at_ms;
  estimate.captured_at_ms = last.captured_at_ms;
  estimate.age_ms = now_ms - last.captured_at_ms;
  estimate.reset_passed = now_ms >= last.resets_at_ms;
  estimate.stale = estimate.reset_passed || estimate.age_ms > settings.stale_minutes * kMinuteMs;
  return estimate;
}

// k of used_percentage = k × cost of [start, captured_at], least squares through the origin;
// none when no reading has cost or k is not positive.
std::optional<double> fitted_slope(std::span<const RateLimitSnapshot> readings, const PointSums& sums,
                                   std::int64_t start_ms) {
  double products = 0;
  double squares = 0;
  for (const RateLimitSnapshot& reading : readings) {
    const double cost = sums.cost_between(start_ms, reading.captured_at_ms + 1);
    products += reading.used_percentage * cost;
    squares += cost * cost;
  }
  if (!(squares > 0) || !(products > 0)) return std::nullopt;
  return products / squares;
}

// Cost per minute of the last burn_minutes before now, inside [start_ms, end_ms). Early in a
// window, the minutes since it began (at least one): dividing by burn_minutes there would show a
// fraction of the pace (bench/limits: at 10 % of a steady window the projection came 5-6 hours late).
double burn_per_minute(const PointSums& sums, std::int64_t start_ms, std::int64_t end_ms, std::int64_t now_ms,
                       const LimitSettings& settings) {
  const std::int64_t from_ms = std::max(start_ms, now_ms - settings.burn_minutes * kMinuteMs);
  const double minutes = std::max(1.0, static_cast<double>(now_ms - from_ms) / static_cast<double>(kMinuteMs));
  return sums.cost_between(from_ms, end_ms) / minutes;
}

// When the latest reading reaches 100 % at slope k and the estimate's burn (see the header).
std::optional<std::int64_t> projected_full_at(const WindowEstimate& estimate, std::optional<double> slope) {
  if (estimate.reset_passed) return std::nullopt;
  if (estimate.used_percentage >= kFullPercentage) return estimate.captured_at_ms;
  if (!slope || !(estimate.burn_usd_per_minute > 0)) return std::nullopt;
  const double minutes = (kFullPercentage - estimate.used_percentage) / (*slope * estimate.burn_usd_per_minute);
  const double after_ms = minutes * static_cast<double>(kMinuteMs);
  if (!(after_ms <= kMaxProjectionMs)) return std::nullopt;
  return estimate.captured_at_ms + std::llround(after_ms);
}

}  // namespace

WindowEstimate estimate_window(std::span<const RateLimitSnapshot> readings, std::span<const UsagePoint> points,
                               std::int64_t now_ms, const LimitSettings& settings) {
  WindowEstimate estimate = latest_of(readings.back(), now_ms, settings);
  const PointSums sums(points);
  const std::int64_t start_ms = window_start_ms(readings.back());
  const std::int64_t end_ms = std::min(now_ms, estimate.resets_at_ms);
  estimate.window_cost_usd = sums.cost_between(start_ms, end_ms);
  const std::optional<double> slope = fitted_slope(readings, sums, start_ms);
  if (slope) estimate.estimated_limit_usd = kFullPercentage / *slope;
  estimate.burn_usd_per_minute = burn_per_minute(sums, start_ms, end_ms, now_ms, settings);
  estimate.projected_full_at_ms = projected_full_at(estimate, slope);
  estimate.hits_before_reset =
      estimate.projected_full_at_ms && *estimate.projected_full_at_ms < estimate.resets_at_ms;
  return estimate;
}

}  // namespace cu
