#include "store/row_codec.h"

#include <stdexcept>

#include <fmt/format.h>

#include "rollup/calendar.h"

namespace cu {

std::string join_models(const std::vector<std::string>& models) { return fmt::format("{}", fmt::join(models, ",")); }

std::vector<std::string> split_models(const std::string& joined) {
  std::vector<std::string> names;
  std::size_t start = 0;
  while (start < joined.size()) {
    const std::size_t comma = joined.find(',', start);
    const std::size_t end = comma == std::string::npos ? joined.size() : comma;
    names.push_back(joined.substr(start, end - start));
    start = end + 1;
  }
  return names;
}

std::pair<std::optional<std::int64_t>, std::optional<std::int64_t>> date_filter_bounds_ms(
    const ReportFilter& filter, const Calendar* calendar) {
  if (calendar == nullptr) {
    if (filter.since || filter.until) throw std::invalid_argument("a date filter needs a calendar");
    return {};
  }
  std::optional<std::int64_t> from;
  std::optional<std::int64_t> to;
  if (filter.since) from = calendar->day_range_ms(*filter.since).first;
  if (filter.until) to = calendar->day_range_ms(*filter.until).second;
  return {from, to};
}

}  // namespace cu
