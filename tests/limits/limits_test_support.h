#pragma once
// Instants and values shared by the limits tests: one 5-hour window instance counted in minutes.
#include <cstdint>

#include "core/rate_limit.h"

namespace cu::test {

// 2023-11-14T22:13:20Z: the start of the 5-hour instance the tests read.
inline constexpr std::int64_t kStartMs = 1'700'000'000'000;
inline constexpr std::int64_t kMinuteMs = 60'000;
inline constexpr std::int64_t kHourMs = 60 * kMinuteMs;
inline constexpr std::int64_t kResetMs = kStartMs + 5 * kHourMs;  // minute 300

// `minutes` after kStartMs.
constexpr std::int64_t at(double minutes) { return kStartMs + static_cast<std::int64_t>(minutes * kMinuteMs); }

inline RateLimitSnapshot five_hour_reading(double minutes, double percentage, std::int64_t resets_at_ms = kResetMs) {
  return {RateLimitWindow::kFiveHour, at(minutes), percentage, resets_at_ms};
}

// An event of `cost` USD, with 100 input + output tokens and 1000 in all per dollar.
inline UsagePoint point(double minutes, double cost) {
  const auto tokens = static_cast<std::int64_t>(cost * 100);
  return {at(minutes), cost, tokens, tokens * 10};
}

}  // namespace cu::test
