#include "ctl/csv_printers.h"

#include <vector>

#include <fmt/format.h>

#include "ctl/json_fields.h"

namespace cu::ctl {
namespace {

using Json = nlohmann::json;
using Columns = std::vector<std::string_view>;

constexpr std::string_view kTokenColumns[] = {"inputTokens", "outputTokens", "cacheCreationTokens",
                                              "cacheReadTokens"};

// A JSON value as one cell: strings as they are, numbers in JSON's spelling (the shortest that
// reads back the same), lists of names joined by ';', null empty.
std::string cell_text(const Json& value) {
  if (value.is_null()) return {};
  if (value.is_string()) return value.get<std::string>();
  if (value.is_array()) {
    std::string joined;
    for (const Json& item : value) {
      if (!joined.empty()) joined += ';';
      joined += cell_text(item);
    }
    return joined;
  }
  return value.dump();
}

// The header, then `rows` (flat objects) cell by cell in `columns` order. Lines end with '\n'.
void write_csv(const Columns& columns, const std::vector<Json>& rows, std::ostream& out) {
  const auto write_line = [&out, &columns](const auto& cell_of) {
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (i > 0) out << ',';
      out << csv_field(cell_of(columns[i]));
    }
    out << '\n';
  };
  write_line([](std::string_view column) { return std::string(column); });
  for (const Json& row : rows) write_line([&row](std::string_view column) { return cell_text(at(row, column)); });
}

Columns with(Columns head, std::initializer_list<std::string_view> tail) {
  for (const auto column : tail) head.push_back(column);
  return head;
}

Columns token_columns(Columns head) {
  for (const auto column : kTokenColumns) head.push_back(column);
  return head;
}

// `labels` (the row's key fields) followed by one model's (modelBreakdowns) or agent's
// (agentBreakdowns) figures, named under `name_key`.
Json breakdown_line(const Json& labels, const Json& model, std::string_view name_key) {
  Json line = labels;
  line[std::string(name_key)] = at(model, name_key == "model" ? "modelName" : "agent");
  std::int64_t total = 0;
  for (const auto key : kTokenColumns) {
    line[std::string(key)] = int_at(model, key);
    total += int_at(model, key);
  }
  line["totalTokens"] = total;
  line["totalCost"] = at(model, "cost");
  return line;
}

// What a line stands for: a row, a row and model (--breakdown), a row and agent (--breakdown subagent).
enum class LineKind { kRow, kModel, kAgent };

LineKind line_kind(const CommandArgs& args) {
  return args.by_subagent ? LineKind::kAgent : args.breakdown ? LineKind::kModel : LineKind::kRow;
}

std::string_view name_column(LineKind kind) {
  return kind == LineKind::kAgent ? "agent" : kind == LineKind::kModel ? "model" : "modelsUsed";
}

// Rows as lines, or a line per row and model or agent, labelled by the row's `label_keys`.
std::vector<Json> lines_of(const Json& rows, const Columns& label_keys, LineKind kind) {
  std::vector<Json> lines;
  for (const Json& row : rows) {
    if (kind == LineKind::kRow) {
      lines.push_back(row);
      continue;
    }
    Json labels = Json::object();
    for (const auto key : label_keys) labels[std::string(key)] = at(row, key);
    const char* list = kind == LineKind::kAgent ? "agentBreakdowns" : "modelBreakdowns";
    for (const Json& part : list_at(row, list)) lines.push_back(breakdown_line(labels, part, name_column(kind)));
  }
  return lines;
}

void csv_period(const Json& data, std::string_view list_key, std::string_view key_name, const CommandArgs& args,
                std::ostream& out) {
  Json rows = list_at(data, list_key);
  const bool by_project = at(data, "projects").is_object();
  const bool by_group = at(data, "groups").is_object();
  if (by_project || by_group) {  // daily --instances or --by-group: every list's days, list by list
    rows = Json::array();
    for (const auto& [name, days] : at(data, by_group ? "groups" : "projects").items()) {
      for (const Json& day : days) rows.push_back(day);
    }
  }
  Columns labels{key_name};
  if (by_group) labels.push_back("group");
  if (by_project || args.project) labels.push_back("project");
  const Columns columns = with(token_columns(with(labels, {name_column(line_kind(args))})), {"totalTokens", "totalCost"});
  write_csv(columns, lines_of(rows, labels, line_kind(args)), out);
}

// session --id: the session's entries.
void csv_session_entries(const Json& data, const CommandArgs& args, std::ostream& out) {
  Columns columns = with(token_columns({"timestamp", "model"}), {"costUSD"});
  if (args.by_subagent) columns.push_back("agent");
  write_csv(columns, list_at(data, "entries").get<std::vector<Json>>(), out);
}

}  // namespace

std::string csv_field(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string quoted(1, '"');
  for (const char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

void csv_daily(const nlohmann::json& data, const CommandArgs& args, std::ostream& out) {
  csv_period(data, "daily", "date", args, out);
}

void csv_weekly(const nlohmann::json& data, const CommandArgs& args, std::ostream& out) {
  csv_period(data, "weekly", "week", args, out);
}

void csv_monthly(const nlohmann::json& data, const CommandArgs& args, std::ostream& out) {
  csv_period(data, "monthly", "month", args, out);
}

void csv_hourly(const nlohmann::json& data, const CommandArgs& args, std::ostream& out) {
  csv_period(data, "hourly", "hour", args, out);
}

void csv_session(const nlohmann::json& data, const CommandArgs& args, std::ostream& out) {
  if (args.session_id) {
    csv_session_entries(data, args, out);
    return;
  }
  const Columns labels{"sessionId", "projectPath", "lastActivity"};
  const Columns columns = with(token_columns(with(labels, {name_column(line_kind(args))})), {"totalTokens", "totalCost"});
  write_csv(columns, lines_of(list_at(data, "sessions"), labels, line_kind(args)), out);
}

void csv_blocks(const nlohmann::json& data, const CommandArgs&, std::ostream& out) {
  std::vector<Json> lines;
  for (const Json& block : list_at(data, "blocks")) {
    Json line = block;
    for (const auto& [key, value] : at(block, "tokenCounts").items()) line[key] = value;
    lines.push_back(std::move(line));
  }
  const Columns columns{"id",           "startTime",    "endTime",
                        "actualEndTime", "isActive",     "isGap",
                        "entries",       "inputTokens",  "outputTokens",
                        "cacheCreationInputTokens", "cacheReadInputTokens", "totalTokens",
                        "costUSD",       "models"};
  write_csv(columns, lines, out);
}

}  // namespace cu::ctl
