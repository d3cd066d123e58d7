#include "timestamp.h"

#include <date/date.h>

#include <charconv>
#include <chrono>
#include <stdexcept>

namespace cu::gen {
namespace {

using SysMillis = std::chrono::sys_time<std::chrono::milliseconds>;

void append_digits(std::string& out, unsigned value, int width) {
  char digits[8];
  for (int i = width - 1; i >= 0; --i) {
    digits[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  out.append(digits, static_cast<std::size_t>(width));
}

int parse_field(std::string_view text, std::size_t pos, std::size_t len) {
  int value = 0;
  const char* first = text.data() + pos;
  auto [end, error] = std::from_chars(first, first + len, value);
  if (error != std::errc() || end != first + len) {
    throw std::invalid_argument("expected a date YYYY-MM-DD, got '" + std::string(text) + "'");
  }
  return value;
}

Millis to_millis(date::sys_days day) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(day.time_since_epoch()).count();
}

}  // namespace

void append_timestamp(std::string& out, Millis t, bool with_fraction) {
  const SysMillis tp{std::chrono::milliseconds(t)};
  const auto day = date::floor<date::days>(tp);
  const date::year_month_day ymd{day};
  const Millis in_day = t - to_millis(day);
  append_digits(out, static_cast<unsigned>(static_cast<int>(ymd.year())), 4);
  out.push_back('-');
  append_digits(out, static_cast<unsigned>(ymd.month()), 2);
  out.push_back('-');
  append_digits(out, static_cast<unsigned>(ymd.day()), 2);
  out.push_back('T');
  append_digits(out, static_cast<unsigned>(in_day / kHour), 2);
  out.push_back(':');
  append_digits(out, static_cast<unsigned>(in_day / kMinute % 60), 2);
  out.push_back(':');
  append_digits(out, static_cast<unsigned>(in_day / kSecond % 60), 2);
  if (with_fraction) {
    out.push_back('.');
    append_digits(out, static_cast<unsigned>(in_day % kSecond), 3);
  }
  out.push_back('Z');
}

Millis parse_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') {
    throw std::invalid_argument("expected a date YYYY-MM-DD, got '" + std::string(text) + "'");
  }
  const date::year_month_day ymd{date::year{parse_field(text, 0, 4)},
                                 date::month{static_cast<unsigned>(parse_field(text, 5, 2))},
                                 date::day{static_cast<unsigned>(parse_field(text, 8, 2))}};
  if (!ymd.ok()) throw std::invalid_argument("no such date: '" + std::string(text) + "'");
  return to_millis(date::sys_days{ymd});
}

Millis add_months(Millis midnight, int months) {
  const date::year_month_day ymd{
      date::floor<date::days>(SysMillis{std::chrono::milliseconds(midnight)})};
  const date::year_month_day moved = ymd + date::months{months};
  const date::year_month_day valid =
      moved.ok() ? moved : date::year_month_day{moved.year() / moved.month() / date::last};
  return to_millis(date::sys_days{valid});
}

}  // namespace cu::gen
