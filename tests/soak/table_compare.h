#pragma once
// Compares the daemon's tables with a clean reference run's, table by table: usage_events (by
// identity and values, not by id or source file: deduplication may keep either of two identical
// duplicates), daily_usage_summary, model_daily_usage, cache_analytics, usage_blocks,
// claude_sessions and session_model_usage. Money compares within 1e-6 (PostgreSQL's NUMERIC
// against SQLite's REAL).
#include <cstdint>
#include <string>
#include <vector>

#include "store/store.h"

namespace cu::soak {

struct Comparison {
  std::int64_t events_checked = 0;
  std::int64_t mismatches = 0;       // rows (or events) that differ, over all tables
  std::vector<std::string> details;  // the first few differences of each table
};

Comparison compare_stores(Store& reference, Store& actual);

// A former identity's rows in `store` (opened under that identity), which an identity change must
// have moved: each table's rows count as mismatches in `out`, with one detail line naming them.
void count_left_behind(const std::string& former_identity, Store& store, Comparison& out);

// Cheap check for waiting: same event count and same daily rows.
bool same_events_and_days(Store& reference, Store& actual);

}  // namespace cu::soak
