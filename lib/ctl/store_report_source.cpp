#include "ctl/store_report_source.h"

#include <algorithm>
#include <map>
#include <tuple>

#include "rollup/calendar.h"
#include "rollup/model_daily.h"
#include "rollup/summaries.h"
#include "rollup/usage_blocks.h"
#include "store/row_codec.h"

namespace cu {
namespace {

// Bounds for "no bound": before and after any Claude Code log.
constexpr std::int64_t kEarliestMs = 0;               // 1970-01-01
constexpr std::int64_t kLatestMs = 4102444800000LL;   // 2100-01-01

}  // namespace

// The instants [from, to) of the filter's local dates; an absent bound is open.
std::pair<std::int64_t, std::int64_t> StoreReportSource::range_ms(const ReportFilter& filter) const {
  const auto [from, to] = date_filter_bounds_ms(filter, calendar_);
  return {from.value_or(kEarliestMs), to.value_or(kLatestMs)};
}

std::map<std::string, std::vector<UsageEvent>> StoreReportSource::project_events_by_day(
    const ReportFilter& filter) {
  const auto [from, to] = range_ms(filter);
  std::map<std::string, std::vector<UsageEvent>> days;
  for (UsageEvent& event : store_->events_between(from, to, *filter.project)) {
    days[calendar_->date_of(event.entry.timestamp_ms)].push_back(std::move(event));
  }
  return days;
}

std::vector<DailySummaryRow> StoreReportSource::daily(const ReportFilter& filter) {
  if (!filter.project) return store_->daily_summaries(filter);
  std::vector<DailySummaryRow> rows;
  for (const auto& [date, events] : project_events_by_day(filter)) rows.push_back(summarize_day(date, events));
  return rows;
}

std::vector<ModelDailyRow> StoreReportSource::model_daily(const ReportFilter& filter) {
  if (!filter.project) return store_->model_daily(filter);
  std::vector<ModelDailyRow> rows;
  for (const auto& [date, events] : project_events_by_day(filter)) {
    for (ModelDailyRow& row : summarize_models_of_day(date, events)) rows.push_back(std::move(row));
  }
  return rows;
}

// With a date range, ccusage's session report sums only the events inside it (and takes first and
// last activity from them), so ranged sessions are computed from usage_events; unranged ones are
// the claude_sessions rows.
std::map<std::pair<std::string, std::string>, std::vector<UsageEvent>> StoreReportSource::ranged_session_events(
    const ReportFilter& filter) {
  const auto [from, to] = range_ms(filter);
  std::map<std::pair<std::string, std::string>, std::vector<UsageEvent>> sessions;
  for (UsageEvent& event : store_->events_between(from, to, filter.project.value_or(""))) {
    if (filter.session_id && event.session_id != *filter.session_id) continue;
    sessions[{event.project, event.session_id}].push_back(std::move(event));
  }
  return sessions;
}

std::vector<SessionRow> StoreReportSource::sessions(const ReportFilter& filter) {
  if (!filter.since && !filter.until) return store_->sessions(filter, calendar_);
  std::vector<SessionRow> rows;
  for (const auto& [key, events] : ranged_session_events(filter)) rows.push_back(summarize_session(events));
  std::sort(rows.begin(), rows.end(), [](const SessionRow& a, const SessionRow& b) {
    return std::tie(a.session_end_ms, a.project_path, a.session_id) <
           std::tie(b.session_end_ms, b.project_path, b.session_id);
  });
  return rows;
}

std::vector<SessionModelRow> StoreReportSource::session_models(const ReportFilter& filter) {
  if (!filter.since && !filter.until) return store_->session_models(filter, calendar_);
  std::vector<SessionModelRow> rows;
  for (const auto& [key, events] : ranged_session_events(filter)) {
    for (const ModelDailyRow& model : summarize_models_of_day({}, events)) {
      rows.push_back(SessionModelRow{key.first, key.second, model.model, model.tokens, model.cost_usd,
                                     model.request_count});
    }
  }
  return rows;
}

std::vector<UsageBlock> StoreReportSource::blocks(const ReportFilter& filter, std::int64_t now_ms) {
  std::vector<UsageBlock> blocks = store_->usage_blocks(filter, calendar_);
  for (UsageBlock& block : blocks) block.is_active = block_is_active(block, block_length_, now_ms);
  return blocks;
}

}  // namespace cu
