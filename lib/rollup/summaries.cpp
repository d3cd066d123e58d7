#include "rollup/summaries.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>
#include <vector>

#include "pricing/price_table.h"
#include "rollup/event_order.h"

namespace cu {
namespace {

std::string join_sorted(const std::set<std::string>& names) {
  std::string joined;
  for (const std::string& name : names) {
    if (!joined.empty()) joined += ',';
    joined += name;
  }
  return joined;
}

std::string basename_of(std::string_view path) {
  while (path.size() > 1 && (path.back() == '/' || path.back() == '\\')) path.remove_suffix(1);
  const std::size_t slash = path.find_last_of("/\\");
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

}  // namespace

void add_tokens(TokenTotals& totals, const UsageEntry& entry) {
  totals.input += entry.tokens.input;
  totals.output += entry.tokens.output;
  totals.cache_creation += entry.tokens.cache_creation;
  totals.cache_read += entry.tokens.cache_read;
}

std::string report_model_of(const UsageEntry& entry) {
  if (entry.model.empty() || entry.model == kSyntheticModel) return {};
  return reported_model(entry);
}

DailySummaryRow summarize_day(std::string date, std::span<const UsageEvent> events) {
  DailySummaryRow row;
  row.date = std::move(date);
  std::set<std::string> models;
  std::set<std::pair<std::string_view, std::string_view>> sessions;
  for (const UsageEvent* event : log_ordered(events)) {
    add_tokens(row.tokens, event->entry);
    row.cost_usd += event->cost_usd;
    sessions.emplace(event->project, event->session_id);
    if (std::string model = report_model_of(event->entry); !model.empty()) models.insert(model);
  }
  row.session_count = static_cast<std::int64_t>(sessions.size());
  row.models_used = join_sorted(models);
  return row;
}

SessionRow summarize_session(std::span<const UsageEvent> events) {
  SessionRow row;
  const auto by_time = time_ordered(events);
  const UsageEvent& first = *by_time.front();
  row.project_path = first.project;
  row.session_id = first.session_id;
  row.session_start_ms = first.entry.timestamp_ms;
  row.session_end_ms = by_time.back()->entry.timestamp_ms;
  const auto ordered = log_ordered(events);
  std::map<std::string, double> cost_by_model;
  for (const UsageEvent* event : ordered) {
    add_tokens(row.tokens, event->entry);
    row.cost_usd += event->cost_usd;
    if (std::string model = report_model_of(event->entry); !model.empty()) {
      cost_by_model[model] += event->cost_usd;
    }
  }
  for (const UsageEvent* event : by_time) {
    if (!event->entry.cwd.empty()) row.project_name = basename_of(event->entry.cwd);
  }
  if (row.project_name.empty()) row.project_name = row.project_path;
  // Ties go to the name sorting first, so the result does not depend on event order.
  double best_cost = -1;
  for (const auto& [model, cost] : cost_by_model) {
    if (cost > best_cost) {
      best_cost = cost;
      row.model_name = model;
    }
  }
  row.message_count = static_cast<std::int64_t>(events.size());
  const std::int64_t cache_base = row.tokens.input + row.tokens.cache_creation + row.tokens.cache_read;
  row.efficiency_score =
      cache_base == 0 ? 0.0 : static_cast<double>(row.tokens.cache_read) / static_cast<double>(cache_base);
  return row;
}

}  // namespace cu
