#include "ctl/report_printers.h"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <vector>

#include <fmt/format.h>

#include "core/time.h"
#include "ctl/json_fields.h"
#include "ctl/text_format.h"
#include "ctl/text_table.h"

namespace cu::ctl {
namespace {

using Json = nlohmann::json;

constexpr std::size_t kChartWidth = 40;

std::string model_lines(const Json& models) {
  std::vector<std::string> names;
  for (const Json& model : models) {
    if (model.is_string()) names.push_back("- " + short_model_name(model.get<std::string>()));
  }
  std::sort(names.begin(), names.end());
  std::string text;
  for (const std::string& name : names) text += (text.empty() ? "" : "\n") + name;
  return text;
}

std::vector<TableColumn> usage_columns(std::string first, bool with_models) {
  std::vector<TableColumn> columns{{std::move(first), Align::kLeft}};
  if (with_models) columns.push_back({"Models", Align::kLeft});
  for (const char* header : {"Input", "Output", "Cache Create", "Cache Read", "Total Tokens", "Cost (USD)"}) {
    columns.push_back({header, Align::kRight});
  }
  return columns;
}

// The four token counts, their total and the cost of a ccusage row or totals object.
std::vector<std::string> usage_cells(const Json& row, std::string_view cost_key) {
  const std::int64_t input = int_at(row, "inputTokens");
  const std::int64_t output = int_at(row, "outputTokens");
  const std::int64_t creation = int_at(row, "cacheCreationTokens");
  const std::int64_t read = int_at(row, "cacheReadTokens");
  return {format_number(input), format_number(output), format_number(creation), format_number(read),
          format_number(input + output + creation + read), format_currency(number_at(row, cost_key))};
}

std::vector<std::string> joined(std::vector<std::string> head, const std::vector<std::string>& tail) {
  head.insert(head.end(), tail.begin(), tail.end());
  return head;
}

// The rows under a row: one per model with --breakdown, one per agent (agentBreakdowns) with
// --breakdown subagent; `blank` empty cells between the name and the figures.
void add_breakdown_rows(TextTable& table, const Json& row, const CommandArgs& args, std::size_t blank) {
  const auto add = [&](std::string name, const Json& figures) {
    std::vector<std::string> head{"  └─ " + std::move(name)};
    head.resize(1 + blank);
    table.add_row(joined(std::move(head), usage_cells(figures, "cost")), Colour::kDim);
  };
  if (args.breakdown) {
    for (const Json& model : list_at(row, "modelBreakdowns")) add(short_model_name(text_at(model, "modelName")), model);
  }
  if (args.by_subagent) {
    for (const Json& agent : list_at(row, "agentBreakdowns")) add(text_at(agent, "agent"), agent);
  }
}

void add_usage_row(TextTable& table, const Json& row, std::string_view key_name, const CommandArgs& args) {
  table.add_row(joined({text_at(row, key_name), model_lines(at(row, "modelsUsed"))}, usage_cells(row, "totalCost")));
  add_breakdown_rows(table, row, args, 1);
}

// ccusage's --compact: Date, Models, Input, Output and Cost only.
std::string rendered(TextTable& table, const PrintContext& context) {
  if (context.compact) table.drop_columns({"Cache Create", "Cache Read", "Total Tokens"});
  return table.render(context.colour);
}

// A project folder as tables show it: its --project-aliases name, if any.
std::string project_name(const std::string& folder, const PrintContext& context) {
  const auto alias = context.project_aliases.find(folder);
  return alias != context.project_aliases.end() ? alias->second : folder;
}

void print_title(std::string_view title, const PrintContext& context, std::ostream& out) {
  out << paint(title, Colour::kBold, context.colour) << "\n\n";
}

void print_period_table(const Json& data, std::string_view list_key, std::string_view key_name,
                        std::string_view header, const CommandArgs& args, const PrintContext& context,
                        std::ostream& out) {
  const Json& rows = list_at(data, list_key);
  if (rows.empty()) {
    out << "No usage data found.\n";
    return;
  }
  print_title(fmt::format("Claude Code token usage - {}", list_key), context, out);
  TextTable table(usage_columns(std::string(header), true));
  for (const Json& row : rows) add_usage_row(table, row, key_name, args);
  table.add_row(joined({"Total", ""}, usage_cells(at(data, "totals"), "totalCost")), Colour::kYellow);
  out << rendered(table, context);
}

// daily --instances (`projects`) or --by-group (`groups`): a heading row per project or group.
void print_daily_by(const Json& data, bool by_group, const CommandArgs& args, const PrintContext& context,
                    std::ostream& out) {
  const Json& lists = at(data, by_group ? "groups" : "projects");
  if (!lists.is_object() || lists.empty()) {
    out << "No usage data found.\n";
    return;
  }
  print_title(by_group ? "Claude Code token usage - daily, by project group" : "Claude Code token usage - daily, by project",
              context, out);
  TextTable table(usage_columns("Date", true));
  for (const auto& [name, rows] : lists.items()) {
    table.add_row({by_group ? "Group: " + name : "Project: " + project_name(name, context)}, Colour::kCyan);
    for (const Json& row : rows) add_usage_row(table, row, "date", args);
  }
  table.add_row(joined({"Total", ""}, usage_cells(at(data, "totals"), "totalCost")), Colour::kYellow);
  out << rendered(table, context);
}

// Rows of every project (or group) merged by date, for a chart of `daily --instances`.
Json rows_by_date(const Json& projects) {
  std::map<std::string, double> cost;
  for (const auto& [project, rows] : projects.items()) {
    for (const Json& row : rows) cost[text_at(row, "date")] += number_at(row, "totalCost");
  }
  Json merged = Json::array();
  for (const auto& [date, usd] : cost) merged.push_back({{"date", date}, {"totalCost", usd}});
  return merged;
}

std::string bar(double share) {
  static constexpr std::string_view kEighths[] = {"", "▏", "▎", "▍", "▌", "▋", "▊", "▉"};
  const auto eighths = static_cast<std::size_t>(std::lround(std::clamp(share, 0.0, 1.0) * kChartWidth * 8));
  std::string text;
  for (std::size_t i = 0; i < eighths / 8; ++i) text += "█";
  return text + std::string(kEighths[eighths % 8]);
}

std::string block_duration(const Json& block, const PrintContext& context) {
  const std::int64_t start = time_at(block, "startTime");
  if (at(block, "isGap").is_boolean() && at(block, "isGap").get<bool>()) {
    const double hours = static_cast<double>(time_at(block, "endTime") - start) / 3'600'000.0;
    return paint(fmt::format("({}h gap)", std::llround(hours)), Colour::kDim, context.colour);
  }
  const std::int64_t minutes = (time_at(block, "actualEndTime") - start) / 60'000;
  if (!at(block, "isActive").is_boolean() || !at(block, "isActive").get<bool>()) return format_minutes(minutes);
  const std::int64_t left = int_at(at(block, "projection"), "remainingMinutes");
  return paint("ACTIVE", Colour::kGreen, context.colour) + fmt::format(" ({} left)", format_minutes(left));
}

// The limit the blocks' % column is relative to: the one the daemon resolved for the active
// block, else the number given.
std::int64_t shown_limit(const Json& blocks, const CommandArgs& args) {
  for (const Json& block : blocks) {
    if (const std::int64_t limit = int_at(at(block, "tokenLimitStatus"), "limit")) return limit;
  }
  return args.token_limit && !args.token_limit->use_max ? args.token_limit->tokens : 0;
}

std::string percent_of(std::int64_t tokens, std::int64_t limit) {
  return fmt::format("{:.1f}%", static_cast<double>(tokens) * 100 / static_cast<double>(limit));
}

void add_block_rows(TextTable& table, const Json& block, std::int64_t limit, const PrintContext& context) {
  const bool gap = at(block, "isGap").is_boolean() && at(block, "isGap").get<bool>();
  const std::int64_t tokens = int_at(block, "totalTokens");
  std::vector<std::string> cells{format_local_minute(time_at(block, "startTime"), context.zone),
                                 block_duration(block, context), gap ? "-" : model_lines(at(block, "models")),
                                 gap ? "-" : format_number(tokens)};
  if (limit > 0) cells.push_back(gap ? "-" : percent_of(tokens, limit));
  cells.push_back(gap ? "-" : format_currency(number_at(block, "costUSD")));
  table.add_row(std::move(cells), gap ? Colour::kDim : Colour::kNone);
  const Json& projection = at(block, "projection");
  if (!projection.is_object()) return;
  std::vector<std::string> projected{"", "PROJECTED", "", format_number(int_at(projection, "totalTokens"))};
  if (limit > 0) projected.push_back(percent_of(int_at(projection, "totalTokens"), limit));
  projected.push_back(format_currency(number_at(projection, "totalCost")));
  table.add_row(std::move(projected), Colour::kYellow);
}

void print_active_block(const Json& block, const PrintContext& context, std::ostream& out) {
  print_title("Current block", context, out);
  const Json& tokens = at(block, "tokenCounts");
  out << fmt::format("Block started:    {}\n", format_local_minute(time_at(block, "startTime"), context.zone))
      << fmt::format("Block ends:       {}\n", format_local_minute(time_at(block, "endTime"), context.zone))
      << fmt::format("Input tokens:     {}\n", format_number(int_at(tokens, "inputTokens")))
      << fmt::format("Output tokens:    {}\n", format_number(int_at(tokens, "outputTokens")))
      << fmt::format("Total tokens:     {}\n", format_number(int_at(block, "totalTokens")))
      << fmt::format("Cost:             {}\n", format_currency(number_at(block, "costUSD")));
  if (const Json& rate = at(block, "burnRate"); rate.is_object()) {
    out << fmt::format("Burn rate:        {} tokens/min, {}/hr\n",
                       format_number(std::llround(number_at(rate, "tokensPerMinute"))),
                       format_currency(number_at(rate, "costPerHour")));
  }
  if (const Json& projection = at(block, "projection"); projection.is_object()) {
    out << fmt::format("Time left:        {}\n", format_minutes(int_at(projection, "remainingMinutes")))
        << fmt::format("Projected:        {} tokens, {}\n", format_number(int_at(projection, "totalTokens")),
                       format_currency(number_at(projection, "totalCost")));
  }
  if (const Json& status = at(block, "tokenLimitStatus"); status.is_object()) {
    out << fmt::format("Token limit:      {} ({:.1f}% projected, {})\n", format_number(int_at(status, "limit")),
                       number_at(status, "percentUsed"), text_at(status, "status"));
  }
}

std::string status_value(const Json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number_integer()) return format_number(value.get<std::int64_t>());
  if (value.is_null()) return "none";
  if (value.is_array() && value.empty()) return "none";
  if (value.is_object()) {
    std::string text;
    for (const auto& [key, item] : value.items()) text += fmt::format("{}{} {}", text.empty() ? "" : ", ", key, status_value(item));
    return text.empty() ? "none" : text;
  }
  if (value.is_array()) {
    std::string text;
    for (const Json& item : value) text += (text.empty() ? "" : ", ") + status_value(item);
    return text;
  }
  return value.dump();
}

// Each root as "path (state)".
std::string roots_value(const Json& roots) {
  if (!roots.is_array()) return status_value(roots);
  std::string text;
  for (const Json& root : roots) {
    text += fmt::format("{}{} ({})", text.empty() ? "" : ", ", text_at(root, "path"), text_at(root, "state"));
  }
  return text.empty() ? "none" : text;
}

// Each unpriced model as "model (N events, T tokens)".
std::string unknown_models_value(const Json& models) {
  if (!models.is_array()) return status_value(models);
  std::string text;
  for (const Json& model : models) {
    text += fmt::format("{}{} ({} events, {} tokens)", text.empty() ? "" : ", ", text_at(model, "model"),
                        format_number(int_at(model, "events")), format_number(int_at(model, "tokens")));
  }
  return text.empty() ? "none" : text;
}

// One status line's value: lists of objects the daemon documents get a reading of their own.
// Official rate-limit readings: "12 recorded, 40 unchanged, 3 windows absent; rejected: malformed 1".
std::string rate_limits_value(const Json& counts) {
  if (!counts.is_object()) return status_value(counts);
  std::string text = fmt::format("{} recorded, {} unchanged, {} windows absent", format_number(int_at(counts, "recorded")),
                                 format_number(int_at(counts, "unchanged")), format_number(int_at(counts, "absent")));
  if (const Json& rejected = at(counts, "rejected"); rejected.is_object() && !rejected.empty()) {
    text += "; rejected: " + status_value(rejected);
  }
  if (const std::int64_t failures = int_at(counts, "write_failures"); failures > 0) {
    text += fmt::format("; {} not written ({})", format_number(failures), text_at(counts, "last_error"));
  }
  return text;
}

std::string status_line_value(std::string_view key, const Json& value) {
  if (key == "roots") return roots_value(value);
  if (key == "rate_limits") return rate_limits_value(value);
  if (key == "unknown_models") return unknown_models_value(value);
  return status_value(value);
}

}  // namespace

