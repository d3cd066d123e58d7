// daily, weekly and monthly: days from the source, merged into periods; hourly: hours from the
// range's events.
#include <algorithm>
#include <map>

#include "ctl/event_reports.h"
#include "ctl/project_set_source.h"
#include "ctl/protocol.h"
#include "ctl/reports.h"
#include "ctl/report_dates.h"
#include "ctl/usage_rows.h"
#include "rollup/calendar.h"

namespace cu::ctl {
namespace {

using Json = nlohmann::json;

enum class Period { kDay, kWeek, kMonth };

// The first day of the last `count` periods ending today.
std::string first_day_of_last(Period period, std::int64_t count, const std::string& today, int start_of_week) {
  const int back = static_cast<int>(std::min<std::int64_t>(count - 1, 100'000));
  switch (period) {
    case Period::kDay: return add_days(today, -back);
    case Period::kWeek: return add_days(week_start(today, start_of_week), -7 * back);
    case Period::kMonth: return month_start_before(today, back);
  }
  return today;
}

ReportFilter filter_of(ReportSource& source, const CommandArgs& args, Period period, std::int64_t now_ms) {
  ReportFilter filter;
  filter.since = args.since;
  filter.until = args.until;
  filter.project = args.project;
  if (args.last) {
    const std::string from = first_day_of_last(period, *args.last, source.calendar().date_of(now_ms), args.start_of_week);
    if (!filter.since || *filter.since < from) filter.since = from;
  }
  return filter;
}

std::vector<PeriodRow> days_of(ReportSource& source, const ReportFilter& filter) {
  const std::vector<DailySummaryRow> days = source.daily(filter);
  const std::vector<ModelDailyRow> models = source.model_daily(filter);
  return day_rows(days, models);
}

// {"<list_key>": rows, "totals": ...} with rows in the requested order; totals sum that order.
Json period_report(std::vector<PeriodRow> rows, const CommandArgs& args, std::string_view list_key,
                   std::string_view row_key, const std::optional<std::string>& project) {
  apply_order(rows, args.order == SortOrder::kDesc);
  Json list = Json::array();
  ReportTotals totals;
  for (const PeriodRow& row : rows) {
    Json object = period_row_json(row, row_key);
    if (project) object["project"] = *project;
    list.push_back(std::move(object));
    totals.add(row.tokens, row.cost_usd);
  }
  return Json{{std::string(list_key), std::move(list)}, {"totals", totals.json()}};
}

// The days of one project or group (`name`, kept under `label` in every row) added to `lists` and
// `totals`, in the requested order; nothing when it has no usage.
void add_day_list(Json& lists, ReportTotals& totals, const std::string& name, std::string_view label,
                  std::vector<PeriodRow> rows, const CommandArgs& args) {
  if (rows.empty()) return;
  apply_order(rows, args.order == SortOrder::kDesc);
  Json list = Json::array();
  for (const PeriodRow& row : rows) {
    Json object = period_row_json(row, "date");
    object[std::string(label)] = name;
    list.push_back(std::move(object));
    totals.add(row.tokens, row.cost_usd);
  }
  lists[name] = std::move(list);
}

Json daily_by_project(ReportSource& source, const CommandArgs& args, const ReportFilter& filter) {
  Json projects = Json::object();
  ReportTotals totals;
  for (const std::string& project : source.projects()) {
    if (filter.project && *filter.project != project) continue;
    ReportFilter one = filter;
    one.project = project;
    add_day_list(projects, totals, project, "project", days_of(source, one), args);
  }
  return Json{{"projects", std::move(projects)}, {"totals", totals.json()}};
}

// {"groups": {"<group>": [rows with "group"]}, "totals"}: each project group's days, in the
// config's order, then the projects in no group under kUngroupedName; groups without usage left out.
Json daily_by_group(ReportSource& source, const CommandArgs& args, const ReportFilter& filter) {
  const std::vector<ProjectGroup>& groups = source.project_groups();
  std::vector<std::string> names;
  for (const ProjectGroup& group : groups) names.push_back(group.name);
  names.emplace_back(kUngroupedName);
  const std::vector<std::string> projects = source.projects();
  Json list_by_group = Json::object();
  ReportTotals totals;
  for (const std::string& name : names) {
    ProjectSetSource members(source, group_members(groups, name, projects));
    add_day_list(list_by_group, totals, name, "group", days_of(members, filter), args);
  }
  return Json{{"groups", std::move(list_by_group)}, {"totals", totals.json()}};
}

// Each day's "agentBreakdowns", from the events of the filter's range.
void add_agent_breakdowns(Json& days, ReportSource& source, const ReportFilter& filter) {
  std::map<std::string, std::vector<UsageEvent>> by_date;
  for (UsageEvent& event : source.events(filter)) {
    by_date[source.calendar().date_of(event.entry.timestamp_ms)].push_back(std::move(event));
  }
  for (Json& day : days) day["agentBreakdowns"] = agent_breakdowns_of(by_date[day.at("date").get<std::string>()], source);
}

}  // namespace

nlohmann::json daily_report(ReportSource& source, const CommandArgs& args, std::int64_t now_ms) {
  const ReportFilter filter = filter_of(source, args, Period::kDay, now_ms);
  if (args.instances && args.by_group) {
    throw ProtocolError(ErrorCode::kInvalidArgs, "instances and by_group exclude each other");
  }
  if (args.by_subagent && (args.instances || args.by_group)) {
    throw ProtocolError(ErrorCode::kInvalidArgs, "a subagent breakdown does not combine with instances or by_group");
  }
  if (args.instances) return daily_by_project(source, args, filter);
  if (args.by_group) return daily_by_group(source, args, filter);
  Json report = period_report(days_of(source, filter), args, "daily", "date", args.project);
  if (args.by_subagent) add_agent_breakdowns(report.at("daily"), source, filter);
  return report;
}

nlohmann::json weekly_report(ReportSource& source, const CommandArgs& args, std::int64_t now_ms) {
  reject_subagent_breakdown(args);
  const ReportFilter filter = filter_of(source, args, Period::kWeek, now_ms);
  const int start = args.start_of_week;
  const std::vector<PeriodRow> weeks =
      merge_periods(days_of(source, filter), [start](std::string_view day) { return week_start(day, start); });
  return period_report(weeks, args, "weekly", "week", std::nullopt);
}

nlohmann::json monthly_report(ReportSource& source, const CommandArgs& args, std::int64_t now_ms) {
  reject_subagent_breakdown(args);
  const ReportFilter filter = filter_of(source, args, Period::kMonth, now_ms);
  const std::vector<PeriodRow> months =
      merge_periods(days_of(source, filter), [](std::string_view day) { return month_of(day); });
  return period_report(months, args, "monthly", "month", std::nullopt);
}

nlohmann::json hourly_report(ReportSource& source, const CommandArgs& args, std::int64_t now_ms) {
  reject_subagent_breakdown(args);
  ReportFilter filter;
  filter.since = args.since;
  filter.until = args.until;
  filter.project = args.project;
  if (!filter.since && !filter.until) filter.since = filter.until = source.calendar().date_of(now_ms);
  const std::vector<UsageEvent> events = source.events(filter);
  const std::vector<DailySummaryRow> hours = hourly_rows_of(events, source.calendar());
  const std::vector<ModelDailyRow> models = model_hourly_rows_of(events, source.calendar());
  return period_report(day_rows(hours, models), args, "hourly", "hour", args.project);
}

}  // namespace cu::ctl
