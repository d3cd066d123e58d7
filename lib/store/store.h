#pragma once
// The storage interface (SPEC §7): one small contract implemented by SQLite and PostgreSQL and
// exercised by one shared contract suite. Implementations own all their SQL.
#include <chrono>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "core/checkpoint.h"
#include "core/rate_limit.h"
#include "core/usage_event.h"
#include "pricing/price_table.h"
#include "rollup/rows.h"

namespace cu {

class Calendar;

// One atomic unit of ingest: events displaced by better duplicates, newly kept events, and the
// checkpoints that cover them. Committed all together or not at all.
struct IngestBatch {
  std::vector<std::int64_t> removed_ids;
  std::vector<UsageEvent> inserted;
  std::vector<Checkpoint> checkpoints;

  bool empty() const { return removed_ids.empty() && inserted.empty() && checkpoints.empty(); }
};

// The dedup identity of a stored event, for rebuilding the in-memory index at startup.
struct StoredIdentity {
  std::int64_t id = 0;
  std::string message_id;
  std::string request_id;
  bool is_sidechain = false;
  std::int64_t tokens = 0;
  double cost_usd = 0;
  bool has_speed = false;
  std::string file;
  std::int64_t line_offset = 0;
  std::int32_t entry_index = 0;
};

// A stored event's id and message id ('' when it had none): enough to take it out of the store and
// of the dedup index when the file it was read from is read again from its start.
struct StoredEventKey {
  std::int64_t id = 0;
  std::string message_id;
};

// Which rate-limit snapshots to read: captured_at in [from_ms, to_ms), of one window and one
// instance of it (its resets_at) when given.
struct RateLimitFilter {
  std::optional<RateLimitWindow> window;
  std::optional<std::int64_t> resets_at_ms;
  std::int64_t from_ms = std::numeric_limits<std::int64_t>::min();
  std::int64_t to_ms = std::numeric_limits<std::int64_t>::max();
};

// The days retention froze (SPEC §13, rollup/retention.h): before the local date `frozen_before`
// (first instant `frozen_before_ms`, in the zone it was frozen in) the derived rows are final and
// a late event is not applied; the raw events before `dropped_before_ms` (that instant, or the
// start of the 5-hour block open across it) are gone.
struct RetentionState {
  std::string frozen_before;
  std::int64_t frozen_before_ms = 0;
  std::int64_t dropped_before_ms = 0;
  friend bool operator==(const RetentionState&, const RetentionState&) = default;
};

// What a rollup refresh needs to know about the configuration.
struct RollupSettings {
  const Calendar* calendar = nullptr;   // local dates
  const PriceTable* prices = nullptr;   // cache savings
  std::chrono::hours block_length{5};   // rollup.block_hours
  std::int64_t now_ms = 0;              // the time blocks are judged active at; 0: the clock
  CostMode cost_mode = CostMode::kAuto;  // pricing.mode, with `prices` what stored costs follow
};

class Store {
 public:
  virtual ~Store() = default;

  // "sqlite" or "postgres".
  virtual std::string backend() const = 0;

  virtual std::vector<Checkpoint> load_checkpoints() = 0;

  // Calls `visit` with the message key (event_keys.h: message_key) of every stored event's message
  // id, in no order, a key as often as it is stored; an event without a message id may give
  // message_key(""). What a bulk read takes the fingerprints of the stored ids from.
  virtual void load_message_keys(const std::function<void(std::int64_t)>& visit) = 0;

  // The largest stored event id (0 when there is none).
  virtual std::int64_t max_event_id() = 0;

  // The stored events with `message_id` (not ''), as the dedup index ranks them.
  virtual std::vector<StoredIdentity> identities_of_message(const std::string& message_id) = 0;

  // The events read from the transcript `file` (a path below projects/, as UsageEvent::file), whose
  // path gave them `project` and `session_id`. Events of the same relative path under another
  // root are among them: they cannot be told apart.
  virtual std::vector<StoredEventKey> events_of_file(const std::string& project, const std::string& session_id,
                                                     const std::string& file) = 0;

