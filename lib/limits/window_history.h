#pragma once
// `limits --history`: each past instance of a window beside what it cost, so that the user sees
// what 100 % measured in dollars and tokens.
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "core/rate_limit.h"

namespace cu {

struct WindowHistory {
  RateLimitWindow window = RateLimitWindow::kFiveHour;
  std::int64_t start_ms = 0;      // resets_at − window length
  std::int64_t resets_at_ms = 0;
  std::int64_t readings = 0;      // snapshots of this instance
  double peak_percentage = 0;     // the highest official reading
  std::int64_t peak_at_ms = 0;    // its capture (the first of equal peaks)
  // Events in [start, min(resets_at, now)).
  double cost_usd = 0;
  std::int64_t input_output_tokens = 0;
  std::int64_t total_tokens = 0;
  // Cost of [start, peak_at] × 100 / peak: the instance's full limit in dollars, measured; none
  // when the peak is 0.
  std::optional<double> implied_limit_usd;

  friend bool operator==(const WindowHistory&, const WindowHistory&) = default;
};

// One entry per (window, resets_at) among `snapshots` (any order), ordered by start then window.
// `points` ascending by timestamp, covering every instance's [start, resets_at).
std::vector<WindowHistory> window_history(std::span<const RateLimitSnapshot> snapshots,
                                          std::span<const UsagePoint> points, std::int64_t now_ms);

}  // namespace cu
