#include "rollup/model_daily.h"

#include <map>

#include "rollup/event_order.h"
#include "rollup/summaries.h"

namespace cu {

std::vector<ModelDailyRow> summarize_models_of_day(std::string date, std::span<const UsageEvent> events) {
  std::map<std::string, ModelDailyRow> by_model;
  for (const UsageEvent* event : log_ordered(events)) {
    std::string model = report_model_of(event->entry);
    if (model.empty()) continue;
    ModelDailyRow& row = by_model[model];
    if (row.model.empty()) row.model = std::move(model);
    add_tokens(row.tokens, event->entry);
    row.cost_usd += event->cost_usd;
    ++row.request_count;
  }
  std::vector<ModelDailyRow> rows;
  rows.reserve(by_model.size());
  for (auto& [model, row] : by_model) {
    row.date = date;
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace cu
