#pragma once
// Small conversions both storage backends share: how a model list is stored in one text column,
// and which instants a report's local date range covers.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "rollup/rows.h"

namespace cu {

class Calendar;

// The models column of usage_blocks: "a,b" (model names hold no commas).
std::string join_models(const std::vector<std::string>& models);
std::vector<std::string> split_models(const std::string& joined);

// The instants [from, to) in Unix ms of the filter's local dates [since, until], each absent when
// that bound is. Throws std::invalid_argument for a date bound without a calendar.
std::pair<std::optional<std::int64_t>, std::optional<std::int64_t>> date_filter_bounds_ms(
    const ReportFilter& filter, const Calendar* calendar);

}  // namespace cu
