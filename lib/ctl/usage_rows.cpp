#include "ctl/usage_rows.h"

#include <algorithm>
#include <map>

#include "ctl/protocol.h"

namespace cu::ctl {
namespace {

using Json = nlohmann::json;

void merge_models(PeriodRow& into, const PeriodRow& row) {
  for (const ModelUsage& usage : row.models) {
    auto it = std::find_if(into.models.begin(), into.models.end(),
                           [&](const ModelUsage& m) { return m.model == usage.model; });
    if (it == into.models.end()) {
      into.models.push_back({usage.model, {}, 0});
      it = into.models.end() - 1;
    }
    it->tokens += usage.tokens;
    it->cost_usd += usage.cost_usd;
  }
  for (const std::string& model : row.models_used) {
    if (std::find(into.models_used.begin(), into.models_used.end(), model) == into.models_used.end()) {
      into.models_used.push_back(model);
    }
  }
}

void sort_models(PeriodRow& row) {
  std::sort(row.models_used.begin(), row.models_used.end());
  std::sort(row.models.begin(), row.models.end(),
            [](const ModelUsage& a, const ModelUsage& b) { return a.model < b.model; });
}

}  // namespace

std::vector<std::string> split_models(const std::string& comma_separated) {
  std::vector<std::string> models;
  std::size_t start = 0;
  while (start < comma_separated.size()) {
    const std::size_t end = std::min(comma_separated.find(',', start), comma_separated.size());
    if (end > start) models.push_back(comma_separated.substr(start, end - start));
    start = end + 1;
  }
  std::sort(models.begin(), models.end());
  return models;
}

std::vector<PeriodRow> day_rows(std::span<const DailySummaryRow> days, std::span<const ModelDailyRow> models) {
  std::map<std::string_view, std::vector<const ModelDailyRow*>> models_by_date;
  for (const ModelDailyRow& model : models) models_by_date[model.date].push_back(&model);
  std::vector<PeriodRow> rows;
  rows.reserve(days.size());
  for (const DailySummaryRow& day : days) {
    PeriodRow row{day.date, day.tokens, day.cost_usd, split_models(day.models_used), {}};
    if (const auto it = models_by_date.find(day.date); it != models_by_date.end()) {
      for (const ModelDailyRow* model : it->second) row.models.push_back({model->model, model->tokens, model->cost_usd});
    }
    sort_models(row);
    rows.push_back(std::move(row));
  }
  return rows;
}

std::vector<PeriodRow> merge_periods(std::span<const PeriodRow> rows,
                                     const std::function<std::string(std::string_view)>& period_of) {
  std::map<std::string, PeriodRow> periods;
  for (const PeriodRow& row : rows) {
    const std::string key = period_of(row.key);
    auto [it, inserted] = periods.try_emplace(key);
    PeriodRow& period = it->second;
    if (inserted) {
      period.key = key;
      period.cost_usd = -0.0;
    }
    period.tokens += row.tokens;
    period.cost_usd += row.cost_usd;
    merge_models(period, row);
  }
  std::vector<PeriodRow> merged;
  merged.reserve(periods.size());
  for (auto& [key, period] : periods) {
    sort_models(period);
    merged.push_back(std::move(period));
  }
  return merged;
}

nlohmann::json model_breakdowns_json(std::span<const ModelUsage> models) {
  std::vector<const ModelUsage*> ordered;
  for (const ModelUsage& model : models) ordered.push_back(&model);
  std::stable_sort(ordered.begin(), ordered.end(), [](const ModelUsage* a, const ModelUsage* b) {
    return a->cost_usd != b->cost_usd ? a->cost_usd > b->cost_usd : a->model < b->model;
  });
  Json breakdowns = Json::array();
  for (const ModelUsage* model : ordered) {
    breakdowns.push_back({{"modelName", model->model},
                          {"inputTokens", model->tokens.input},
                          {"outputTokens", model->tokens.output},
                          {"cacheCreationTokens", model->tokens.cache_creation},
                          {"cacheReadTokens", model->tokens.cache_read},
                          {"cost", model->cost_usd}});
  }
  return breakdowns;
}

nlohmann::json agent_breakdowns_json(std::span<const AgentUsage> agents) {
  Json list = Json::array();
  for (const AgentUsage& agent : agents) {
    Json object = Json::object();
    object["agent"] = agent.agent;
    put_token_fields(object, agent.tokens);
    object["cost"] = agent.cost_usd;
    object["requests"] = agent.request_count;
    list.push_back(std::move(object));
  }
  return list;
}

nlohmann::json agent_breakdowns_of(std::span<const UsageEvent> events, ReportSource& source) {
  return agent_breakdowns_json(
      agent_breakdown(events, [&source](std::string_view file) { return source.subagent_type(file); }));
}

void reject_subagent_breakdown(const CommandArgs& args) {
  if (args.by_subagent) {
    throw ProtocolError(ErrorCode::kInvalidArgs, "a subagent breakdown is offered by daily and session only");
  }
}

void put_token_fields(nlohmann::json& object, const TokenTotals& tokens) {
  object["inputTokens"] = tokens.input;
  object["outputTokens"] = tokens.output;
  object["cacheCreationTokens"] = tokens.cache_creation;
  object["cacheReadTokens"] = tokens.cache_read;
  object["totalTokens"] = tokens.total();
}

nlohmann::json period_row_json(const PeriodRow& row, std::string_view key_name) {
  Json object = Json::object();
  object[std::string(key_name)] = row.key;
  put_token_fields(object, row.tokens);
  object["totalCost"] = row.cost_usd;
  object["modelsUsed"] = row.models_used;
  object["modelBreakdowns"] = model_breakdowns_json(row.models);
  return object;
}

void ReportTotals::add(const TokenTotals& tokens, double cost_usd) {
  tokens_ += tokens;
  cost_usd_ += cost_usd;
}

nlohmann::json ReportTotals::json() const {
  Json totals = Json::object();
  put_token_fields(totals, tokens_);
  totals["totalCost"] = cost_usd_;
  return totals;
}

}  // namespace cu::ctl
