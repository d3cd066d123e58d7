#include "http/metrics.h"

#include <map>

#include <fmt/format.h>

#include "core/time.h"

namespace cu::http {
namespace {

using Json = nlohmann::json;

// A label value as the text format wants it: backslash, double quote and newline escaped.
std::string label_value(std::string_view text) {
  std::string escaped;
  for (const char c : text) {
    if (c == '\\' || c == '"') escaped += '\\';
    if (c == '\n') {
      escaped += "\\n";
      continue;
    }
    escaped += c;
  }
  return escaped;
}

// A sample's value: integers as they are, other numbers in the shortest form that reads back.
std::string number(double value) { return fmt::format("{}", value); }
std::string number(std::int64_t value) { return fmt::format("{}", value); }

void family(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

std::int64_t int_of(const Json& status, const char* key) {
  const auto it = status.find(key);
  return it != status.end() && it->is_number_integer() ? it->get<std::int64_t>() : 0;
}

}  // namespace

MetricsData metrics_data_of(ReportSource& source, const nlohmann::json& status) {
  MetricsData data;
  std::map<std::string, ModelUsageTotals> models;
  for (const ModelDailyRow& row : source.model_daily(ReportFilter{})) {
    ModelUsageTotals& totals = models.try_emplace(row.model, ModelUsageTotals{row.model, {}, 0}).first->second;
    totals.tokens += row.tokens;
    totals.cost_usd += row.cost_usd;
  }
  for (auto& [name, totals] : models) data.models.push_back(std::move(totals));
  data.sessions = static_cast<std::int64_t>(source.sessions(ReportFilter{}).size());
  data.events = int_of(status, "events");
  data.backlog_events = int_of(status, "backlog_events");
  data.store_failures = int_of(status, "store_failures");
  if (const auto last = status.find("last_event"); last != status.end() && last->is_string()) {
    std::int64_t ms = 0;
    if (parse_timestamp_ms(last->get<std::string>(), ms)) data.last_event_seconds = static_cast<double>(ms) / 1000.0;
  }
  if (const auto skipped = status.find("skipped_lines"); skipped != status.end() && skipped->is_object()) {
    for (const auto& [reason, count] : skipped->items()) {
      if (count.is_number_integer()) data.skipped_lines.emplace_back(reason, count.get<std::int64_t>());
    }
  }
  for (const RateLimitSnapshot& reading : source.latest_rate_limits()) {
    data.rate_limit_used_ratio.emplace_back(std::string(to_string(reading.window)), reading.used_percentage / 100.0);
  }
  std::sort(data.rate_limit_used_ratio.begin(), data.rate_limit_used_ratio.end());
  return data;
}

std::string render_metrics(const MetricsData& data) {
  std::string out;
  family(out, "claude_code_token_usage_tokens_total", "counter", "Number of tokens used, by type and model.");
  for (const ModelUsageTotals& model : data.models) {
    const std::string name = label_value(model.model);
    for (const auto& [type, tokens] : {std::pair<const char*, std::int64_t>{"input", model.tokens.input},
                                       {"output", model.tokens.output},
                                       {"cacheRead", model.tokens.cache_read},
                                       {"cacheCreation", model.tokens.cache_creation}}) {
      out += fmt::format("claude_code_token_usage_tokens_total{{model=\"{}\",type=\"{}\"}} {}\n", name, type, number(tokens));
    }
  }
  family(out, "claude_code_cost_usage_USD_total", "counter", "Cost of the usage in US dollars, by model.");
  for (const ModelUsageTotals& model : data.models) {
    out += fmt::format("claude_code_cost_usage_USD_total{{model=\"{}\"}} {}\n", label_value(model.model),
                       number(model.cost_usd));
  }
  family(out, "claude_code_session_count_total", "counter", "Number of sessions with usage.");
  out += fmt::format("claude_code_session_count_total {}\n", number(data.sessions));
  family(out, "claude_usaged_events_total", "counter", "Usage events kept in the database.");
  out += fmt::format("claude_usaged_events_total {}\n", number(data.events));
  family(out, "claude_usaged_backlog_events", "gauge", "Changes waiting in SQLite for PostgreSQL.");
  out += fmt::format("claude_usaged_backlog_events {}\n", number(data.backlog_events));
  if (data.last_event_seconds) {
    family(out, "claude_usaged_last_event_timestamp_seconds", "gauge", "When the newest usage event happened.");
    out += fmt::format("claude_usaged_last_event_timestamp_seconds {}\n", number(*data.last_event_seconds));
  }
  family(out, "claude_usaged_store_failures_total", "counter", "Commits to the database that failed.");
  out += fmt::format("claude_usaged_store_failures_total {}\n", number(data.store_failures));
  family(out, "claude_usaged_skipped_lines_total", "counter", "Log lines skipped, by reason.");
  for (const auto& [reason, count] : data.skipped_lines) {
    out += fmt::format("claude_usaged_skipped_lines_total{{reason=\"{}\"}} {}\n", label_value(reason), number(count));
  }
  family(out, "claude_usaged_rate_limit_used_ratio", "gauge",
         "The latest official rate-limit reading of each window, as a fraction of the limit.");
  for (const auto& [window, ratio] : data.rate_limit_used_ratio) {
    out += fmt::format("claude_usaged_rate_limit_used_ratio{{window=\"{}\"}} {}\n", label_value(window), number(ratio));
  }
  return out;
}

}  // namespace cu::http
