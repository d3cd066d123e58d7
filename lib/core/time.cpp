#include "core/time.h"

#include <chrono>

#include <date/date.h>
#include <fmt/format.h>

namespace cu {
namespace {

using Milliseconds = std::chrono::milliseconds;
using SysMs = std::chrono::time_point<std::chrono::system_clock, Milliseconds>;

}  // namespace

// Written digit by digit from the civil date and time of day: date::format goes through an
// ostringstream and fmt::format parses its format string on every call, and both were a visible
// share of a backfill (every stored event's time) and of a `blocks` answer (three per block).
std::string format_timestamp_ms(std::int64_t timestamp_ms) {
  const SysMs time{Milliseconds(timestamp_ms)};
  const auto day = date::floor<date::days>(time);
  const date::year_month_day ymd(day);
  const date::hh_mm_ss<Milliseconds> clock(time - day);
  const int year = static_cast<int>(ymd.year());
  if (year < 0 || year > 9999) {
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", year, static_cast<unsigned>(ymd.month()),
                       static_cast<unsigned>(ymd.day()), clock.hours().count(), clock.minutes().count(),
                       clock.seconds().count(), clock.subseconds().count());
  }
  std::string text = "0000-00-00T00:00:00.000Z";
  const auto put = [&text](std::size_t end, long long value, int digits) {
    for (std::size_t at = end; digits-- > 0; value /= 10) text[--at] = static_cast<char>('0' + value % 10);
  };
  put(4, year, 4);
  put(7, static_cast<unsigned>(ymd.month()), 2);
  put(10, static_cast<unsigned>(ymd.day()), 2);
  put(13, clock.hours().count(), 2);
  put(16, clock.minutes().count(), 2);
  put(19, clock.seconds().count(), 2);
  put(23, clock.subseconds().count(), 3);
  return text;
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<Milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace cu
