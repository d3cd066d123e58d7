#pragma once
// ReportSource over a Store: reports read the derived tables; filters the tables cannot answer
// (a project) are computed from usage_events with the same pure rollup functions.
#include <chrono>
#include <functional>
#include <optional>
#include <memory>
#include <string>
#include <vector>

#include "ctl/report_source.h"
#include "store/store.h"

namespace cu {

// How the stored costs were priced (pricing.mode and the effective price table): what a query in
// another cost mode prices the events with.
struct StoredPricing {
  const PriceTable* prices = nullptr;
  CostMode mode = CostMode::kAuto;
};

class StoreReportSource final : public ReportSource {
 public:
  // `store`, `calendar` and the price table must outlive this object (or the next retarget()).
  StoreReportSource(Store& store, const Calendar& calendar, std::chrono::hours block_length,
                    LimitSettings limits = {}, StoredPricing pricing = {}, std::vector<ProjectGroup> groups = {})
      : store_(&store), calendar_(&calendar), block_length_(block_length), limits_(std::move(limits)),
        pricing_(pricing), groups_(std::move(groups)) {}

  // Reads from another store and zone from now on (after a configuration reload).
  void retarget(Store& store, const Calendar& calendar, std::chrono::hours block_length, LimitSettings limits = {},
                StoredPricing pricing = {}, std::vector<ProjectGroup> groups = {}) {
    store_ = &store;
    calendar_ = &calendar;
    block_length_ = block_length;
    limits_ = std::move(limits);
    pricing_ = pricing;
    groups_ = std::move(groups);
  }

  // Where subagent types come from (the daemon's SubagentTypes); none: every subagent is unknown.
  void set_subagent_types(std::function<std::optional<std::string>(std::string_view)> lookup) {
    subagent_types_ = std::move(lookup);
  }

  std::vector<DailySummaryRow> daily(const ReportFilter& filter) override;
  std::vector<ModelDailyRow> model_daily(const ReportFilter& filter) override;
  std::vector<SessionRow> sessions(const ReportFilter& filter) override;
  std::vector<SessionModelRow> session_models(const ReportFilter& filter) override;
  std::vector<UsageBlock> blocks(const ReportFilter& filter, std::int64_t now_ms) override;
  std::vector<UsageEvent> events(const ReportFilter& filter) override;
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
  const std::vector<ProjectGroup>& project_groups() const override { return groups_; }
  std::optional<std::string> subagent_type(std::string_view file) override {
    return subagent_types_ ? subagent_types_(file) : std::nullopt;
  }
  // Dates in another zone come from the derived tables where they can (sessions, blocks) and from
  // the events of the filter's range otherwise; costs in another mode always from the events,
  // priced anew (blocks: all events, as ccusage computes them).
  std::unique_ptr<ReportSource> viewed(const ReportView& view) override;

 private:
  Store* store_;
  const Calendar* calendar_;
  std::chrono::hours block_length_;
  LimitSettings limits_;
  StoredPricing pricing_;
  std::vector<ProjectGroup> groups_;
  std::function<std::optional<std::string>(std::string_view)> subagent_types_;
};

}  // namespace cu
