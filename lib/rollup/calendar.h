#pragma once
// Local dates in the configured time zone (SPEC §6).
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace date {
class time_zone;
}

namespace cu {

class Calendar {
 public:
  // `zone_name` is an IANA name or "local" (TZ, else /etc/localtime). Throws std::runtime_error
  // for an unknown zone.
  explicit Calendar(std::string_view zone_name);

  // The local date of a Unix epoch millisecond, as YYYY-MM-DD.
  std::string date_of(std::int64_t timestamp_ms) const;

  // The local time of day of a Unix epoch millisecond, as HH:MM.
  std::string time_of_day(std::int64_t timestamp_ms) const;

  // The local hour a Unix epoch millisecond falls in, as "YYYY-MM-DD HH:00" (sorts in time order,
  // except that the hour a DST change repeats is one hour here).
  std::string hour_of(std::int64_t timestamp_ms) const;

  // [first ms, first ms of the next day) of local date `date` (YYYY-MM-DD); DST-safe.
  std::pair<std::int64_t, std::int64_t> day_range_ms(std::string_view date) const;

  const std::string& zone_name() const { return zone_name_; }

  // This calendar as a store with frozen days sees it (retention, SPEC §13): the days before
  // `frozen_before` are final and ended at `frozen_before_ms`, computed in the zone they were
  // frozen in, which may not be this one. An instant from `frozen_before_ms` on then falls on
  // `frozen_before` at the earliest, and one before it on an earlier day; `frozen_before` starts at
  // `frozen_before_ms`, and no later day starts before it. So after a time zone change no event is
  // left out of the first day after the frozen ones, nor counted in both. In the zone the days were
  // frozen in, dates and ranges are the same as without.
  Calendar with_frozen_days(std::string frozen_before, std::int64_t frozen_before_ms) const;

 private:
  const date::time_zone* zone_;
  std::string zone_name_;
  std::string frozen_before_;        // empty: no frozen days
  std::int64_t frozen_before_ms_ = 0;
};

}  // namespace cu
