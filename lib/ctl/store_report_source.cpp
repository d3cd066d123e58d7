#include "ctl/store_report_source.h"

#include <optional>
#include <stdexcept>

#include <fmt/format.h>

#include "ctl/event_reports.h"
#include "ctl/protocol.h"
#include "rollup/calendar.h"
#include "rollup/usage_blocks.h"
#include "store/row_codec.h"

namespace cu {
namespace {

// Bounds for "no bound": before and after any Claude Code log.
constexpr std::int64_t kEarliestMs = 0;               // 1970-01-01
constexpr std::int64_t kLatestMs = 4102444800000LL;   // 2100-01-01

// The instants [from, to) of the filter's local dates; an absent bound is open.
std::pair<std::int64_t, std::int64_t> range_ms(const ReportFilter& filter, const Calendar& calendar) {
  const auto [from, to] = date_filter_bounds_ms(filter, &calendar);
  return {from.value_or(kEarliestMs), to.value_or(kLatestMs)};
}

// Kept events of the filter's range, project and session, priced in `mode` when given.
std::vector<UsageEvent> events_of(Store& store, const ReportFilter& filter, const Calendar& calendar,
                                  const PriceTable* prices = nullptr, std::optional<CostMode> mode = {}) {
  const auto [from, to] = range_ms(filter, calendar);
  // Retention dropped the raw events of frozen days: a report computed from events cannot cover
  // them, and a partial answer must not pass for a whole one.
  if (const std::optional<RetentionState> frozen = store.retention(); frozen && from < frozen->frozen_before_ms) {
    const std::string first_day = frozen->frozen_before;
    throw ctl::ProtocolError(ctl::ErrorCode::kInvalidArgs, fmt::format(
        "this report is computed from raw events, and those of the days before {} were dropped "
        "(retention.raw_events_months); ask for --since {} or later, or leave out the filter "
        "(--project, --group, --timezone, --mode, hourly, a subagent breakdown) to read the kept daily rows",
        first_day, first_day.substr(0, 4) + first_day.substr(5, 2) + first_day.substr(8, 2)));
  }
  std::vector<UsageEvent> events = store.events_between(from, to, filter.project.value_or(""));
  if (filter.session_id) {
    std::erase_if(events, [&](const UsageEvent& event) { return event.session_id != *filter.session_id; });
  }
  if (mode && prices != nullptr) reprice(events, *prices, *mode);
  return events;
}

// The stored non-gap blocks starting in the filter's range (local dates of `calendar`), active or
// not at `now_ms`.
std::vector<UsageBlock> stored_blocks(Store& store, const ReportFilter& filter, const Calendar& calendar,
                                      std::chrono::hours block_length, std::int64_t now_ms) {
  std::vector<UsageBlock> blocks = store.usage_blocks(filter, &calendar);
  for (UsageBlock& block : blocks) block.is_active = block_is_active(block, block_length, now_ms);
  return blocks;
}

// The reports' view in another zone or cost mode (ReportSource::viewed).
class ViewedStoreSource final : public ReportSource {
 public:
  ViewedStoreSource(Store& store, ReportSource& base, std::chrono::hours block_length, StoredPricing pricing,
                    const ReportView& view)
      : store_(store), base_(base), block_length_(block_length), pricing_(pricing),
        calendar_(view.zone.value_or(base.calendar().zone_name())) {
    if (view.mode && *view.mode != pricing.mode) {
      if (pricing.prices == nullptr) throw std::runtime_error("this source cannot price events in another mode");
      mode_ = view.mode;
    }
  }

