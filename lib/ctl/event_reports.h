#pragma once
// Report rows computed straight from kept events, with the rollup functions the store uses: what a
// report needs when the derived tables cannot answer it (a project filter, a date range on
// sessions, a query's own time zone or cost mode), and a ReportSource over a list of events.
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "ctl/report_source.h"
#include "core/usage_event.h"
#include "pricing/price_table.h"
#include "rollup/calendar.h"
#include "rollup/rows.h"

namespace cu {

// Per local date of `calendar`, ascending.
std::vector<DailySummaryRow> daily_rows_of(std::span<const UsageEvent> events, const Calendar& calendar);
// Per (local date, model), ascending by date then model.
std::vector<ModelDailyRow> model_daily_rows_of(std::span<const UsageEvent> events, const Calendar& calendar);
// Per local hour of `calendar` ("YYYY-MM-DD HH:00" in `date`), ascending.
std::vector<DailySummaryRow> hourly_rows_of(std::span<const UsageEvent> events, const Calendar& calendar);
// Per (local hour, model), ascending by hour then model.
std::vector<ModelDailyRow> model_hourly_rows_of(std::span<const UsageEvent> events, const Calendar& calendar);
// Per (project, session), ascending by last activity (then project, session).
std::vector<SessionRow> session_rows_of(std::span<const UsageEvent> events);
// Per (project, session, reported model).
std::vector<SessionModelRow> session_model_rows_of(std::span<const UsageEvent> events);

// Prices every event's cost_usd anew in `mode` (auto, calculate or display: CostMode).
void reprice(std::vector<UsageEvent>& events, const PriceTable& prices, CostMode mode);

// Whether the event's local date (in `calendar`) is inside the filter's since/until.
bool in_date_range(std::int64_t timestamp_ms, const ReportFilter& filter, const Calendar& calendar);

// A ReportSource over a list of kept events, filtered like ccusage: events outside since/until
// (local dates), another project or session are dropped first; sessions and their models are
// summed from what is left. Blocks are computed over all events and kept when their start's local
// date is in range. Costs are the events' own (`cost_usd`).
class EventReportSource : public ReportSource {
 public:
  // `prices` prices the events again for viewed() in another mode; without it viewed() keeps the
  // costs.
  explicit EventReportSource(std::vector<UsageEvent> events, const std::string& zone = "UTC", int block_hours = 5,
                             std::shared_ptr<const PriceTable> prices = nullptr);

  std::vector<DailySummaryRow> daily(const ReportFilter& filter) override;
  std::vector<ModelDailyRow> model_daily(const ReportFilter& filter) override;
  std::vector<SessionRow> sessions(const ReportFilter& filter) override;
  std::vector<SessionModelRow> session_models(const ReportFilter& filter) override;
  std::vector<UsageBlock> blocks(const ReportFilter& filter, std::int64_t now_ms) override;
  std::vector<UsageEvent> events(const ReportFilter& filter) override;
  std::vector<std::string> projects() override;
  const Calendar& calendar() const override { return calendar_; }
  int block_hours() const override { return block_hours_; }
  std::vector<RateLimitSnapshot> rate_limit_snapshots(const RateLimitFilter& filter) override;
  std::vector<RateLimitSnapshot> latest_rate_limits() override;
  std::vector<UsagePoint> usage_points(std::int64_t from_ms, std::int64_t to_ms) override;
  const LimitSettings& limit_settings() const override { return limits; }
  const std::vector<ProjectGroup>& project_groups() const override { return groups; }
  std::optional<std::string> subagent_type(std::string_view file) override {
    const auto found = subagent_types.find(std::string(file));
    return found == subagent_types.end() ? std::nullopt : std::optional<std::string>(found->second);
  }
  std::unique_ptr<ReportSource> viewed(const ReportView& view) override;

  std::vector<RateLimitSnapshot> snapshots;  // one per window and minute, as the store keeps them
  LimitSettings limits;
  std::vector<ProjectGroup> groups;
  std::map<std::string, std::string> subagent_types;  // subagent transcript -> its type
  int calls = 0;  // how many queries were made, for tests of the server's dispatch

 private:
  std::vector<UsageEvent> selected(const ReportFilter& filter) const;

  std::vector<UsageEvent> events_;
  Calendar calendar_;
  int block_hours_;
  std::shared_ptr<const PriceTable> prices_;
};

}  // namespace cu
