#include "ctl/report_dates.h"

#include <algorithm>
#include <stdexcept>

#include <date/date.h>

namespace cu::ctl {
namespace {

bool all_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int number_of(std::string_view digits) {
  int value = 0;
  for (const char c : digits) value = value * 10 + (c - '0');
  return value;
}

// Callers pass dates this file produced or parse_date_arg accepted.
date::year_month_day ymd_of(std::string_view text) {
  const auto parsed = parse_date_arg(text);
  if (!parsed) throw std::invalid_argument("not a date: " + std::string(text));
  return date::year{number_of(parsed->substr(0, 4))} / number_of(parsed->substr(5, 2)) /
         number_of(parsed->substr(8, 2));
}

std::string format_ymd(const date::year_month_day& ymd) { return date::format("%F", ymd); }

}  // namespace

std::optional<std::string> parse_date_arg(std::string_view text) {
  std::string digits;
  if (text.size() == 8 && all_digits(text)) {
    digits = text;
  } else if (text.size() == 10 && text[4] == '-' && text[7] == '-' && all_digits(text.substr(0, 4)) &&
             all_digits(text.substr(5, 2)) && all_digits(text.substr(8, 2))) {
    digits = std::string(text.substr(0, 4)) + std::string(text.substr(5, 2)) + std::string(text.substr(8, 2));
  } else {
    return std::nullopt;
  }
  const date::year_month_day ymd{date::year{number_of(std::string_view(digits).substr(0, 4))},
                                 date::month{static_cast<unsigned>(number_of(std::string_view(digits).substr(4, 2)))},
                                 date::day{static_cast<unsigned>(number_of(std::string_view(digits).substr(6, 2)))}};
  if (!ymd.ok()) return std::nullopt;
  return format_ymd(ymd);
}

std::string add_days(std::string_view date_text, int days) {
  return format_ymd(date::year_month_day{date::sys_days{ymd_of(date_text)} + date::days{days}});
}

int weekday_of(std::string_view date_text) {
  return static_cast<int>(date::weekday{date::sys_days{ymd_of(date_text)}}.c_encoding());
}

std::string week_start(std::string_view date_text, int start_of_week) {
  const int back = (weekday_of(date_text) - start_of_week + 7) % 7;
  return add_days(date_text, -back);
}

std::string month_of(std::string_view date_text) { return std::string(date_text.substr(0, 7)); }

std::string month_start_before(std::string_view date_text, int months) {
  const date::year_month_day ymd = ymd_of(date_text);
  const date::year_month first = date::year_month{ymd.year(), ymd.month()} - date::months{months};
  return format_ymd(first / date::day{1});
}

}  // namespace cu::ctl
