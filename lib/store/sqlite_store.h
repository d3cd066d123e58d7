#pragma once
// The embedded SQLite implementation of Store (WAL mode, prepared statements, one writer).
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "store/ship_batch.h"
#include "store/store.h"

namespace cu {

// An outbox row PostgreSQL refused, as kept in ship_quarantine (schema/sqlite/008).
struct QuarantinedRow {
  std::int64_t seq = 0;
  int kind = 0;                // as in ship_outbox: 1 event, 2 checkpoint, 3 resync, 4 rebuild,
                               // 5 relabel, 6 rate-limit snapshot
  std::int64_t event_id = 0;   // kind 1; kind 6: the snapshot's minute
  std::string path;            // kind 2; kind 6: the snapshot's window
  std::string file;            // kind 1: the event's file, line offset and model ("" when it was gone)
  std::int64_t line_offset = 0;
  std::string model;
  std::string error;           // PostgreSQL's message
};

// What adopt_identity() did when the database belonged to another identity.
struct IdentityChange {
  std::string previous;     // the identity the rows were labelled with
  std::string current;      // the store's source, the database's identity from now on
  std::int64_t events = 0;  // events of `previous`
  // The rows stayed under `previous`: `current` already had rows of its own in this database,
  // and two sources' events are never merged.
  bool kept = false;
};

// The one log line for `change`, e.g. "identity changed from a@x to a@y: 5 events re-labelled".
std::string describe(const IdentityChange& change);

// Creates the directory of the database at `database` (0700) when missing.
void prepare_database_directory(const std::filesystem::path& database);

// Not thread-safe: one thread at a time uses a SqliteStore (its connection is opened without
// SQLite's per-call mutex). Other threads or processes open their own. Every writing transaction
// begins IMMEDIATE and so waits (up to a 5 s busy timeout) for another connection's write lock: in
// WAL mode a deferred one that has read first fails at once with SQLITE_BUSY when the other
// writer commits.
class SqliteStore final : public Store {
 public:
  // Opens (creating when missing, with its directory as 0700 and the file as 0600) the database at
  // `path` and applies pending migrations from schema/sqlite/. Rows are written under `source`.
  // Throws std::runtime_error when the database cannot be opened or migrated.
  SqliteStore(const std::filesystem::path& path, std::string source);
  ~SqliteStore() override;

  std::string backend() const override { return "sqlite"; }
  std::vector<Checkpoint> load_checkpoints() override;
  void load_message_keys(const std::function<void(std::int64_t)>& visit) override;
  std::int64_t max_event_id() override;
  std::vector<StoredIdentity> identities_of_message(const std::string& message_id) override;
  void commit(const IngestBatch& batch, const RollupSettings& settings) override;
  std::int64_t refresh_rollups(const RollupSettings& settings) override;
  // One transaction, and no dirty marks written for what `batch` touches (6 of the 20 pages an
  // appended line wrote to the log); commit() then refresh_rollups() while a bulk load is deferred
  // or for a batch that begins one.
  void commit_and_refresh(const IngestBatch& batch, const RollupSettings& settings) override;
  void rebuild_rollups(const RollupSettings& settings) override;
  std::int64_t refresh_block_status(const RollupSettings& settings) override;
  std::vector<DailySummaryRow> daily_summaries(const ReportFilter& filter = {}) override;
  std::vector<ModelDailyRow> model_daily(const ReportFilter& filter = {}) override;
  std::vector<CacheAnalyticsRow> cache_analytics(const ReportFilter& filter = {}) override;
  std::vector<SessionRow> sessions(const ReportFilter& filter = {}, const Calendar* calendar = nullptr) override;
  std::vector<SessionModelRow> session_models(const ReportFilter& filter = {},
                                              const Calendar* calendar = nullptr) override;
  std::vector<UsageBlock> usage_blocks(const ReportFilter& filter = {},
                                       const Calendar* calendar = nullptr) override;
  std::vector<UsageEvent> events_between(std::int64_t from_ms, std::int64_t to_ms,
                                         const std::string& project = {}) override;
  std::vector<std::string> projects() override;
  std::int64_t event_count() override;
  std::optional<RetentionState> retention() override;
  std::vector<StoredEventKey> events_of_file(const std::string& project, const std::string& session_id,
                                             const std::string& file) override;
  // Rate limits (sqlite_rate_limits.cpp). record_rate_limits is one IMMEDIATE transaction of
  // cached statements: the statusline records through it.
  void record_rate_limits(const std::vector<RateLimitSnapshot>& snapshots) override;
  std::vector<RateLimitSnapshot> rate_limit_snapshots(const RateLimitFilter& filter) override;
  std::vector<RateLimitSnapshot> latest_rate_limits() override;
  std::vector<UsagePoint> usage_points(std::int64_t from_ms, std::int64_t to_ms) override;

  // What rebuild_if_settings_changed did; true when it rebuilt.
  struct SettingsChange {
    bool rebuilt = false;
    std::int64_t repriced = 0;  // events whose cost changed
    explicit operator bool() const { return rebuilt; }
  };

