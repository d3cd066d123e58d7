#pragma once
// Simulated instances of Claude Code's 5-hour window with a hidden true limit: the events a user
// sends, the official readings the statusline would hand the daemon, and the truth to judge the
// estimate of lib/limits against. Every assumption of the model is stated at its constant in
// window_simulation.cpp.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/rate_limit.h"
#include "rng.h"

namespace cu::study {

// How Claude Code reports used_percentage.
enum class Rounding { kExact, kInteger, kOneDecimal };

struct Scenario {
  std::string name;
  // What the official meter counts an Opus dollar as, a Sonnet dollar counting 1 (1: the meter is
  // proportional to the price).
  double opus_weight = 1.0;
  Rounding rounding = Rounding::kInteger;
  // One session from the window's first minutes to its limit at a constant pace (else bursts).
  bool steady = false;
};

struct SimulatedWindow {
  std::int64_t start_ms = 0;
  std::int64_t resets_at_ms = 0;
  double true_limit_weighted = 0;  // hidden: 100 % of the meter, in weighted dollars
  // The true limit in dollars of this instance's mix: true_limit_weighted × Σ cost / Σ weighted.
  double true_limit_usd = 0;
  std::vector<UsagePoint> points;           // ascending by timestamp
  std::vector<RateLimitSnapshot> readings;  // kept: the last refresh of each minute
  std::vector<double> true_percentages;     // exact meter at each kept reading
  std::optional<std::int64_t> full_at_ms;   // the event that took the meter to 100 %
};

// One window instance starting at `start_ms` (a whole hour), drawn from `rng`.
SimulatedWindow simulate_window(const Scenario& scenario, gen::Rng& rng, std::int64_t start_ms);

}  // namespace cu::study
