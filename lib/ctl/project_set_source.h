#pragma once
// A ReportSource limited to some project folders (a project group's members, --group): every
// report reads through it as if the other projects did not exist.
#include <memory>
#include <string>
#include <vector>

#include "ctl/report_source.h"

namespace cu {

class ProjectSetSource final : public ReportSource {
 public:
  // Reads through `base`, which must outlive this object.
  ProjectSetSource(ReportSource& base, std::vector<std::string> projects);
  // Reads through `base`, which it keeps.
  ProjectSetSource(std::unique_ptr<ReportSource> base, std::vector<std::string> projects);

  // The members' rows, one row per date (per date and model) however many members had usage.
  std::vector<DailySummaryRow> daily(const ReportFilter& filter) override;
  std::vector<ModelDailyRow> model_daily(const ReportFilter& filter) override;
  std::vector<SessionRow> sessions(const ReportFilter& filter) override;
  std::vector<SessionModelRow> session_models(const ReportFilter& filter) override;
  // Blocks are spans of time over every project's events: the base's, whatever the set.
  std::vector<UsageBlock> blocks(const ReportFilter& filter, std::int64_t now_ms) override;
  std::vector<UsageEvent> events(const ReportFilter& filter) override;
  std::vector<std::string> projects() override;
  std::vector<RateLimitSnapshot> rate_limit_snapshots(const RateLimitFilter& filter) override;
  std::vector<RateLimitSnapshot> latest_rate_limits() override;
  std::vector<UsagePoint> usage_points(std::int64_t from_ms, std::int64_t to_ms) override;
  const Calendar& calendar() const override { return base_.calendar(); }
  int block_hours() const override { return base_.block_hours(); }
  const LimitSettings& limit_settings() const override { return base_.limit_settings(); }
  const std::vector<ProjectGroup>& project_groups() const override { return base_.project_groups(); }
  std::optional<std::string> subagent_type(std::string_view file) override { return base_.subagent_type(file); }
  std::unique_ptr<ReportSource> viewed(const ReportView& view) override;

 private:
  // The members the filter leaves: all of them, or its project when that is one.
  std::vector<std::string> members(const ReportFilter& filter) const;
  // `read`(filter for one member) for every member, concatenated.
  template <typename Row, typename Read>
  std::vector<Row> per_member(const ReportFilter& filter, Read read);

  std::unique_ptr<ReportSource> owned_;
  ReportSource& base_;
  std::vector<std::string> projects_;  // sorted
};

}  // namespace cu