  // Rebuilds the derived tables when they were computed with another time zone, block length or
  // (when `settings.prices` is set) prices and cost mode than `settings` (a config or binary
  // change between two runs; prices are compared by price_fingerprint), then records the current
  // ones. Changed prices first re-price the stored events (reprice_events).
  SettingsChange rebuild_if_settings_changed(const RollupSettings& settings);

  // Recomputes every stored event's cost from its stored model, tokens, speed and logged costUSD
  // with `settings.prices` and `settings.cost_mode` (SPEC §5), in one transaction; while shipping,
  // each changed event gets an outbox row as a commit gives it. Returns how many changed. The
  // derived tables are left to the caller (rebuild_rollups).
  std::int64_t reprice_events(const RollupSettings& settings);

  // Retention (schema/sqlite/012_retention.sql, rollup/retention.h). What freeze_before did.
  struct FreezeResult {
    bool frozen = false;               // the days before the date are frozen now
    bool waiting_for_outbox = false;   // not yet: shipping has rows to send first
    std::int64_t dropped_events = 0;   // raw events dropped
    std::int64_t frozen_sessions = 0;  // sessions whose dropped events' rows were kept
  };

  // Freezes the days before the local date `date`: refreshes the rollups, keeps the rows of every
  // session's events before the drop instant (retention.h, drop_before_ms) in frozen_sessions,
  // drops those events and records the state, in one transaction. While shipping, waits for an
  // empty outbox (so that no queued row names an event it drops) and then queues the freeze for
  // PostgreSQL (outbox kind 7), which does the same with its copy. Nothing when `date` is not
  // later than the current cut-off. Call with one day at a time (freeze_steps) to keep each
  // transaction short.
  FreezeResult freeze_before(const std::string& date, const RollupSettings& settings);

  // The rows of the frozen days, blocks and session parts, which a resync carries to PostgreSQL
  // (ship_batch.h); nullopt when no day is frozen.
  std::optional<FrozenHistory> frozen_history();

  // The local date of the earliest stored event; nullopt when there is none.
  std::optional<std::string> first_event_date(const Calendar& calendar);

  // Unknown models (schema/sqlite/007_unknown_models.sql, unknown_models.h).
  // The distinct model names of the stored events (one scan of usage_events).
  std::vector<std::string> stored_models();
  // The models warned about, sorted.
  std::vector<std::string> warned_models();
  void record_warned_models(const std::vector<std::string>& models);
  void forget_warned_models(const std::vector<std::string>& models);
  // A logged model's events and tokens, as of the last rollup refresh.
  struct ModelUsage {
    std::int64_t events = 0;
    std::int64_t tokens = 0;
  };
  ModelUsage model_usage(const std::string& model);

  // Records this store's source as the database's identity (schema/sqlite/006). When the database
  // was another identity's (the recorded one; in a database from before the record, the one
  // source its rows carry), every row of that identity in every table (events, checkpoints,
  // derived rows, dirty marks, settings, outbox, shipping state) is re-labelled to this source, in
  // one transaction, unless this source already has events or checkpoints here. With shipping,
  // the outbox then holds a relabel row and a resync (set_shipping), so that PostgreSQL moves the
  // same rows. Returns what changed; nothing when the database was this source's, new, or its
  // previous identity had no rows. For the one writer of the database (writer_lock.h).
  std::optional<IdentityChange> adopt_identity();

  // The schema version after migrations (the highest applied migration).
  int schema_version();

  // The outbox of the PostgreSQL shipper (shipper.h). While shipping is on for this source,
  // commit(), rebuild_rollups() and record_rate_limits() also append outbox rows naming what they
  // changed, in the same transaction. The setting is stored in the database, so every connection to it follows it.
  //
  // Turning shipping on (when it was off) queues a resync: every stored event, checkpoint and
  // rate-limit snapshot, and the removal from PostgreSQL of this source's events that are not
  // stored here. Turning it off drops the outbox. Both are no-ops when nothing changes.
  void set_shipping(bool enabled);
  bool shipping();
  // This database's shipping identity for the source: random, made when shipping is first turned
  // on, kept afterwards; empty before that.
  std::string ship_origin();
  // The outbox rows after `after_seq`, at most `max_rows` of them (at least 1 when any), as the
  // current local state of what they touched. A resync row only ever starts a batch.
  ShipBatch read_ship_batch(std::int64_t after_seq, std::size_t max_rows);
  // Deletes the outbox rows up to and including `through_seq`; returns how many there were.
  std::int64_t discard_shipped(std::int64_t through_seq);
  // Outbox rows not yet shipped.
  std::int64_t outbox_size();
  // Moves outbox row `seq` to ship_quarantine with PostgreSQL's `error` and the time `at_ms` (Unix
  // ms), in one transaction, and returns it as stored; nullopt when the outbox has no such row.
  std::optional<QuarantinedRow> quarantine_ship_row(std::int64_t seq, const std::string& error, std::int64_t at_ms);
  // Rows of this source in ship_quarantine.
  std::int64_t quarantined_rows();

  struct Impl;  // sqlite_store_impl.h

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace cu
