#pragma once
// What one step of shipping carries from the local outbox (SqliteStore) to PostgreSQL
// (PostgresStore::apply_shipment). See docs/ARCHITECTURE.md, "PostgreSQL".
#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store/store.h"

namespace cu {

// The path of a freeze outbox row (kind 7): the first day not frozen and its first instant,
// "YYYY-MM-DD <ms>"; and back (nullopt for another text).
inline std::string freeze_row_path(const std::string& frozen_before, std::int64_t frozen_before_ms) {
  return frozen_before + " " + std::to_string(frozen_before_ms);
}
inline std::optional<std::pair<std::string, std::int64_t>> parse_freeze_row_path(std::string_view path) {
  const std::size_t space = path.find(' ');
  if (space != 10) return std::nullopt;
  std::int64_t ms = 0;
  const std::string_view number = path.substr(space + 1);
  const auto [end, error] = std::from_chars(number.data(), number.data() + number.size(), ms);
  if (error != std::errc() || end != number.data() + number.size()) return std::nullopt;
  return std::pair{std::string(path.substr(0, space)), ms};
}

// The rows of the days a local database froze (retention), which PostgreSQL cannot compute from
// the events it is sent: they travel with a resync, so that turning shipping on after a freeze
// brings the frozen history too.
struct FrozenHistory {
  RetentionState state;
  std::vector<DailySummaryRow> days;       // dates before state.frozen_before
  std::vector<ModelDailyRow> models;       // of those dates
  std::vector<CacheAnalyticsRow> caches;   // of those dates
  std::vector<UsageBlock> blocks;          // starting before state.dropped_before_ms
  std::vector<SessionRow> sessions;        // the frozen parts of sessions (frozen_sessions)
  std::vector<SessionModelRow> session_models;
};

// A run of outbox rows (seq after the last shipped one, up to `last_seq`) turned into the current
// local state of every key they touched. Applying it makes PostgreSQL's copy of those keys equal
// to the local one, so applying it twice changes nothing.
struct ShipBatch {
  std::string origin;         // the local database's shipping identity (SqliteStore::ship_origin)
  std::int64_t last_seq = 0;  // the highest outbox seq covered
  std::int64_t rows = 0;      // outbox rows covered

  // Every touched event id is in changes.removed_ids; those still stored locally are also in
  // changes.inserted (as stored now). Checkpoints are the current values of the touched paths.
  IngestBatch changes;
  // The current local rows of the touched rate-limit snapshot keys (window, minute), in key order.
  // Rows are never removed locally, so every touched key has one.
  std::vector<RateLimitSnapshot> rate_limits;

  // The run starts a resync: before `changes`, PostgreSQL drops this source's events whose ids
  // are not in `keep_ids` (every id stored locally).
  bool resync = false;
  std::vector<std::int64_t> keep_ids;
  // With `resync`, when the local database froze days: their rows.
  std::optional<FrozenHistory> frozen_history;

  // The local rollups were rebuilt (time zone change, --rebuild): rebuild the remote ones too.
  bool rebuild = false;

  // Not empty: the database's identity changed from this source to the store's (a batch of one
  // outbox row, with `rebuild`). PostgreSQL moves that source's rows to the new one if this
  // database (`origin`) shipped them; a resync follows.
  std::string relabel_from;

  // Set: retention froze the days before this local date, which ended at `freeze_before_ms`, and
  // dropped the raw events before `freeze_drop_before_ms` locally (a batch of one outbox row, kind
  // 7). PostgreSQL freezes the same days of the source and drops the same events of its copy.
  std::optional<std::string> freeze_before;
  std::int64_t freeze_before_ms = 0;
  std::int64_t freeze_drop_before_ms = 0;

  bool empty() const { return rows == 0; }
};

}  // namespace cu