void print_daily(const nlohmann::json& data, const CommandArgs& args, const PrintContext& context, std::ostream& out) {
  const bool by_group = at(data, "groups").is_object();
  const bool by_project = at(data, "projects").is_object();
  if (args.chart) {
    const Json rows = by_group     ? rows_by_date(at(data, "groups"))
                      : by_project ? rows_by_date(at(data, "projects"))
                                   : list_at(data, "daily");
    out << cost_chart(rows, "date", context.colour);
    return;
  }
  if (by_group || by_project) {
    print_daily_by(data, by_group, args, context, out);
    return;
  }
  print_period_table(data, "daily", "date", "Date", args, context, out);
}

void print_weekly(const nlohmann::json& data, const CommandArgs& args, const PrintContext& context, std::ostream& out) {
  print_period_table(data, "weekly", "week", "Week", args, context, out);
}

void print_monthly(const nlohmann::json& data, const CommandArgs& args, const PrintContext& context,
                   std::ostream& out) {
  print_period_table(data, "monthly", "month", "Month", args, context, out);
}

void print_hourly(const nlohmann::json& data, const CommandArgs& args, const PrintContext& context, std::ostream& out) {
  print_period_table(data, "hourly", "hour", "Hour", args, context, out);
}

void print_session(const nlohmann::json& data, const CommandArgs& args, const PrintContext& context,
                   std::ostream& out) {
  if (args.session_id) {  // session --id, as ccusage prints it
    if (data.is_null()) {
      out << fmt::format("No session found with ID: {}\n", *args.session_id);
      return;
    }
    out << paint(fmt::format("Claude Code Session Usage - {}", text_at(data, "sessionId")), Colour::kBold, context.colour)
        << fmt::format("\nTotal Cost: {}\nTotal Tokens: {}\nTotal Entries: {}\n",
                       format_currency(number_at(data, "totalCost")), format_number(int_at(data, "totalTokens")),
                       list_at(data, "entries").size());
    return;
  }
  const Json& sessions = list_at(data, "sessions");
  if (sessions.empty()) {
    out << "No usage data found.\n";
    return;
  }
  print_title("Claude Code token usage - sessions", context, out);
  std::vector<TableColumn> columns = usage_columns("Session", true);
  columns.insert(columns.begin() + 1, {"Project", Align::kLeft});
  columns.push_back({"Last Activity", Align::kLeft});
  TextTable table(std::move(columns));
  for (const Json& session : sessions) {
    std::vector<std::string> cells = joined(
        {text_at(session, "sessionId"), project_name(text_at(session, "projectPath"), context),
         model_lines(at(session, "modelsUsed"))},
        usage_cells(session, "totalCost"));
    cells.push_back(format_local_minute(time_at(session, "lastActivity"), context.zone));
    table.add_row(std::move(cells));
    add_breakdown_rows(table, session, args, 2);
  }
  table.add_row(joined({"Total", "", ""}, usage_cells(at(data, "totals"), "totalCost")), Colour::kYellow);
  out << rendered(table, context);
}

