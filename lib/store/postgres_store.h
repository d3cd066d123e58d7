#pragma once
// The PostgreSQL implementation of Store (libpqxx): the team database many daemons share, each
// writing only rows of its own `source` (SPEC §7). One instance is one connection: not
// thread-safe; after any exception the instance should be dropped (the connection may be broken).
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include "store/postgres_connection.h"
#include "store/ship_batch.h"
#include "store/store.h"

namespace cu {

// PostgreSQL cannot be reached or used; the message never holds a password.
class PostgresError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The source's rows in PostgreSQL were shipped from another local database (another origin):
// two machines share an identity, or the local database was recreated.
class ShipConflict : public PostgresError {
 public:
  using PostgresError::PostgresError;
};

// PostgreSQL refused the data of a statement: SQLSTATE class 22 (data exception, e.g. a numeric
// field overflow) or 23 (integrity constraint violation). Sending the same data again fails the
// same way; the connection stays usable.
class PostgresRefused : public PostgresError {
 public:
  using PostgresError::PostgresError;
};

// Whether an error of SQLSTATE `sqlstate` is a refusal of the data (class 22 or 23), as opposed to
// one of the connection, the server or the statement.
bool is_refusal_sqlstate(std::string_view sqlstate);

class PostgresStore : public Store {
 public:
  // Connects (blocking at most about options.connect_timeout per address) and applies pending
  // migrations from schema/postgres/. Rows are written under `source`. Throws PostgresError or
  // PostgresConfigError.
  PostgresStore(const PostgresOptions& options, std::string source);
  ~PostgresStore() override;

  std::string backend() const override { return "postgres"; }
  std::vector<Checkpoint> load_checkpoints() override;
  void load_message_keys(const std::function<void(std::int64_t)>& visit) override;
  std::int64_t max_event_id() override;
  std::vector<StoredIdentity> identities_of_message(const std::string& message_id) override;
  // Idempotent: events are upserted on (source, id) and rollup keys on their natural keys, so
  // committing a batch twice leaves the tables as committing it once.
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
  std::optional<RetentionState> retention() override;
  std::vector<StoredEventKey> events_of_file(const std::string& project, const std::string& session_id,
                                             const std::string& file) override;
  // Rate limits (postgres_rate_limits.cpp); record_rate_limits is one statement.
  void record_rate_limits(const std::vector<RateLimitSnapshot>& snapshots) override;
  std::vector<RateLimitSnapshot> rate_limit_snapshots(const RateLimitFilter& filter) override;
  std::vector<RateLimitSnapshot> latest_rate_limits() override;
  std::vector<UsagePoint> usage_points(std::int64_t from_ms, std::int64_t to_ms) override;

  int schema_version();

  // Shipping (shipper.h). The highest outbox seq of this source already applied here (0: none).
  // Throws ShipConflict when the source was shipped from a database other than `origin`.
  std::int64_t shipped_seq(const std::string& origin);

  // Applies `batch` and records batch.last_seq as shipped, in one transaction, unless that seq is
  // already recorded (returns false: nothing applied). With `refresh`, the rollups are refreshed
  // in the same transaction; otherwise their keys stay marked dirty for a later refresh.
  // Throws ShipConflict as shipped_seq() does, and PostgresRefused when PostgreSQL refuses the
  // batch's data (the transaction is rolled back).
  bool apply_shipment(const ShipBatch& batch, const RollupSettings& settings, bool refresh);

  // Thread-safe (the one member that is): asks the server to cancel the statement this
  // connection is running, if any; that statement then fails. Never throws.
  void cancel() noexcept;

  struct Impl;  // postgres_store_impl.h

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace cu
