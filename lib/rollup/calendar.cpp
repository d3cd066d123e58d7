#include "rollup/calendar.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <stdexcept>

#include <date/date.h>
#include <date/tz.h>
#include <fmt/format.h>

namespace cu {
namespace {

using Milliseconds = std::chrono::milliseconds;
using SysMs = date::sys_time<Milliseconds>;

const date::time_zone* locate(std::string_view zone_name) {
  if (zone_name == "local") {
    const char* tz = std::getenv("TZ");
    if (tz != nullptr && *tz != '\0') {
      std::string_view name(tz);
      if (name.front() == ':') name.remove_prefix(1);
      return date::locate_zone(name);
    }
    return date::current_zone();
  }
  return date::locate_zone(zone_name);
}

// YYYY-MM-DD of a local day.
std::string format_day(date::local_days local) {
  const date::year_month_day day(local);
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(day.year()), static_cast<unsigned>(day.month()),
                     static_cast<unsigned>(day.day()));
}

date::local_days parse_day(std::string_view text) {
  int y = 0;
  unsigned m = 0;
  unsigned d = 0;
  if (std::sscanf(std::string(text).c_str(), "%d-%u-%u", &y, &m, &d) != 3) {
    throw std::invalid_argument(fmt::format("bad date '{}'", text));
  }
  return date::local_days{date::year{y} / date::month{m} / date::day{d}};
}

}  // namespace

Calendar::Calendar(std::string_view zone_name) : zone_(locate(zone_name)), zone_name_(zone_name) {}

std::string Calendar::date_of(std::int64_t timestamp_ms) const {
  std::string date = format_day(date::floor<date::days>(
      date::zoned_time<Milliseconds>(zone_, SysMs(Milliseconds(timestamp_ms))).get_local_time()));
  if (frozen_before_.empty()) return date;
  if (timestamp_ms >= frozen_before_ms_ && date < frozen_before_) return frozen_before_;
  if (timestamp_ms < frozen_before_ms_ && date >= frozen_before_) {
    return format_day(parse_day(frozen_before_) - date::days{1});
  }
  return date;
}

Calendar Calendar::with_frozen_days(std::string frozen_before, std::int64_t frozen_before_ms) const {
  Calendar calendar = *this;
  calendar.frozen_before_ = std::move(frozen_before);
  calendar.frozen_before_ms_ = frozen_before_ms;
  return calendar;
}

std::string Calendar::time_of_day(std::int64_t timestamp_ms) const {
  const date::zoned_time<Milliseconds> local(zone_, SysMs(Milliseconds(timestamp_ms)));
  const auto since_midnight = local.get_local_time() - date::floor<date::days>(local.get_local_time());
  const date::hh_mm_ss<Milliseconds> time(since_midnight);
  return fmt::format("{:02}:{:02}", time.hours().count(), time.minutes().count());
}

std::string Calendar::hour_of(std::int64_t timestamp_ms) const {
  const date::zoned_time<Milliseconds> local(zone_, SysMs(Milliseconds(timestamp_ms)));
  const auto midnight = date::floor<date::days>(local.get_local_time());
  const date::year_month_day day(midnight);
  const auto hour = date::floor<std::chrono::hours>(local.get_local_time() - midnight);
  return fmt::format("{:04}-{:02}-{:02} {:02}:00", static_cast<int>(day.year()), static_cast<unsigned>(day.month()),
                     static_cast<unsigned>(day.day()), hour.count());
}

std::pair<std::int64_t, std::int64_t> Calendar::day_range_ms(std::string_view text) const {
  const date::local_days day = parse_day(text);
  // Midnight can be skipped by a DST change in a few zones: `earliest` picks the first instant of
  // the local day either way, and a skipped midnight maps to the transition itself.
  auto start_of = [&](date::local_days local) {
    const auto info = zone_->get_info(local);
    if (info.result == date::local_info::nonexistent) {
      return date::floor<Milliseconds>(info.second.begin);
    }
    return date::floor<Milliseconds>(zone_->to_sys(local, date::choose::earliest));
  };
  std::pair<std::int64_t, std::int64_t> range{start_of(day).time_since_epoch().count(),
                                              start_of(day + date::days{1}).time_since_epoch().count()};
  if (frozen_before_.empty()) return range;
  // As date_of: the frozen days end at frozen_before_ms_, the others begin there at the earliest.
  if (text < frozen_before_) {
    range.second = std::min(range.second, frozen_before_ms_);
  } else {
    range.first = text == frozen_before_ ? frozen_before_ms_ : std::max(range.first, frozen_before_ms_);
    range.second = std::max(range.second, range.first);
  }
  range.first = std::min(range.first, range.second);
  return range;
}

}  // namespace cu
