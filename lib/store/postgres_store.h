#pragma once
// The PostgreSQL implementation of Store (libpqxx): the team database many daemons share, each
// writing only rows of its own `source` (SPEC §7). One instance is one connection: not
// thread-safe; after any exception the instance should be dropped (the connection may be broken).
#include <memory>
#include <string>
#include <string_view>

#include "store/postgres_conninfo.h"
#include "store/team_store.h"

namespace cu {

// Whether an error of SQLSTATE `sqlstate` is a refusal of the data (class 22 or 23), as opposed to
// one of the connection, the server or the statement.
bool is_refusal_sqlstate(std::string_view sqlstate);

class PostgresStore : public TeamStore {
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

  // Shipping (shipper.h; team_store.h says what each promises).
  std::int64_t shipped_seq(const std::string& origin) override;
  bool apply_shipment(const ShipBatch& batch, const RollupSettings& settings, bool refresh) override;
  void cancel() noexcept override;

  struct Impl;  // postgres_store_impl.h

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace cu
