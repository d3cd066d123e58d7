#pragma once
// Judges lib/limits' estimate_window on a simulated window instance: at the kept reading where
// the true meter first passes each checkpoint, the estimate as `limits` would give it then.
#include <array>
#include <optional>
#include <vector>

#include "limits/limit_settings.h"
#include "window_simulation.h"

namespace cu::study {

// Percentages of the true meter at which the estimate is judged.
inline constexpr std::array<double, 4> kCheckpoints{10, 25, 50, 75};

struct CheckpointOutcome {
  bool reached = false;  // some kept reading has the true meter at the checkpoint or above
  // |estimatedLimitUSD − true limit in dollars| / true limit; none without a fit.
  std::optional<double> limit_error;
  // |projectedFullAt − true time of 100 %| in minutes, for instances whose meter truly reached
  // 100 % before the reset and that got a projection.
  std::optional<double> full_at_error_minutes;
  bool hits_before_reset_right = false;  // hitsBeforeReset equals "the meter reached 100 % in time"
  // The same two with SPEC §11's burn as written, divided by burn_minutes even when the window
  // began less than that ago (the daemon divides by the minutes since its start then).
  std::optional<double> spec_burn_full_at_error_minutes;
  bool spec_burn_hits_right = false;
};

// One outcome per kCheckpoints entry. The estimate sees the readings up to and including the
// checkpoint's and the events before it, `now` being that reading's capture.
std::array<CheckpointOutcome, kCheckpoints.size()> evaluate_window(const SimulatedWindow& window,
                                                                   const LimitSettings& settings);

}  // namespace cu::study
