#pragma once
// The CLI's --csv output of the reports: one header line, then one line per row of the command's
// JSON data (what the daemon sent), for spreadsheets and scripts. Columns are the JSON's own key
// names; with --breakdown, one line per row and model. No totals line: a consumer sums. daily
// --instances and --by-group add a project or group column.
#include <ostream>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "ctl/command_args.h"

namespace cu::ctl {

void csv_daily(const nlohmann::json& data, const CommandArgs& args, std::ostream& out);
void csv_weekly(const nlohmann::json& data, const CommandArgs& args, std::ostream& out);
void csv_monthly(const nlohmann::json& data, const CommandArgs& args, std::ostream& out);
void csv_hourly(const nlohmann::json& data, const CommandArgs& args, std::ostream& out);
void csv_session(const nlohmann::json& data, const CommandArgs& args, std::ostream& out);
void csv_blocks(const nlohmann::json& data, const CommandArgs& args, std::ostream& out);

// One CSV field (RFC 4180): quoted when it holds a comma, a double quote, CR or LF; quotes doubled.
std::string csv_field(std::string_view text);

}  // namespace cu::ctl
