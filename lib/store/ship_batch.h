#pragma once
// What one step of shipping carries from the local outbox (SqliteStore) to PostgreSQL
// (PostgresStore::apply_shipment). See docs/ARCHITECTURE.md, "PostgreSQL".
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/store.h"

namespace cu {

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

  // Set: retention froze the days before this local date and dropped the raw events before
  // `freeze_drop_before_ms` locally (a batch of one outbox row, kind 7). PostgreSQL freezes the
  // same days of the source and drops the same events of its copy.
  std::optional<std::string> freeze_before;
  std::int64_t freeze_drop_before_ms = 0;

  bool empty() const { return rows == 0; }
};

}  // namespace cu
