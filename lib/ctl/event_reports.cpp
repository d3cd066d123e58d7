#include "ctl/event_reports.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <tuple>
#include <utility>

#include "rollup/model_daily.h"
#include "rollup/summaries.h"
#include "rollup/usage_blocks.h"

namespace cu {
namespace {

using SessionKey = std::pair<std::string, std::string>;

using Period = std::string (Calendar::*)(std::int64_t) const;

// The events grouped by their local date or hour (`period`), in ascending order.
std::map<std::string, std::vector<UsageEvent>> by_period(std::span<const UsageEvent> events, const Calendar& calendar,
                                                         Period period) {
  std::map<std::string, std::vector<UsageEvent>> periods;
  for (const UsageEvent& event : events) periods[(calendar.*period)(event.entry.timestamp_ms)].push_back(event);
  return periods;
}

std::vector<DailySummaryRow> summary_rows_of(std::span<const UsageEvent> events, const Calendar& calendar,
                                             Period period) {
  std::vector<DailySummaryRow> rows;
  for (const auto& [key, group] : by_period(events, calendar, period)) rows.push_back(summarize_day(key, group));
  return rows;
}

std::vector<ModelDailyRow> model_rows_of(std::span<const UsageEvent> events, const Calendar& calendar, Period period) {
  std::vector<ModelDailyRow> rows;
  for (const auto& [key, group] : by_period(events, calendar, period)) {
    for (ModelDailyRow& row : summarize_models_of_day(key, group)) rows.push_back(std::move(row));
  }
  return rows;
}

std::map<SessionKey, std::vector<UsageEvent>> by_session(std::span<const UsageEvent> events) {
  std::map<SessionKey, std::vector<UsageEvent>> sessions;
  for (const UsageEvent& event : events) sessions[{event.project, event.session_id}].push_back(event);
  return sessions;
}

}  // namespace

std::vector<DailySummaryRow> daily_rows_of(std::span<const UsageEvent> events, const Calendar& calendar) {
  return summary_rows_of(events, calendar, &Calendar::date_of);
}

std::vector<ModelDailyRow> model_daily_rows_of(std::span<const UsageEvent> events, const Calendar& calendar) {
  return model_rows_of(events, calendar, &Calendar::date_of);
}

std::vector<DailySummaryRow> hourly_rows_of(std::span<const UsageEvent> events, const Calendar& calendar) {
  return summary_rows_of(events, calendar, &Calendar::hour_of);
}

std::vector<ModelDailyRow> model_hourly_rows_of(std::span<const UsageEvent> events, const Calendar& calendar) {
  return model_rows_of(events, calendar, &Calendar::hour_of);
}

std::vector<SessionRow> session_rows_of(std::span<const UsageEvent> events) {
  std::vector<SessionRow> rows;
  for (const auto& [key, session] : by_session(events)) rows.push_back(summarize_session(session));
  std::sort(rows.begin(), rows.end(), [](const SessionRow& a, const SessionRow& b) {
    return std::tie(a.session_end_ms, a.project_path, a.session_id) <
           std::tie(b.session_end_ms, b.project_path, b.session_id);
  });
  return rows;
}

std::vector<SessionModelRow> session_model_rows_of(std::span<const UsageEvent> events) {
  std::vector<SessionModelRow> rows;
  for (const auto& [key, session] : by_session(events)) {
    for (const ModelDailyRow& model : summarize_models_of_day({}, session)) {
      rows.push_back(SessionModelRow{key.first, key.second, model.model, model.tokens, model.cost_usd,
                                     model.request_count});
    }
  }
  return rows;
}

void reprice(std::vector<UsageEvent>& events, const PriceTable& prices, CostMode mode) {
  for (UsageEvent& event : events) event.cost_usd = entry_cost(event.entry, prices, mode);
}

bool in_date_range(std::int64_t timestamp_ms, const ReportFilter& filter, const Calendar& calendar) {
  if (!filter.since && !filter.until) return true;
  const std::string day = calendar.date_of(timestamp_ms);
  return (!filter.since || day >= *filter.since) && (!filter.until || day <= *filter.until);
}

EventReportSource::EventReportSource(std::vector<UsageEvent> events, const std::string& zone, int block_hours,
                                     std::shared_ptr<const PriceTable> prices)
    : events_(std::move(events)), calendar_(zone), block_hours_(block_hours), prices_(std::move(prices)) {}

std::vector<UsageEvent> EventReportSource::selected(const ReportFilter& filter) const {
  std::vector<UsageEvent> kept;
  for (const UsageEvent& event : events_) {
    if (filter.project && event.project != *filter.project) continue;
    if (filter.session_id && event.session_id != *filter.session_id) continue;
    if (!in_date_range(event.entry.timestamp_ms, filter, calendar_)) continue;
    kept.push_back(event);
  }
  return kept;
}

std::vector<DailySummaryRow> EventReportSource::daily(const ReportFilter& filter) {
  ++calls;
  return daily_rows_of(selected(filter), calendar_);
}

std::vector<ModelDailyRow> EventReportSource::model_daily(const ReportFilter& filter) {
  ++calls;
  return model_daily_rows_of(selected(filter), calendar_);
}

std::vector<SessionRow> EventReportSource::sessions(const ReportFilter& filter) {
  ++calls;
  return session_rows_of(selected(filter));
}

std::vector<SessionModelRow> EventReportSource::session_models(const ReportFilter& filter) {
  ++calls;
  return session_model_rows_of(selected(filter));
}

std::vector<UsageBlock> EventReportSource::blocks(const ReportFilter& filter, std::int64_t now_ms) {
  ++calls;
  std::vector<UsageBlock> rows;
  for (UsageBlock& block : compute_blocks(events_, std::chrono::hours(block_hours_), now_ms)) {
    if (!block.is_gap && in_date_range(block.start_ms, filter, calendar_)) rows.push_back(std::move(block));
  }
  return rows;
}

std::vector<UsageEvent> EventReportSource::events(const ReportFilter& filter) {
  ++calls;
  return selected(filter);
}

std::vector<std::string> EventReportSource::projects() {
  ++calls;
  std::set<std::string> names;
  for (const UsageEvent& event : events_) names.insert(event.project);
  return {names.begin(), names.end()};
}

std::vector<RateLimitSnapshot> EventReportSource::rate_limit_snapshots(const RateLimitFilter& filter) {
  ++calls;
  std::vector<RateLimitSnapshot> kept;
  for (const RateLimitSnapshot& snapshot : snapshots) {
    if (filter.window && snapshot.window != *filter.window) continue;
    if (filter.resets_at_ms && snapshot.resets_at_ms != *filter.resets_at_ms) continue;
    if (snapshot.captured_at_ms >= filter.from_ms && snapshot.captured_at_ms < filter.to_ms) kept.push_back(snapshot);
  }
  std::stable_sort(kept.begin(), kept.end(), [](const RateLimitSnapshot& a, const RateLimitSnapshot& b) {
    return std::pair(a.captured_at_ms, a.window) < std::pair(b.captured_at_ms, b.window);
  });
  return kept;
}

std::vector<RateLimitSnapshot> EventReportSource::latest_rate_limits() {
  std::vector<RateLimitSnapshot> latest;
  for (const RateLimitWindow window : kRateLimitWindows) {
    RateLimitFilter filter;
    filter.window = window;
    const std::vector<RateLimitSnapshot> all = rate_limit_snapshots(filter);
    if (!all.empty()) latest.push_back(all.back());
  }
  return latest;
}

std::vector<UsagePoint> EventReportSource::usage_points(std::int64_t from_ms, std::int64_t to_ms) {
  ++calls;
  std::vector<UsagePoint> points;
  for (const UsageEvent& event : events_) {
    if (event.entry.timestamp_ms < from_ms || event.entry.timestamp_ms >= to_ms) continue;
    const TokenCounts& t = event.entry.tokens;
    points.push_back({event.entry.timestamp_ms, event.cost_usd, t.input + t.output, t.total()});
  }
  std::stable_sort(points.begin(), points.end(),
                   [](const UsagePoint& a, const UsagePoint& b) { return a.timestamp_ms < b.timestamp_ms; });
  return points;
}

std::unique_ptr<ReportSource> EventReportSource::viewed(const ReportView& view) {
  std::vector<UsageEvent> events = events_;
  if (view.mode && prices_) reprice(events, *prices_, *view.mode);
  auto copy = std::make_unique<EventReportSource>(std::move(events), view.zone.value_or(calendar_.zone_name()),
                                                  block_hours_, prices_);
  copy->snapshots = snapshots;
  copy->limits = limits;
  copy->groups = groups;
  copy->subagent_types = subagent_types;
  return copy;
}

}  // namespace cu
