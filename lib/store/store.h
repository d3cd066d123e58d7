#pragma once
// The storage interface (SPEC §7): one small contract implemented by SQLite and PostgreSQL and
// exercised by one shared contract suite. Implementations own all their SQL.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ingest/usage_event.h"
#include "rollup/rows.h"

namespace cu {

class Calendar;

// Where reading a file stopped: the first byte not yet consumed, and how to recognize the file.
struct Checkpoint {
  std::string path;  // absolute path of the file when it was read
  std::uint64_t device = 0;
  std::uint64_t inode = 0;
  std::string fingerprint;  // of the file's first bytes; see file_fingerprint()
  std::int64_t offset = 0;

  friend bool operator==(const Checkpoint&, const Checkpoint&) = default;
};

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

// What a rollup refresh needs to know about the configuration.
struct RollupSettings {
  const Calendar* calendar = nullptr;  // local dates
};

class Store {
 public:
  virtual ~Store() = default;

  // "sqlite" or "postgres".
  virtual std::string backend() const = 0;

  virtual std::vector<Checkpoint> load_checkpoints() = 0;

  // Calls `visit` for every stored event; returns the largest event id (0 when empty).
  virtual std::int64_t load_identities(const std::function<void(StoredIdentity&&)>& visit) = 0;

  // Applies `batch` atomically and records which rollup keys (dates, sessions) it touched, so that
  // refresh_rollups() brings them up to date even after a crash in between.
  virtual void commit(const IngestBatch& batch, const RollupSettings& settings) = 0;

  // Recomputes every derived row whose inputs changed since the last refresh, atomically.
  // Returns the number of rows rewritten.
  virtual std::int64_t refresh_rollups(const RollupSettings& settings) = 0;

  // Recomputes every derived table from usage_events (time zone change, --rebuild).
  virtual void rebuild_rollups(const RollupSettings& settings) = 0;

  // Reads for reports and tests.
  virtual std::vector<DailySummaryRow> daily_summaries() = 0;
  virtual std::vector<SessionRow> sessions() = 0;
  virtual std::int64_t event_count() = 0;
};

// Fingerprint of a file's first bytes: "<length>:<hex hash>" over min(size, kFingerprintBytes).
inline constexpr std::size_t kFingerprintBytes = 1024;
std::string fingerprint_bytes(std::string_view first_bytes);

}  // namespace cu
