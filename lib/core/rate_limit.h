#pragma once
// Claude Code's official rate-limit readings (SPEC §11): what the statusline hook reports for the
// 5-hour and the 7-day window, and the per-event figures the limit estimates are computed from.
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace cu {

enum class RateLimitWindow { kFiveHour, kSevenDay };

inline constexpr std::array<RateLimitWindow, 2> kRateLimitWindows{RateLimitWindow::kFiveHour,
                                                                  RateLimitWindow::kSevenDay};

// "five_hour" or "seven_day": the hook's key, the stored `window` and the JSON's "window".
constexpr std::string_view to_string(RateLimitWindow window) {
  return window == RateLimitWindow::kFiveHour ? "five_hour" : "seven_day";
}

constexpr std::optional<RateLimitWindow> rate_limit_window_of(std::string_view name) {
  for (const RateLimitWindow window : kRateLimitWindows) {
    if (to_string(window) == name) return window;
  }
  return std::nullopt;
}

// How long one instance of the window lasts: it began this long before its resets_at.
constexpr std::int64_t window_length_ms(RateLimitWindow window) {
  constexpr std::int64_t kHourMs = 3'600'000;
  return window == RateLimitWindow::kFiveHour ? 5 * kHourMs : 7 * 24 * kHourMs;
}

// One official reading. Stored at most once per window and minute of captured_at
// (rate_limit_minute): a later capture in the same minute replaces the earlier one.
struct RateLimitSnapshot {
  RateLimitWindow window = RateLimitWindow::kFiveHour;
  std::int64_t captured_at_ms = 0;  // when the statusline request carrying it arrived (Unix ms)
  double used_percentage = 0;       // 0 … 100 (a little over 100 when Claude Code reports so)
  std::int64_t resets_at_ms = 0;    // when this instance of the window ends (Unix ms)

  friend bool operator==(const RateLimitSnapshot&, const RateLimitSnapshot&) = default;
};

// When the instance of the window a reading is of began: its resets_at − the window's length.
constexpr std::int64_t window_start_ms(const RateLimitSnapshot& reading) {
  return reading.resets_at_ms - window_length_ms(reading.window);
}

// The minute a capture belongs to (Unix minutes): the unit of "at most one row per minute".
constexpr std::int64_t rate_limit_minute(std::int64_t captured_at_ms) {
  return captured_at_ms >= 0 ? captured_at_ms / 60'000 : (captured_at_ms - 59'999) / 60'000;
}

// What the limit estimates need of one kept event (Store::usage_points).
struct UsagePoint {
  std::int64_t timestamp_ms = 0;
  double cost_usd = 0;
  std::int64_t input_output_tokens = 0;  // input + output
  std::int64_t total_tokens = 0;         // all four kinds

  friend bool operator==(const UsagePoint&, const UsagePoint&) = default;
};

}  // namespace cu
