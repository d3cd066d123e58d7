#pragma once
// The embedded SQLite implementation of Store (WAL mode, prepared statements, one writer).
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "store/ship_batch.h"
#include "store/store.h"

namespace cu {

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
  std::int64_t load_identities(const std::function<void(StoredIdentity&&)>& visit) override;
  void commit(const IngestBatch& batch, const RollupSettings& settings) override;
  std::int64_t refresh_rollups(const RollupSettings& settings) override;
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

  // Rebuilds the derived tables when they were computed with another time zone or block length
  // than `settings` (a config change between two runs), then records the current ones. Returns
  // whether it rebuilt.
  bool rebuild_if_settings_changed(const RollupSettings& settings);

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
  // commit() and rebuild_rollups() also append outbox rows naming what they changed, in the same
  // transaction. The setting is stored in the database, so every connection to it follows it.
  //
  // Turning shipping on (when it was off) queues a resync: every stored event and checkpoint, and
  // the removal from PostgreSQL of this source's events that are not stored here. Turning it off
  // drops the outbox. Both are no-ops when nothing changes.
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

  struct Impl;  // sqlite_store_impl.h

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace cu
