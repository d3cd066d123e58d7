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

 private:
  const date::time_zone* zone_;
  std::string zone_name_;
};

}  // namespace cu