  std::vector<DailySummaryRow> daily(const ReportFilter& filter) override {
    return daily_rows_of(events_of(store_, filter, calendar_, pricing_.prices, mode_), calendar_);
  }
  std::vector<ModelDailyRow> model_daily(const ReportFilter& filter) override {
    return model_daily_rows_of(events_of(store_, filter, calendar_, pricing_.prices, mode_), calendar_);
  }
  std::vector<SessionRow> sessions(const ReportFilter& filter) override {
    if (!mode_ && !filter.since && !filter.until) return store_.sessions(filter, &calendar_);
    return session_rows_of(events_of(store_, filter, calendar_, pricing_.prices, mode_));
  }
  std::vector<SessionModelRow> session_models(const ReportFilter& filter) override {
    if (!mode_ && !filter.since && !filter.until) return store_.session_models(filter, &calendar_);
    return session_model_rows_of(events_of(store_, filter, calendar_, pricing_.prices, mode_));
  }
  std::vector<UsageBlock> blocks(const ReportFilter& filter, std::int64_t now_ms) override {
    if (!mode_) return stored_blocks(store_, filter, calendar_, block_length_, now_ms);
    std::vector<UsageBlock> blocks;
    const std::vector<UsageEvent> events = events_of(store_, ReportFilter{}, calendar_, pricing_.prices, mode_);
    for (UsageBlock& block : compute_blocks(events, block_length_, now_ms)) {
      if (!block.is_gap && in_date_range(block.start_ms, filter, calendar_)) blocks.push_back(std::move(block));
    }
    return blocks;
  }
  std::vector<UsageEvent> events(const ReportFilter& filter) override {
    return events_of(store_, filter, calendar_, pricing_.prices, mode_);
  }
  std::vector<std::string> projects() override { return base_.projects(); }
  std::vector<RateLimitSnapshot> rate_limit_snapshots(const RateLimitFilter& filter) override {
    return base_.rate_limit_snapshots(filter);
  }
  std::vector<RateLimitSnapshot> latest_rate_limits() override { return base_.latest_rate_limits(); }
  std::vector<UsagePoint> usage_points(std::int64_t from_ms, std::int64_t to_ms) override {
    return base_.usage_points(from_ms, to_ms);
  }
  const Calendar& calendar() const override { return calendar_; }
  int block_hours() const override { return base_.block_hours(); }
  const LimitSettings& limit_settings() const override { return base_.limit_settings(); }
  const std::vector<ProjectGroup>& project_groups() const override { return base_.project_groups(); }
  std::optional<std::string> subagent_type(std::string_view file) override { return base_.subagent_type(file); }
  std::unique_ptr<ReportSource> viewed(const ReportView& view) override { return base_.viewed(view); }

 private:
  Store& store_;
  ReportSource& base_;
  std::chrono::hours block_length_;
  StoredPricing pricing_;
  Calendar calendar_;
  std::optional<CostMode> mode_;  // set when it differs from the stored costs'
};

}  // namespace

std::vector<DailySummaryRow> StoreReportSource::daily(const ReportFilter& filter) {
  if (!filter.project) return store_->daily_summaries(filter);
  return daily_rows_of(events_of(*store_, filter, *calendar_), *calendar_);
}

std::vector<ModelDailyRow> StoreReportSource::model_daily(const ReportFilter& filter) {
  if (!filter.project) return store_->model_daily(filter);
  return model_daily_rows_of(events_of(*store_, filter, *calendar_), *calendar_);
}

// With a date range, ccusage's session report sums only the events inside it (and takes first and
// last activity from them), so ranged sessions are computed from usage_events; unranged ones are
// the claude_sessions rows.
std::vector<SessionRow> StoreReportSource::sessions(const ReportFilter& filter) {
  if (!filter.since && !filter.until) return store_->sessions(filter, calendar_);
  return session_rows_of(events_of(*store_, filter, *calendar_));
}

std::vector<SessionModelRow> StoreReportSource::session_models(const ReportFilter& filter) {
  if (!filter.since && !filter.until) return store_->session_models(filter, calendar_);
  return session_model_rows_of(events_of(*store_, filter, *calendar_));
}

std::vector<UsageBlock> StoreReportSource::blocks(const ReportFilter& filter, std::int64_t now_ms) {
  return stored_blocks(*store_, filter, *calendar_, block_length_, now_ms);
}

std::vector<UsageEvent> StoreReportSource::events(const ReportFilter& filter) {
  return events_of(*store_, filter, *calendar_);
}

std::unique_ptr<ReportSource> StoreReportSource::viewed(const ReportView& view) {
  return std::make_unique<ViewedStoreSource>(*store_, *this, block_length_, pricing_, view);
}

}  // namespace cu
