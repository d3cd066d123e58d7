#include "ctl/store_report_source.h"

#include <map>

#include "rollup/calendar.h"
#include "rollup/model_daily.h"
#include "rollup/summaries.h"
#include "rollup/usage_blocks.h"

namespace cu {
namespace {

// Bounds for "no bound": before and after any Claude Code log.
constexpr std::int64_t kEarliestMs = 0;               // 1970-01-01
constexpr std::int64_t kLatestMs = 4102444800000LL;   // 2100-01-01

}  // namespace

std::map<std::string, std::vector<UsageEvent>> StoreReportSource::project_events_by_day(
    const ReportFilter& filter) {
  const std::int64_t from = filter.since ? calendar_->day_range_ms(*filter.since).first : kEarliestMs;
  const std::int64_t to = filter.until ? calendar_->day_range_ms(*filter.until).second : kLatestMs;
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

std::vector<SessionRow> StoreReportSource::sessions(const ReportFilter& filter) {
  return store_->sessions(filter, calendar_);
}

std::vector<SessionModelRow> StoreReportSource::session_models(const ReportFilter& filter) {
  return store_->session_models(filter, calendar_);
}

std::vector<UsageBlock> StoreReportSource::blocks(const ReportFilter& filter, std::int64_t now_ms) {
  std::vector<UsageBlock> blocks = store_->usage_blocks(filter, calendar_);
  for (UsageBlock& block : blocks) block.is_active = block_is_active(block, block_length_, now_ms);
  return blocks;
}

}  // namespace cu
