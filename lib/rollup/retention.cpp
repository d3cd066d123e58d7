#include "rollup/retention.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <stdexcept>

#include <date/date.h>
#include <fmt/format.h>

namespace cu {
namespace {

// A YYYY-MM-DD date; throws std::invalid_argument for anything else.
date::year_month_day day_of(std::string_view text) {
  int y = 0;
  unsigned m = 0;
  unsigned d = 0;
  if (text.size() != 10 || std::sscanf(std::string(text).c_str(), "%d-%u-%u", &y, &m, &d) != 3 ||
      !(date::year{y} / date::month{m} / date::day{d}).ok()) {
    throw std::invalid_argument(fmt::format("bad date '{}'", text));
  }
  return date::year{y} / date::month{m} / date::day{d};
}

date::year_month month_of(std::string_view text) {
  const date::year_month_day day = day_of(text);
  return day.year() / day.month();
}

std::string first_day(date::year_month month) {
  return fmt::format("{:04}-{:02}-01", static_cast<int>(month.year()), static_cast<unsigned>(month.month()));
}

}  // namespace

std::string retention_cutoff(std::string_view today, int months) {
  if (months < 1) throw std::invalid_argument("retention keeps at least one month");
  return first_day(month_of(today) - date::months{months});
}

std::string next_day(std::string_view date) {
  const date::year_month_day day(date::sys_days(day_of(date)) + date::days{1});
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(day.year()), static_cast<unsigned>(day.month()),
                     static_cast<unsigned>(day.day()));
}

std::vector<std::string> freeze_steps(const std::optional<std::string>& frozen_before, const std::string& target) {
  std::vector<std::string> steps;
  if (!frozen_before || *frozen_before >= target) return steps;
  for (std::string step = next_day(*frozen_before); step <= target; step = next_day(step)) steps.push_back(step);
  return steps;
}

std::int64_t drop_before_ms(std::int64_t cutoff_ms, std::span<const UsageBlock> blocks) {
  std::int64_t drop = cutoff_ms;
  for (const UsageBlock& block : blocks) {
    if (!block.is_gap && block.start_ms < cutoff_ms && block.end_ms > cutoff_ms) drop = std::min(drop, block.start_ms);
  }
  return drop;
}

SessionParts merge_session(const SessionParts& frozen, const SessionParts& live) {
  if (!frozen.session) return live;
  SessionParts merged;
  SessionRow& row = merged.session.emplace(live.session ? *live.session : *frozen.session);
  if (live.session) {
    const SessionRow& old_part = *frozen.session;
    const SessionRow& new_part = *live.session;
    row.session_start_ms = std::min(old_part.session_start_ms, new_part.session_start_ms);
    row.session_end_ms = std::max(old_part.session_end_ms, new_part.session_end_ms);
    row.tokens = old_part.tokens;
    row.tokens += new_part.tokens;
    row.cost_usd = old_part.cost_usd + new_part.cost_usd;
    row.message_count = old_part.message_count + new_part.message_count;
    // summarize_session names the project after the latest event with a working directory, and
    // after the project folder when none has one.
    const bool new_part_named = new_part.project_name != new_part.project_path;
    const bool old_part_named = old_part.project_name != old_part.project_path;
    const bool new_part_later = new_part.session_end_ms >= old_part.session_end_ms;
    if (old_part_named && (!new_part_named || !new_part_later)) row.project_name = old_part.project_name;
  }
  std::map<std::string, ModelDailyRow> models;
  for (const auto* part : {&frozen.models, &live.models}) {
    for (const ModelDailyRow& model : *part) {
      auto [it, fresh] = models.try_emplace(model.model, model);
      if (fresh) continue;
      it->second.tokens += model.tokens;
      it->second.cost_usd += model.cost_usd;
      it->second.request_count += model.request_count;
    }
  }
  // As summarize_session: the costliest model, ties to the name sorting first.
  double best_cost = -1;
  row.model_name.clear();
  for (auto& [name, model] : models) {
    if (model.cost_usd > best_cost) {
      best_cost = model.cost_usd;
      row.model_name = name;
    }
    merged.models.push_back(std::move(model));
  }
  const std::int64_t cache_base = row.tokens.input + row.tokens.cache_creation + row.tokens.cache_read;
  row.efficiency_score =
      cache_base == 0 ? 0.0 : static_cast<double>(row.tokens.cache_read) / static_cast<double>(cache_base);
  return merged;
}

}  // namespace cu
