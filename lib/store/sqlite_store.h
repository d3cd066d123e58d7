#pragma once
// The embedded SQLite implementation of Store (WAL mode, prepared statements, one writer).
#include <filesystem>
#include <memory>
#include <string>

#include "store/store.h"

namespace cu {

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

  // The schema version after migrations (the highest applied migration).
  int schema_version();

  struct Impl;  // sqlite_store_impl.h

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace cu