void print_blocks(const nlohmann::json& data, const CommandArgs& args, const PrintContext& context, std::ostream& out) {
  const Json& blocks = list_at(data, "blocks");
  if (blocks.empty()) {
    out << (args.active ? "No active block.\n" : "No usage data found.\n");
    return;
  }
  if (args.active && blocks.size() == 1) {
    print_active_block(blocks.front(), context, out);
    return;
  }
  const std::int64_t limit = shown_limit(blocks, args);
  std::vector<TableColumn> columns{
      {"Block Start", Align::kLeft}, {"Duration/Status", Align::kLeft}, {"Models", Align::kLeft}, {"Tokens", Align::kRight}};
  if (limit > 0) columns.push_back({"%", Align::kRight});
  columns.push_back({"Cost", Align::kRight});
  print_title("Claude Code token usage - blocks", context, out);
  TextTable table(std::move(columns));
  for (const Json& block : blocks) add_block_rows(table, block, limit, context);
  out << rendered(table, context);
}

void print_status(const nlohmann::json& data, const CommandArgs&, const PrintContext& context, std::ostream& out) {
  static constexpr std::pair<std::string_view, std::string_view> kLabels[] = {
      {"version", "version"},         {"pid", "pid"},
      {"uptime_s", "uptime (s)"},     {"state", "state"},
      {"backfill", "backfill"},       {"backend", "backend"},
      {"backlog_events", "backlog"},  {"watch_mode", "watch mode"},
      {"files_watched", "files watched"}, {"events", "events"},
      {"parse_errors", "parse errors"}, {"skipped_lines", "skipped lines"},
      {"unknown_models", "unknown models"}, {"store_failures", "store failures"},
      {"last_store_error", "store error"}, {"last_event", "last event"},
      {"roots", "roots"},             {"rate_limits", "rate limits"},
  };
  print_title("claude-usaged", context, out);
  for (const auto& [key, label] : kLabels) {
    if (data.is_object() && data.contains(key)) {
      out << fmt::format("{:<16}{}\n", std::string(label) + ":", status_line_value(key, at(data, key)));
    }
  }
  if (!data.is_object()) return;
  for (const auto& item : data.items()) {
    const std::string& name = item.key();
    const bool known = std::any_of(std::begin(kLabels), std::end(kLabels), [&](const auto& l) { return l.first == name; });
    if (!known) out << fmt::format("{:<16}{}\n", name + ":", status_value(item.value()));
  }
}

