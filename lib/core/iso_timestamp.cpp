// parse_timestamp_ms: hand-written rather than a general ISO-8601 or strptime-style parser
// because it runs once per usage line (the hot path) on a single fixed layout, and has to reject
// anything outside SPEC §3's forms instead of guessing.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <date/date.h>

#include "core/time.h"

namespace cu {
namespace {

constexpr std::int64_t kMsPerMinute = 60'000;
constexpr std::int64_t kMsPerDay = 86'400'000;
constexpr std::size_t kMaxFractionDigits = 9;

// A cursor over the timestamp text; every reader fails (returns false) instead of reading past
// the end.
class Cursor {
 public:
  explicit Cursor(std::string_view text) : text_(text) {}

  bool digits(std::size_t count, int& out) {
    if (text_.size() - pos_ < count) return false;
    out = 0;
    for (std::size_t i = 0; i < count; ++i) {
      char c = text_[pos_ + i];
      if (c < '0' || c > '9') return false;
      out = out * 10 + (c - '0');
    }
    pos_ += count;
    return true;
  }
  bool literal(char c) {
    if (pos_ >= text_.size() || text_[pos_] != c) return false;
    ++pos_;
    return true;
  }
  bool at_end() const { return pos_ == text_.size(); }
  char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

struct CivilTime {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  int millisecond = 0;
  int offset_minutes = 0;  // east of UTC
};

bool read_date_time(Cursor& in, CivilTime& t) {
  return in.digits(4, t.year) && in.literal('-') && in.digits(2, t.month) && in.literal('-') &&
         in.digits(2, t.day) && in.literal('T') && in.digits(2, t.hour) && in.literal(':') &&
         in.digits(2, t.minute) && in.literal(':') && in.digits(2, t.second);
}

// `.` and 1–9 digits, truncated to milliseconds; absent is fine.
bool read_fraction(Cursor& in, int& millisecond) {
  millisecond = 0;
  if (!in.literal('.')) return true;
  std::size_t count = 0;
  for (int digit = 0; count < kMaxFractionDigits && in.digits(1, digit); ++count) {
    if (count < 3) millisecond = millisecond * 10 + digit;
  }
  for (std::size_t i = count; i < 3; ++i) millisecond *= 10;
  return count > 0;
}

// `Z` or `±HH:MM`.
bool read_offset(Cursor& in, int& offset_minutes) {
  offset_minutes = 0;
  if (in.literal('Z')) return true;
  char sign = in.peek();
  if (!in.literal('+') && !in.literal('-')) return false;
  int hours = 0, minutes = 0;
  if (!in.digits(2, hours) || !in.literal(':') || !in.digits(2, minutes)) return false;
  if (hours > 23 || minutes > 59) return false;
  offset_minutes = (sign == '-' ? -1 : 1) * (hours * 60 + minutes);
  return true;
}

// Leap seconds (:60) are rejected: Claude Code writes JavaScript Date.toISOString(), which has none.
bool valid_time_of_day(const CivilTime& t) {
  return t.hour <= 23 && t.minute <= 59 && t.second <= 59;
}

}  // namespace

bool parse_timestamp_ms(std::string_view text, std::int64_t& out_ms) {
  Cursor in(text);
  CivilTime t;
  if (!read_date_time(in, t) || !read_fraction(in, t.millisecond) ||
      !read_offset(in, t.offset_minutes) || !in.at_end() || !valid_time_of_day(t)) {
    return false;
  }
  const date::year_month_day ymd{date::year{t.year}, date::month{static_cast<unsigned>(t.month)},
                                 date::day{static_cast<unsigned>(t.day)}};
  if (!ymd.ok()) return false;
  const std::int64_t days = date::sys_days{ymd}.time_since_epoch().count();
  const std::int64_t minutes_of_day = t.hour * 60 + t.minute - t.offset_minutes;
  out_ms = days * kMsPerDay + minutes_of_day * kMsPerMinute + t.second * 1000 + t.millisecond;
  return true;
}

}  // namespace cu
