#pragma once
// How far one rate-limit window is, and when it fills (SPEC §11's first model of the limit):
// a pure function of the window's official readings and the events in it.
#include <cstdint>
#include <optional>
#include <span>

#include "core/rate_limit.h"
#include "limits/limit_settings.h"

namespace cu {

struct WindowEstimate {
  RateLimitWindow window = RateLimitWindow::kFiveHour;
  // The latest official reading.
  double used_percentage = 0;
  std::int64_t resets_at_ms = 0;
  std::int64_t captured_at_ms = 0;
  std::int64_t age_ms = 0;  // now − captured_at
  // Older than stale_minutes, or of a window instance that has already reset (now >= resets_at).
  bool stale = false;
  bool reset_passed = false;  // now >= resets_at: the reading is of an instance that has ended
  // Cost of the events in [resets_at − window length, min(now, resets_at)).
  double window_cost_usd = 0;
  // The fit used_percentage = k × window cost through the origin, over the instance's readings
  // (k = Σ p·c / Σ c², c = cost of [start, captured_at]); 100 / k. None when Σ c² or k is 0.
  std::optional<double> estimated_limit_usd;
  // Cost of the last burn_minutes before now inside the window, per minute of that span (of the
  // minutes since the window began, at least one, when it began less than burn_minutes ago).
  double burn_usd_per_minute = 0;
  // last captured_at + (100 − last p) / (k × burn) minutes; the capture itself at or above 100 %;
  // none without a fit or without burn (below 100 %), or once the instance has reset.
  std::optional<std::int64_t> projected_full_at_ms;
  // projected_full_at < resets_at.
  bool hits_before_reset = false;

  friend bool operator==(const WindowEstimate&, const WindowEstimate&) = default;
};

// `readings`: the window instance's snapshots (one window, one resets_at), ascending by
// captured_at, not empty; the last is the latest. `points`: kept events ascending by timestamp,
// covering at least [resets_at − window length, now) (others are ignored).
WindowEstimate estimate_window(std::span<const RateLimitSnapshot> readings, std::span<const UsagePoint> points,
                               std::int64_t now_ms, const LimitSettings& settings);

}  // namespace cu
