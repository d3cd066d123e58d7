#include "ctl/text_format.h"

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <exception>

#include <date/date.h>
#include <date/tz.h>
#include <fmt/format.h>

namespace cu::ctl {
namespace {

std::string group_thousands(std::string digits) {
  for (std::ptrdiff_t i = static_cast<std::ptrdiff_t>(digits.size()) - 3; i > 0; i -= 3) digits.insert(static_cast<std::size_t>(i), 1, ',');
  return digits;
}

bool is_date_suffix(std::string_view text) {
  if (text.size() != 9 || text[0] != '-') return false;
  for (const char c : text.substr(1)) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

const date::time_zone* zone_named(std::string_view zone) {
  if (zone != "local") return date::locate_zone(zone);
  const char* tz = std::getenv("TZ");
  if (tz != nullptr && *tz != '\0') return date::locate_zone(tz[0] == ':' ? tz + 1 : tz);
  return date::current_zone();
}

std::string_view ansi_of(Colour colour) {
  switch (colour) {
    case Colour::kNone: return "";
    case Colour::kBold: return "\x1b[1m";
    case Colour::kDim: return "\x1b[90m";
    case Colour::kRed: return "\x1b[31m";
    case Colour::kGreen: return "\x1b[32m";
    case Colour::kYellow: return "\x1b[33m";
    case Colour::kCyan: return "\x1b[36m";
  }
  return "";
}

}  // namespace

std::string format_number(std::int64_t value) {
  const std::string digits = group_thousands(std::to_string(value < 0 ? -(value + 1) + 1ULL : value));
  return value < 0 ? "-" + digits : digits;
}

std::string format_currency(double usd) {
  const double cents = std::round(std::fabs(usd) * 100);
  const bool negative = usd < 0 && cents > 0;
  const auto whole = static_cast<std::uint64_t>(cents / 100);
  const auto rest = static_cast<unsigned>(cents - static_cast<double>(whole) * 100);
  return fmt::format("{}${}.{:02}", negative ? "-" : "", group_thousands(std::to_string(whole)), rest);
}

std::string short_model_name(std::string_view model) {
  if (model.starts_with("claude-")) model.remove_prefix(7);
  if (model.size() > 9 && is_date_suffix(model.substr(model.size() - 9))) model.remove_suffix(9);
  return std::string(model);
}

std::string format_minutes(std::int64_t minutes) {
  if (minutes < 0) minutes = 0;
  if (minutes < 60) return fmt::format("{}m", minutes);
  return fmt::format("{}h {}m", minutes / 60, minutes % 60);
}

std::string format_local_minute(std::int64_t timestamp_ms, std::string_view zone) {
  const date::sys_time<std::chrono::milliseconds> instant{std::chrono::milliseconds(timestamp_ms)};
  try {
    const date::zoned_time<std::chrono::milliseconds> local(zone_named(zone), instant);
    return date::format("%F %R", local.get_local_time());
  } catch (const std::exception&) {
    return date::format("%F %R", instant);
  }
}

std::string paint(std::string_view text, Colour colour, bool enabled) {
  if (!enabled || colour == Colour::kNone || text.empty()) return std::string(text);
  return fmt::format("{}{}\x1b[0m", ansi_of(colour), text);
}

std::size_t display_width(std::string_view text) {
  std::size_t width = 0;
  for (const char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++width;
  }
  return width;
}

}  // namespace cu::ctl
