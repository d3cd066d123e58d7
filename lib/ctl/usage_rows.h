#pragma once
// The rows of the daily, weekly and monthly reports before they become ccusage's JSON: a period's
// token totals, cost and per-model split.
#include <algorithm>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "ctl/command_args.h"
#include "ctl/report_source.h"
#include "rollup/agents.h"
#include "rollup/rows.h"

namespace cu::ctl {

struct ModelUsage {
  std::string model;
  TokenTotals tokens;
  double cost_usd = 0;
};

struct PeriodRow {
  std::string key;  // the date, week start or month
  TokenTotals tokens;
  double cost_usd = 0;
  std::vector<std::string> models_used;  // sorted
  std::vector<ModelUsage> models;        // sorted by model name
};

// A models_used list ("a,b") as names; empty parts dropped.
std::vector<std::string> split_models(const std::string& comma_separated);

// One row per day of `days`, with the `models` rows of the same date as its split.
std::vector<PeriodRow> day_rows(std::span<const DailySummaryRow> days, std::span<const ModelDailyRow> models);

// `rows` (ascending keys) merged into one row per period_of(key), in ascending period order.
// Costs are summed in the order of `rows`.
std::vector<PeriodRow> merge_periods(std::span<const PeriodRow> rows,
                                     const std::function<std::string(std::string_view)>& period_of);

// ccusage's "modelBreakdowns": one object per model, the costliest first (ties by name).
nlohmann::json model_breakdowns_json(std::span<const ModelUsage> models);

// "agentBreakdowns": per agent (rollup/agents.h) {agent, inputTokens, outputTokens,
// cacheCreationTokens, cacheReadTokens, totalTokens, cost, requests}, the costliest first.
nlohmann::json agent_breakdowns_json(std::span<const AgentUsage> agents);

// The agent breakdown of `events` (subagent types from `source`) as agent_breakdowns_json.
nlohmann::json agent_breakdowns_of(std::span<const UsageEvent> events, ReportSource& source);

// Throws ProtocolError(kInvalidArgs) when `args` ask for a subagent breakdown, which only daily and
// session offer.
void reject_subagent_breakdown(const CommandArgs& args);

// The input/output/cache/total token keys ccusage's daily, weekly, monthly and session rows carry.
void put_token_fields(nlohmann::json& object, const TokenTotals& tokens);

// A period row as ccusage prints it, the period under `key_name` ("date", "week", "month").
nlohmann::json period_row_json(const PeriodRow& row, std::string_view key_name);

// Sums rows for a report's "totals" object; costs in the order added, starting from -0.0 like
// ccusage (an empty report's totalCost prints as -0.0).
class ReportTotals {
 public:
  void add(const TokenTotals& tokens, double cost_usd);
  nlohmann::json json() const;

 private:
  TokenTotals tokens_;
  double cost_usd_ = -0.0;
};

// `rows` reversed for SortOrder::kDesc.
template <typename Row>
void apply_order(std::vector<Row>& rows, bool descending) {
  if (descending) std::reverse(rows.begin(), rows.end());
}

}  // namespace cu::ctl
