#pragma once
// Private to the PostgreSQL backend: the connection and the steps every write path shares,
// split over postgres_store.cpp (events, checkpoints, dirty keys), postgres_rollups.cpp (derived
// rows), postgres_queries.cpp (reads) and postgres_ship.cpp (shipping). Steps that write take the
// caller's transaction, so that one shipment is one transaction.
#include <limits>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <pqxx/pqxx>

#include "rollup/retention.h"
#include "store/postgres_store.h"
#include "store/ship_batch.h"

namespace cu {

// Rollup keys touched by a write, marked dirty in the same transaction.
struct DirtyKeys {
  std::set<std::string> dates;
  std::set<std::pair<std::string, std::string>> sessions;  // (project, session id)
  std::int64_t earliest_ms = std::numeric_limits<std::int64_t>::max();

  void touch(const Calendar& calendar, std::int64_t timestamp_ms, const std::string& project,
             const std::string& session_id);
  // Adds the places returned by a DELETE ... RETURNING ms, project, session_id.
  void touch_rows(const Calendar& calendar, const pqxx::result& places);
  bool empty() const { return dates.empty(); }
};

struct PostgresStore::Impl {
  pqxx::connection connection;
  std::string source;

  Impl(const std::string& conninfo, std::string source_name);

  // Creates the partitions of usage_events that `events` need (postgres_store.cpp), in a
  // transaction of its own: creating one locks usage_events until commit, which must not last as
  // long as the write that follows. Call before opening the write's transaction.
  void create_partitions(const std::vector<UsageEvent>& events);

  // Writes (postgres_store.cpp), in `t`.
  void apply(pqxx::work& t, const IngestBatch& batch, const RollupSettings& settings,
             const std::vector<std::int64_t>* keep_only_ids = nullptr);
  void copy_events(pqxx::work& t, const std::vector<UsageEvent>& events);
  void upsert_checkpoints(pqxx::work& t, const std::vector<Checkpoint>& checkpoints);
  void mark(pqxx::work& t, const DirtyKeys& keys);
  void mark_everything(pqxx::work& t, const RollupSettings& settings);
  // Upserts `snapshots` as a record (postgres_sql.h kRecordRateLimits: a later capture of a minute
  // replaces its row) or, `shipped`, as the local rows say (kShipRateLimits); of several of one
  // window and minute, the latest capture (the last of equal ones) is written.
  void write_rate_limits(pqxx::work& t, const std::vector<RateLimitSnapshot>& snapshots, bool shipped);

  // Rollups (postgres_rollups.cpp), in `t`; return the number of keys refreshed.
  std::int64_t refresh(pqxx::work& t, const RollupSettings& settings);
  void refresh_days(pqxx::work& t, const std::vector<std::string>& dates, const RollupSettings& settings);
  void refresh_sessions(pqxx::work& t, const std::vector<std::pair<std::string, std::string>>& sessions);
  void refresh_blocks(pqxx::work& t, std::int64_t since_ms, const RollupSettings& settings);

  std::vector<UsageEvent> select_events(const pqxx::result& rows, int first_column = 0);

  // Retention (postgres_retention.cpp), in `t`. `frozen` is the state the current refresh read.
  std::optional<RetentionState> read_retention(pqxx::work& t);
  std::optional<RetentionState> frozen;
  // The frozen parts of `sessions` (in their order; a part without a session when none).
  std::vector<SessionParts> frozen_parts(pqxx::work& t,
                                        const std::vector<std::pair<std::string, std::string>>& sessions);
  // Freezes this source's days before `date` and drops its events before `drop_before_ms`, as the
  // local database did (ShipBatch::freeze_before); nothing when they are frozen already. The
  // emptied partitions are dropped afterwards, outside `t` (drop_empty_partitions).
  void freeze(pqxx::work& t, const std::string& date, std::int64_t date_start_ms, std::int64_t drop_before_ms,
              const RollupSettings& settings);
  void drop_empty_partitions(std::int64_t before_ms);
  // Upserts a session's frozen part and removes its model rows; then its models are inserted.
  void write_frozen_session(pqxx::work& t, const SessionRow& row);
  void write_frozen_session_model(pqxx::work& t, const SessionModelRow& model);
  // Writes the frozen rows a resync carries (ship_batch.h) and the retention state, and marks the
  // frozen sessions dirty so that the refresh merges their parts (postgres_rollups.cpp).
  void write_frozen_history(pqxx::work& t, const FrozenHistory& history);
};

// A text field's bytes (NULL reads as "").
inline std::string pg_text(const pqxx::field& field) { return std::string(field.c_str(), field.size()); }

// The four token counts (input, output, cache creation, cache read) in columns first.. of `row`
// (postgres_queries.cpp).
TokenTotals read_tokens(const pqxx::row& row, int first);

// Reads one event selected with CU_PG_EVENT_COLUMNS starting at `first`.
UsageEvent read_pg_event(const pqxx::row& row, int first);

// Unix milliseconds as the text a TIMESTAMPTZ parameter takes ("YYYY-MM-DDTHH:MM:SS.sssZ").
std::string pg_time(std::int64_t timestamp_ms);

}  // namespace cu
