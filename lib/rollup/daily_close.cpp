#include "rollup/daily_close.h"

#include <algorithm>

#include "core/time.h"

namespace cu {

DailyClose::DailyClose(const Calendar& calendar, const WallClock& clock, std::chrono::milliseconds check_every)
    : calendar_(calendar), clock_(clock), check_every_(check_every), day_(calendar.date_of(clock.now_ms())) {}

std::optional<std::string> DailyClose::poll() {
  std::string today = calendar_.date_of(clock_.now_ms());
  const bool passed_midnight = today > day_;  // YYYY-MM-DD compares as text
  day_ = std::move(today);
  if (!passed_midnight) return std::nullopt;
  return day_;
}

std::chrono::milliseconds DailyClose::next_check() const {
  const std::int64_t now = clock_.now_ms();
  const std::int64_t midnight = calendar_.day_range_ms(calendar_.date_of(now)).second;
  return std::clamp(std::chrono::milliseconds(midnight - now + 1), std::chrono::milliseconds(1), check_every_);
}

}  // namespace cu
