#pragma once
// What the control commands read: the derived tables of one source, filtered. Implemented by the
// storage backends (store/); faked in tests.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/project_group.h"
#include "core/rate_limit.h"
#include "limits/limit_settings.h"
#include "pricing/price_table.h"
#include "rollup/rows.h"
#include "store/store.h"

namespace cu {

class Calendar;

// A query's own view of the data where it asks for one (ccusage's --timezone and --mode): local
// dates in another zone, costs in another mode. Unset: the source's own.
struct ReportView {
  std::optional<std::string> zone;  // an IANA name or "local"
  std::optional<CostMode> mode;
};

class ReportSource {
 public:
  virtual ~ReportSource() = default;

  // Days with usage in the filter's range (and project, when given), ascending by date.
  virtual std::vector<DailySummaryRow> daily(const ReportFilter& filter) = 0;
  // Per (date, model) rows for the same days, ascending by date then model.
  virtual std::vector<ModelDailyRow> model_daily(const ReportFilter& filter) = 0;
  // Sessions with activity in the range (by their last activity's local date), ascending by
  // last activity.
  virtual std::vector<SessionRow> sessions(const ReportFilter& filter) = 0;
  // Model breakdowns of the sessions sessions(filter) returns.
  virtual std::vector<SessionModelRow> session_models(const ReportFilter& filter) = 0;
  // Non-gap blocks whose start falls in the range, ascending by start; first_event_ms and
  // actual_end_ms set; is_active evaluated at `now_ms`.
  virtual std::vector<UsageBlock> blocks(const ReportFilter& filter, std::int64_t now_ms) = 0;
  // Kept events of the filter's range, project and session, in no particular order (session --id
  // lists them through rollup/event_order.h).
  virtual std::vector<UsageEvent> events(const ReportFilter& filter) = 0;
  // Project folders that have usage, sorted.
  virtual std::vector<std::string> projects() = 0;

  // Official rate-limit readings and the event figures of the limit estimates (Store's
  // rate_limit_snapshots, latest_rate_limits and usage_points, of this source).
  virtual std::vector<RateLimitSnapshot> rate_limit_snapshots(const RateLimitFilter& filter) = 0;
  virtual std::vector<RateLimitSnapshot> latest_rate_limits() = 0;
  virtual std::vector<UsagePoint> usage_points(std::int64_t from_ms, std::int64_t to_ms) = 0;

  // The zone local dates are computed in.
  virtual const Calendar& calendar() const = 0;
  virtual int block_hours() const = 0;
  // The constants of the limit estimates (config keys limits.*).
  virtual const LimitSettings& limit_settings() const = 0;

  // The project groups (config key projects.groups) --group and daily --by-group name; none
  // unless the source is given them.
  virtual const std::vector<ProjectGroup>& project_groups() const {
    static const std::vector<ProjectGroup> kNone;
    return kNone;
  }

  // The type of subagent transcript `file` (a path below projects/, rollup/agents.h) from its
  // .meta.json; nullopt when unknown or when the source cannot look.
  virtual std::optional<std::string> subagent_type(std::string_view /*file*/) { return std::nullopt; }

  // The same data in `view`: reads through this source, which must outlive the result. What the
  // derived tables cannot answer in that view is computed from the kept events. Throws
  // std::runtime_error for an unknown zone.
  virtual std::unique_ptr<ReportSource> viewed(const ReportView& view) = 0;
};

}  // namespace cu
