#include "core/time.h"

#include <chrono>

#include <date/date.h>
#include <fmt/format.h>

namespace cu {
namespace {

using Milliseconds = std::chrono::milliseconds;
using SysMs = std::chrono::time_point<std::chrono::system_clock, Milliseconds>;

}  // namespace

// Formatted with fmt from the civil date and time of day: date::format goes through an
// ostringstream and was a visible share of a backfill, which formats every stored event's time.
std::string format_timestamp_ms(std::int64_t timestamp_ms) {
  const SysMs time{Milliseconds(timestamp_ms)};
  const auto day = date::floor<date::days>(time);
  const date::year_month_day ymd(day);
  const date::hh_mm_ss<Milliseconds> clock(time - day);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), clock.hours().count(),
                     clock.minutes().count(), clock.seconds().count(), clock.subseconds().count());
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<Milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace cu