void print_web(const nlohmann::json& data, const CommandArgs& args, const PrintContext&, std::ostream& out) {
  const std::string url = text_at(data, "url");
  out << url << "\n";
  if (!args.open) return;
  // xdg-open with the URL as its one argument: no shell, so nothing in the URL is interpreted.
  std::string program = "xdg-open";
  std::string argument = url;
  char* const argv[] = {program.data(), argument.data(), nullptr};
  pid_t pid = 0;
  if (::posix_spawnp(&pid, "xdg-open", nullptr, nullptr, argv, environ) != 0) {
    out << "could not run xdg-open; open the URL above in a browser\n";
    return;
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) out << "xdg-open failed; open the URL above in a browser\n";
}

void print_action(const nlohmann::json& data, const CommandArgs&, const PrintContext&, std::ostream& out) {
  const std::string message = text_at(data, "message");
  out << (message.empty() ? "done" : message) << "\n";
}

void print_statusline(const nlohmann::json& data, const CommandArgs& args, const PrintContext& context,
                      std::ostream& out) {
  out << statusline_text(data, context.hook, args.visual_burn_rate, context.colour) << "\n";
}

std::string cost_chart(const nlohmann::json& rows, std::string_view key_name, bool colour) {
  if (!rows.is_array() || rows.empty()) return "No usage data found.\n";
  double top = 0;
  std::size_t key_width = 0;
  for (const Json& row : rows) {
    top = std::max(top, number_at(row, "totalCost"));
    key_width = std::max(key_width, display_width(text_at(row, key_name)));
  }
  std::string text;
  for (const Json& row : rows) {
    const double cost = number_at(row, "totalCost");
    const std::string key = text_at(row, key_name);
    text += fmt::format("{}{} │{} {}\n", key, std::string(key_width - display_width(key), ' '),
                        paint(bar(top > 0 ? cost / top : 0), Colour::kCyan, colour), format_currency(cost));
  }
  return text;
}

}  // namespace cu::ctl
