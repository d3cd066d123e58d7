#include "limits/rate_limit_input.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <variant>

#include "core/time.h"

namespace cu {
namespace {

using Json = nlohmann::json;

// Epoch seconds beyond this (some 300,000 years) are clamped before they become milliseconds, so
// that an absurd resets_at is "too far" or "in the past" instead of an integer overflow.
constexpr double kMaxEpochSeconds = 1e13;

// resets_at as Unix ms: epoch seconds (integer or fraction) or an ISO-8601 string; none for
// anything else.
std::optional<std::int64_t> reset_ms_of(const Json& resets_at) {
  if (resets_at.is_number()) {
    const double seconds = resets_at.get<double>();
    if (!std::isfinite(seconds)) return std::nullopt;
    return std::llround(std::clamp(seconds, -kMaxEpochSeconds, kMaxEpochSeconds) * 1000);
  }
  std::int64_t ms = 0;
  if (resets_at.is_string() && parse_timestamp_ms(resets_at.get_ref<const std::string&>(), ms)) return ms;
  return std::nullopt;
}

bool percentage_in_range(double percentage) {
  return std::isfinite(percentage) && percentage >= 0 && percentage <= 100 + kPercentageSlack;
}

// Why the reading's resets_at cannot belong to an instance of `window` running at the capture.
std::optional<RateLimitProblem> reset_problem(RateLimitWindow window, std::int64_t resets_at_ms,
                                              std::int64_t captured_at_ms) {
  if (resets_at_ms <= captured_at_ms - kClockSlackMs) return RateLimitProblem::kResetInPast;
  if (resets_at_ms > captured_at_ms + window_length_ms(window) + kClockSlackMs) return RateLimitProblem::kResetTooFar;
  return std::nullopt;
}

// The snapshot one present window of the hook describes, or why it is not recorded.
std::variant<RateLimitSnapshot, RateLimitProblem> read_window(RateLimitWindow window, const Json& value,
                                                              std::int64_t captured_at_ms) {
  if (!value.is_object()) return RateLimitProblem::kMalformed;
  const auto percentage = value.find("used_percentage");
  const auto resets_at = value.find("resets_at");
  if (percentage == value.end() || resets_at == value.end() || !percentage->is_number()) {
    return RateLimitProblem::kMalformed;
  }
  const std::optional<std::int64_t> resets_at_ms = reset_ms_of(*resets_at);
  if (!resets_at_ms) return RateLimitProblem::kMalformed;
  const double used = percentage->get<double>();
  if (!percentage_in_range(used)) return RateLimitProblem::kBadPercentage;
  if (const auto problem = reset_problem(window, *resets_at_ms, captured_at_ms)) return *problem;
  return RateLimitSnapshot{window, captured_at_ms, used, *resets_at_ms};
}

void add_window(RateLimitReading& reading, RateLimitWindow window, const Json& value, std::int64_t captured_at_ms) {
  auto outcome = read_window(window, value, captured_at_ms);
  if (auto* snapshot = std::get_if<RateLimitSnapshot>(&outcome)) {
    reading.snapshots.push_back(*snapshot);
  } else {
    reading.rejected.emplace_back(window, std::get<RateLimitProblem>(outcome));
  }
}

}  // namespace

std::string_view to_string(RateLimitProblem problem) {
  switch (problem) {
    case RateLimitProblem::kMalformed: return "malformed";
    case RateLimitProblem::kBadPercentage: return "bad_percentage";
    case RateLimitProblem::kResetInPast: return "reset_in_past";
    case RateLimitProblem::kResetTooFar: return "reset_too_far";
  }
  return "malformed";
}

RateLimitReading read_rate_limits(const nlohmann::json& rate_limits, std::int64_t captured_at_ms) {
  RateLimitReading reading;
  for (const RateLimitWindow window : kRateLimitWindows) {
    if (rate_limits.is_null() || rate_limits.is_discarded()) {
      ++reading.absent;
    } else if (!rate_limits.is_object()) {
      reading.rejected.emplace_back(window, RateLimitProblem::kMalformed);
    } else if (const auto value = rate_limits.find(std::string(to_string(window)));
               value == rate_limits.end() || value->is_null()) {
      ++reading.absent;
    } else {
      add_window(reading, window, *value, captured_at_ms);
    }
  }
  return reading;
}

}  // namespace cu
