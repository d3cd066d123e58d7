#pragma once
// Calendar arithmetic on local dates written as YYYY-MM-DD, for report arguments and periods.
#include <optional>
#include <string>
#include <string_view>

namespace cu::ctl {

// `text` as YYYY-MM-DD when it is a real calendar date written YYYYMMDD or YYYY-MM-DD
// (ccusage's --since/--until forms); nullopt otherwise.
std::optional<std::string> parse_date_arg(std::string_view text);

// `date` (YYYY-MM-DD) moved by `days` (may be negative).
std::string add_days(std::string_view date, int days);

// 0 = Sunday … 6 = Saturday.
int weekday_of(std::string_view date);

// The first day of the week holding `date`, weeks starting on `start_of_week` (0 = Sunday).
std::string week_start(std::string_view date, int start_of_week);

// "YYYY-MM" of `date`.
std::string month_of(std::string_view date);

// The first day of the month `months` months before the month of `date`.
std::string month_start_before(std::string_view date, int months);

}  // namespace cu::ctl
