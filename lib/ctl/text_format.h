#pragma once
// Number, money, time and colour formatting for the CLI's tables and statusline.
#include <cstdint>
#include <string>
#include <string_view>

namespace cu::ctl {

// 1234567 → "1,234,567".
std::string format_number(std::int64_t value);
// $ with two decimals and thousands separators: 1234.5 → "$1,234.50"; -0.0 → "$0.00".
std::string format_currency(double usd);
// "claude-sonnet-4-20250514" → "sonnet-4": without the "claude-" prefix and a date suffix.
std::string short_model_name(std::string_view model);
// 236 → "3h 56m", 56 → "56m"; negative counts as 0.
std::string format_minutes(std::int64_t minutes);
// Unix epoch ms as "YYYY-MM-DD HH:MM" in `zone` (an IANA name or "local"); UTC when the zone
// is unknown.
std::string format_local_minute(std::int64_t timestamp_ms, std::string_view zone);

enum class Colour { kNone, kBold, kDim, kRed, kGreen, kYellow, kCyan };

// `text` wrapped in the ANSI sequence for `colour` when `enabled`; `text` unchanged otherwise.
std::string paint(std::string_view text, Colour colour, bool enabled);

// Terminal columns `text` occupies, counting each UTF-8 code point as one.
std::size_t display_width(std::string_view text);

}  // namespace cu::ctl
