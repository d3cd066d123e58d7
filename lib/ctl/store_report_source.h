#pragma once
// ReportSource over a Store: reports read the derived tables; filters the tables cannot answer
// (a project) are computed from usage_events with the same pure rollup functions.
#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "ctl/report_source.h"
#include "store/store.h"

namespace cu {

class StoreReportSource final : public ReportSource {
 public:
  // `store` and `calendar` must outlive this object (or the next retarget()).
  StoreReportSource(Store& store, const Calendar& calendar, std::chrono::hours block_length,
                    LimitSettings limits = {})
      : store_(&store), calendar_(&calendar), block_length_(block_length), limits_(std::move(limits)) {}

  // Reads from another store and zone from now on (after a configuration reload).
  void retarget(Store& store, const Calendar& calendar, std::chrono::hours block_length, LimitSettings limits = {}) {
    store_ = &store;
    calendar_ = &calendar;
    block_length_ = block_length;
    limits_ = std::move(limits);
  }

  std::vector<DailySummaryRow> daily(const ReportFilter& filter) override;
  std::vector<ModelDailyRow> model_daily(const ReportFilter& filter) override;
  std::vector<SessionRow> sessions(const ReportFilter& filter) override;
  std::vector<SessionModelRow> session_models(const ReportFilter& filter) override;
  std::vector<UsageBlock> blocks(const ReportFilter& filter, std::int64_t now_ms) override;
  std::vector<std::string> projects() override { return store_->projects(); }
  std::vector<RateLimitSnapshot> rate_limit_snapshots(const RateLimitFilter& filter) override {
    return store_->rate_limit_snapshots(filter);
  }
  std::vector<RateLimitSnapshot> latest_rate_limits() override { return store_->latest_rate_limits(); }
  std::vector<UsagePoint> usage_points(std::int64_t from_ms, std::int64_t to_ms) override {
    return store_->usage_points(from_ms, to_ms);
  }
  const Calendar& calendar() const override { return *calendar_; }
  int block_hours() const override { return static_cast<int>(block_length_.count()); }
  const LimitSettings& limit_settings() const override { return limits_; }

 private:
  std::pair<std::int64_t, std::int64_t> range_ms(const ReportFilter& filter) const;
  // Kept events of the filter's project and date range, grouped by local date.
  std::map<std::string, std::vector<UsageEvent>> project_events_by_day(const ReportFilter& filter);
  // Kept events of the filter's range (and project, session), grouped by (project, session).
  std::map<std::pair<std::string, std::string>, std::vector<UsageEvent>> ranged_session_events(
      const ReportFilter& filter);

  Store* store_;
  const Calendar* calendar_;
  std::chrono::hours block_length_;
  LimitSettings limits_;
};

}  // namespace cu