  // Applies `batch` atomically and records which rollup keys (dates, sessions) it touched, so that
  // refresh_rollups() brings them up to date even after a crash in between.
  virtual void commit(const IngestBatch& batch, const RollupSettings& settings) = 0;

  // Recomputes every derived row whose inputs changed since the last refresh, atomically. Frozen
  // days are not recomputed; a session with dropped events gets their rows merged with its own.
  // Returns the number of rows rewritten.
  virtual std::int64_t refresh_rollups(const RollupSettings& settings) = 0;

  // commit(batch) then refresh_rollups(), with the same result; a backend may do both in one
  // transaction, without recording the keys `batch` touches (what following a log does after
  // each append). On an exception the batch may or may not be stored (its keys then marked for
  // the next refresh): read again from the last commit (Ingestor::reload) before going on.
  virtual void commit_and_refresh(const IngestBatch& batch, const RollupSettings& settings) {
    commit(batch, settings);
    refresh_rollups(settings);
  }

  // Recomputes every derived table from usage_events (time zone change, --rebuild), but the rows
  // of frozen days and blocks (retention()), which stay as they are.
  virtual void rebuild_rollups(const RollupSettings& settings) = 0;

  // Marks blocks whose time is up as completed (cheap; run at least once a minute and at the
  // daily close). Returns the number of blocks whose status changed.
  virtual std::int64_t refresh_block_status(const RollupSettings& settings) = 0;

  // Reads for reports and tests. Dates filter on local dates (blocks: on their start's date);
  // `project` and `session_id` apply where the rows have them.
  virtual std::vector<DailySummaryRow> daily_summaries(const ReportFilter& filter = {}) = 0;
  virtual std::vector<ModelDailyRow> model_daily(const ReportFilter& filter = {}) = 0;
  virtual std::vector<CacheAnalyticsRow> cache_analytics(const ReportFilter& filter = {}) = 0;
  // Tables keyed by time need `calendar` to turn since/until into instants (required when the
  // filter has either).
  // Sessions whose last activity falls in the range, ascending by last activity.
  virtual std::vector<SessionRow> sessions(const ReportFilter& filter = {},
                                           const Calendar* calendar = nullptr) = 0;
  virtual std::vector<SessionModelRow> session_models(const ReportFilter& filter = {},
                                                      const Calendar* calendar = nullptr) = 0;
  // Non-gap blocks starting in the range, ascending by start, with their stored status.
  virtual std::vector<UsageBlock> usage_blocks(const ReportFilter& filter = {},
                                               const Calendar* calendar = nullptr) = 0;
  // Kept events in [from_ms, to_ms) of one project (all projects when empty).
  virtual std::vector<UsageEvent> events_between(std::int64_t from_ms, std::int64_t to_ms,
                                                 const std::string& project = {}) = 0;
  virtual std::vector<std::string> projects() = 0;
  virtual std::int64_t event_count() = 0;

  // The days frozen by retention; nullopt while none are.
  virtual std::optional<RetentionState> retention() = 0;

  // Official rate-limit readings (SPEC §11), table rate_limit_snapshots. Each snapshot is stored
  // under (source, window, rate_limit_minute(captured_at)); one of a minute that already has a row
  // replaces it when it was captured at the same time or later, and is ignored when earlier. One
  // transaction; while shipping, the touched rows are queued for PostgreSQL like events.
  virtual void record_rate_limits(const std::vector<RateLimitSnapshot>& snapshots) = 0;
  // Snapshots matching `filter`, ascending by captured_at, then window.
  virtual std::vector<RateLimitSnapshot> rate_limit_snapshots(const RateLimitFilter& filter) = 0;
  // The newest snapshot of each window that has one (at most one per window), in window order.
  virtual std::vector<RateLimitSnapshot> latest_rate_limits() = 0;
  // Kept events with timestamp in [from_ms, to_ms), ascending by timestamp: the figures the limit
  // estimates sum.
  virtual std::vector<UsagePoint> usage_points(std::int64_t from_ms, std::int64_t to_ms) = 0;
};

}  // namespace cu
