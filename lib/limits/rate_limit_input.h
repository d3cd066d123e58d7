#pragma once
// Reading the `rate_limits` object of Claude Code's statusline hook (SPEC §11) into snapshots:
// what is recorded, and why the rest is not.
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/rate_limit.h"

namespace cu {

// Why a window present in the hook was not recorded.
enum class RateLimitProblem {
  kMalformed,        // not an object, or a field missing or of the wrong type
  kBadPercentage,    // used_percentage not finite, negative or above 100 + kPercentageSlack
  kResetInPast,      // resets_at at or before the capture (beyond kClockSlackMs)
  kResetTooFar,      // resets_at later than the capture + the window's length (+ kClockSlackMs)
};
inline constexpr std::size_t kRateLimitProblemCount = 4;

// "malformed", "bad_percentage", "reset_in_past", "reset_too_far": the keys of `status`.
std::string_view to_string(RateLimitProblem problem);

// Claude Code may report a little over 100 % once the limit is reached.
inline constexpr double kPercentageSlack = 1.0;
// Clocks of the machine and of Anthropic's servers differ by seconds, not minutes.
inline constexpr std::int64_t kClockSlackMs = 60'000;

struct RateLimitReading {
  std::vector<RateLimitSnapshot> snapshots;  // valid windows, in window order
  std::int64_t absent = 0;                   // windows the hook did not carry (0 … 2)
  std::vector<std::pair<RateLimitWindow, RateLimitProblem>> rejected;
};

// Reads `rate_limits` (the hook's object; null or absent: both windows absent) as captured at
// `captured_at_ms`. `resets_at` is epoch seconds (an integer or a fraction; an ISO-8601 string is
// accepted too). Never throws.
RateLimitReading read_rate_limits(const nlohmann::json& rate_limits, std::int64_t captured_at_ms);

}  // namespace cu
