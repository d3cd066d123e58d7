#include "window_evaluation.h"

#include <algorithm>
#include <cmath>
#include <span>

#include "limits/window_estimate.h"

namespace cu::study {
namespace {

constexpr double kMinuteMs = 60'000;

std::optional<double> error_minutes(const SimulatedWindow& window, std::optional<std::int64_t> projected_ms) {
  if (!window.full_at_ms || !projected_ms) return std::nullopt;
  return std::abs(static_cast<double>(*projected_ms - *window.full_at_ms)) / kMinuteMs;
}

// The projection of SPEC §11 as written, the burn divided by burn_minutes even early in the window
// (the daemon divides by min(burn_minutes, minutes since the window's start), at least one): the
// time to 100 % grows by the inverse of that ratio.
std::optional<std::int64_t> spec_burn_projection(const SimulatedWindow& window, const WindowEstimate& estimate,
                                                 const LimitSettings& settings) {
  if (!estimate.projected_full_at_ms) return std::nullopt;
  const double burn_ms = static_cast<double>(settings.burn_minutes) * kMinuteMs;
  const double elapsed_ms = std::max(kMinuteMs, static_cast<double>(estimate.captured_at_ms - window.start_ms));
  const double ratio = std::min(burn_ms, elapsed_ms) / burn_ms;
  const auto after_ms = static_cast<double>(*estimate.projected_full_at_ms - estimate.captured_at_ms);
  return estimate.captured_at_ms + std::llround(after_ms / ratio);
}

CheckpointOutcome judge(const SimulatedWindow& window, const WindowEstimate& estimate, const LimitSettings& settings) {
  CheckpointOutcome outcome;
  outcome.reached = true;
  if (estimate.estimated_limit_usd) {
    outcome.limit_error = std::abs(*estimate.estimated_limit_usd - window.true_limit_usd) / window.true_limit_usd;
  }
  outcome.full_at_error_minutes = error_minutes(window, estimate.projected_full_at_ms);
  outcome.hits_before_reset_right = estimate.hits_before_reset == window.full_at_ms.has_value();
  const std::optional<std::int64_t> spec_projection = spec_burn_projection(window, estimate, settings);
  outcome.spec_burn_full_at_error_minutes = error_minutes(window, spec_projection);
  const bool spec_hits = spec_projection && *spec_projection < window.resets_at_ms;
  outcome.spec_burn_hits_right = spec_hits == window.full_at_ms.has_value();
  return outcome;
}

// The estimate at kept reading `index`: its readings so far and the events up to its capture.
WindowEstimate estimate_at(const SimulatedWindow& window, std::size_t index, const LimitSettings& settings) {
  const std::int64_t now_ms = window.readings[index].captured_at_ms;
  const auto seen = std::ranges::upper_bound(window.points, now_ms, {}, &UsagePoint::timestamp_ms);
  const std::span<const UsagePoint> points(window.points.begin(), seen);
  const std::span<const RateLimitSnapshot> readings(window.readings.data(), index + 1);
  return estimate_window(readings, points, now_ms, settings);
}

}  // namespace

std::array<CheckpointOutcome, kCheckpoints.size()> evaluate_window(const SimulatedWindow& window,
                                                                   const LimitSettings& settings) {
  std::array<CheckpointOutcome, kCheckpoints.size()> outcomes;
  for (std::size_t i = 0; i < kCheckpoints.size(); ++i) {
    const auto first = std::ranges::find_if(window.true_percentages, [&](double p) { return p >= kCheckpoints[i]; });
    if (first == window.true_percentages.end()) continue;
    const auto index = static_cast<std::size_t>(first - window.true_percentages.begin());
    outcomes[i] = judge(window, estimate_at(window, index, settings), settings);
  }
  return outcomes;
}

}  // namespace cu::study
