#include "ctl/project_set_source.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>
#include <utility>

#include "ctl/usage_rows.h"

namespace cu {
namespace {

// "a,b" and "b,c" as "a,b,c": the sorted union of two models_used lists.
std::string merged_models(const std::string& a, const std::string& b) {
  std::set<std::string> names;
  for (const std::string* list : {&a, &b}) {
    for (std::string& name : ctl::split_models(*list)) names.insert(std::move(name));
  }
  std::string joined;
  for (const std::string& name : names) {
    if (!joined.empty()) joined += ',';
    joined += name;
  }
  return joined;
}

}  // namespace

ProjectSetSource::ProjectSetSource(ReportSource& base, std::vector<std::string> projects)
    : base_(base), projects_(std::move(projects)) {
  std::sort(projects_.begin(), projects_.end());
}

ProjectSetSource::ProjectSetSource(std::unique_ptr<ReportSource> base, std::vector<std::string> projects)
    : owned_(std::move(base)), base_(*owned_), projects_(std::move(projects)) {
  std::sort(projects_.begin(), projects_.end());
}

std::vector<std::string> ProjectSetSource::members(const ReportFilter& filter) const {
  if (!filter.project) return projects_;
  if (std::binary_search(projects_.begin(), projects_.end(), *filter.project)) return {*filter.project};
  return {};
}

template <typename Row, typename Read>
std::vector<Row> ProjectSetSource::per_member(const ReportFilter& filter, Read read) {
  std::vector<Row> rows;
  for (const std::string& project : members(filter)) {
    ReportFilter one = filter;
    one.project = project;
    for (Row& row : read(one)) rows.push_back(std::move(row));
  }
  return rows;
}

std::vector<DailySummaryRow> ProjectSetSource::daily(const ReportFilter& filter) {
  std::map<std::string, DailySummaryRow> by_date;
  for (DailySummaryRow& row : per_member<DailySummaryRow>(filter, [&](const ReportFilter& f) { return base_.daily(f); })) {
    auto [it, inserted] = by_date.try_emplace(row.date, row);
    if (inserted) continue;
    DailySummaryRow& day = it->second;
    day.tokens += row.tokens;
    day.cost_usd += row.cost_usd;
    day.session_count += row.session_count;  // a session belongs to one project
    day.models_used = merged_models(day.models_used, row.models_used);
  }
  std::vector<DailySummaryRow> rows;
  for (auto& [date, row] : by_date) rows.push_back(std::move(row));
  return rows;
}

std::vector<ModelDailyRow> ProjectSetSource::model_daily(const ReportFilter& filter) {
  std::map<std::pair<std::string, std::string>, ModelDailyRow> by_key;
  for (ModelDailyRow& row : per_member<ModelDailyRow>(filter, [&](const ReportFilter& f) { return base_.model_daily(f); })) {
    auto [it, inserted] = by_key.try_emplace({row.date, row.model}, row);
    if (inserted) continue;
    it->second.tokens += row.tokens;
    it->second.cost_usd += row.cost_usd;
    it->second.request_count += row.request_count;
  }
  std::vector<ModelDailyRow> rows;
  for (auto& [key, row] : by_key) rows.push_back(std::move(row));
  return rows;
}

std::vector<SessionRow> ProjectSetSource::sessions(const ReportFilter& filter) {
  std::vector<SessionRow> rows =
      per_member<SessionRow>(filter, [&](const ReportFilter& f) { return base_.sessions(f); });
  std::stable_sort(rows.begin(), rows.end(), [](const SessionRow& a, const SessionRow& b) {
    return std::tie(a.session_end_ms, a.project_path, a.session_id) <
           std::tie(b.session_end_ms, b.project_path, b.session_id);
  });
  return rows;
}

std::vector<SessionModelRow> ProjectSetSource::session_models(const ReportFilter& filter) {
  return per_member<SessionModelRow>(filter, [&](const ReportFilter& f) { return base_.session_models(f); });
}

std::vector<UsageBlock> ProjectSetSource::blocks(const ReportFilter& filter, std::int64_t now_ms) {
  return base_.blocks(filter, now_ms);
}

std::vector<UsageEvent> ProjectSetSource::events(const ReportFilter& filter) {
  return per_member<UsageEvent>(filter, [&](const ReportFilter& f) { return base_.events(f); });
}

std::vector<std::string> ProjectSetSource::projects() {
  std::vector<std::string> present;
  for (std::string& project : base_.projects()) {
    if (std::binary_search(projects_.begin(), projects_.end(), project)) present.push_back(std::move(project));
  }
  return present;
}

std::vector<RateLimitSnapshot> ProjectSetSource::rate_limit_snapshots(const RateLimitFilter& filter) {
  return base_.rate_limit_snapshots(filter);
}

std::vector<RateLimitSnapshot> ProjectSetSource::latest_rate_limits() { return base_.latest_rate_limits(); }

std::vector<UsagePoint> ProjectSetSource::usage_points(std::int64_t from_ms, std::int64_t to_ms) {
  return base_.usage_points(from_ms, to_ms);
}

std::unique_ptr<ReportSource> ProjectSetSource::viewed(const ReportView& view) {
  return std::make_unique<ProjectSetSource>(base_.viewed(view), projects_);
}

}  // namespace cu
