#pragma once
// Time as the generator handles it: integer milliseconds since the Unix epoch, UTC.
#include <cstdint>
#include <string>
#include <string_view>

namespace cu::gen {

using Millis = std::int64_t;

constexpr Millis kSecond = 1000;
constexpr Millis kMinute = 60 * kSecond;
constexpr Millis kHour = 60 * kMinute;
constexpr Millis kDay = 24 * kHour;

// Appends "YYYY-MM-DDTHH:MM:SS.mmmZ", or "YYYY-MM-DDTHH:MM:SSZ" without the fraction.
void append_timestamp(std::string& out, Millis t, bool with_fraction = true);

// Midnight UTC of a "YYYY-MM-DD" date; throws std::invalid_argument on anything else.
Millis parse_date(std::string_view yyyy_mm_dd);

// The same day-of-month `months` calendar months later (clamped to the month's last day).
Millis add_months(Millis midnight, int months);

}  // namespace cu::gen
