#pragma once
// Private to the SQLite backend: the connection, its prepared statements and row readers, shared
// by sqlite_store.cpp (writes), sqlite_rollups.cpp (derived rows) and sqlite_queries.cpp (reads).
#include <cstddef>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <SQLiteCpp/SQLiteCpp.h>

#include "store/bulk_load_events.h"
#include "store/ordered_refresh.h"
#include "store/sqlite_store.h"
#include "store/wal_checkpointer.h"

namespace cu {

// Kinds of ship_outbox rows (schema/sqlite/003_outbox.sql).
inline constexpr int kOutboxEvent = 1;
inline constexpr int kOutboxCheckpoint = 2;
inline constexpr int kOutboxResync = 3;
inline constexpr int kOutboxRebuild = 4;
inline constexpr int kOutboxRelabel = 5;
inline constexpr int kOutboxRateLimit = 6;  // schema/sqlite/009_rate_limits.sql
inline constexpr int kOutboxFreeze = 7;     // path: the frozen_before date; event_id: dropped_before_ms

// The rows of sql::kInsertEvents, and the parameters of each.
inline constexpr std::size_t kInsertedTogether = 16;
inline constexpr int kEventColumns = 24;

struct SqliteStore::Impl {
  SQLite::Database db;
  std::string source;
  SQLite::Statement insert_event;
  SQLite::Statement insert_events;  // kInsertedTogether rows
  SQLite::Statement event_place;
  SQLite::Statement delete_event;
  SQLite::Statement upsert_checkpoint;
  SQLite::Statement mark_date;
  SQLite::Statement mark_session;
  SQLite::Statement mark_blocks;
  SQLite::Statement shipping_enabled;
  SQLite::Statement outbox_event;
  SQLite::Statement outbox_checkpoint;
  SQLite::Statement outbox_marker;
  // Statements prepared on first use by cached(), keyed by their SQL constant's address. Declared
  // after `db`, so they are finalized before the connection closes.
  std::unordered_map<const char*, std::unique_ptr<SQLite::Statement>> statements;
  bool event_indexes_deferred = false;  // this connection dropped them for a bulk load
  // While event_indexes_deferred: the events this connection committed since (bulk_load_events.h).
  BulkLoadEvents bulk_events;
  // While event_indexes_deferred: checkpoints the log after each commit, in place of this
  // connection's autocheckpoint. Declared after `db`: stopped before the connection closes.
  std::unique_ptr<WalCheckpointer> checkpointer;

  Impl(const std::filesystem::path& path, std::string source_name);

  // A transaction on `db` that, ended without commit() (an exception), resets every prepared
  // statement before it rolls back: a statement left mid-scan by the exception (a refresh's scan
  // of events whose row writer threw) would keep the connection's read snapshot open, and every
  // later transaction of the connection would see the database as it was then.
  class Transaction {
   public:
    explicit Transaction(Impl& impl,
                         SQLite::TransactionBehavior behavior = SQLite::TransactionBehavior::IMMEDIATE)
        : impl_(impl), transaction_(impl.db, behavior) {}
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    ~Transaction() {
      if (!committed_) impl_.reset_statements();
    }  // then transaction_ rolls back
    void commit() {
      transaction_.commit();
      committed_ = true;
    }

   private:
    Impl& impl_;
    SQLite::Transaction transaction_;
    bool committed_ = false;
  };
  void reset_statements() noexcept;

  // Resets `statement` and binds `values` to ?1, ?2, ... (an empty optional binds NULL).
  template <typename... Values>
  static void run_bind(SQLite::Statement& statement, const Values&... values) {
    statement.reset();
    statement.clearBindings();
    int index = 1;
    (bind_value(statement, index++, values), ...);
  }
  // run_bind, then executes a statement that returns no rows.
  template <typename... Values>
  static void run(SQLite::Statement& statement, const Values&... values) {
    run_bind(statement, values...);
    statement.exec();
  }
  template <typename Value>
  static void bind_value(SQLite::Statement& statement, int index, const Value& value) {
    statement.bind(index, value);
  }
  static void bind_value(SQLite::Statement& statement, int index, const std::optional<std::string>& value) {
    if (value) statement.bind(index, *value);
  }
  // The first column of the one row `query` (a count or a flag) returns with `values` bound. The
  // statement is reset afterwards, so that a cached one holds no read snapshot open.
  template <typename... Values>
  static std::int64_t integer_of(SQLite::Statement& query, const Values&... values) {
    run_bind(query, values...);
    query.executeStep();
    const std::int64_t value = query.getColumn(0).getInt64();
    query.reset();
    return value;
  }
  // The first column of every row `query` returns, as text.
  static std::vector<std::string> strings_of(SQLite::Statement& query) {
    std::vector<std::string> values;
    while (query.executeStep()) values.push_back(query.getColumn(0).getString());
    return values;
  }

  // The statement for `sql` (one of the sqlite_sql.h constants), prepared once per connection.
  SQLite::Statement& cached(const char* sql);

  // Builds the secondary indexes of usage_events when this connection deferred them (sqlite_sql.h);
  // the caller clears event_indexes_deferred once its transaction has committed.
  void ensure_event_indexes();
  // Begins and ends a bulk load: defers the indexes and moves checkpoints to `checkpointer`, and
  // back (the caller's transaction has committed).
  // Whether committing `batch` begins a bulk load: a large first commit into an empty table.
  bool begins_bulk_load(const IngestBatch& batch);
  void begin_bulk_load();
  void end_bulk_load();
  void build_deferred_time_index();

  // Inserts one event, or kInsertedTogether in one statement.
  void insert(std::span<const UsageEvent> events);
  // What a batch touched: the rollup keys to recompute.
  struct Touched {
    std::set<std::string> dates;
    std::set<SessionKey> sessions;
    std::optional<std::int64_t> earliest_ms;  // set when `dates` is not empty
  };
  // Deletes, inserts and checkpoints what `batch` holds (with their outbox rows), in the caller's
  // transaction; returns the keys it touched.
  Touched apply_batch(const IngestBatch& batch, const RollupSettings& settings);
  // Recomputes the keys of `touched` and those of the dirty marks, and clears the marks, in the
  // caller's transaction. Returns the number of keys.
  std::int64_t refresh_marked(const Touched& touched, const RollupSettings& settings);
  // Whether commits of this source append to the outbox (sqlite_outbox.cpp); read in the
  // caller's transaction, so that every connection follows set_shipping().
  bool shipping_on();
  // Queues every stored event, checkpoint and rate-limit snapshot after a resync row
  // (sqlite_outbox.cpp), in the caller's transaction.
  void queue_resync();
  // Queues the move of `previous`'s rows in PostgreSQL when this database ever shipped (it has a
  // ship_state), dropping the rows queued before it but other relabels: the resync that follows
  // while shipping is on covers them. In the caller's transaction.
  void queue_relabel(const std::string& previous);
  std::vector<UsageEvent> select_events(SQLite::Statement& query);
  // The current rows of the rate-limit keys the outbox rows (after_seq, through_seq] name
  // (sqlite_rate_limits.cpp).
  std::vector<RateLimitSnapshot> outbox_rate_limits(std::int64_t after_seq, std::int64_t through_seq);
  // Events of this source in usage_events.
  std::int64_t count_events();

  // Rollups (sqlite_rollups.cpp): recompute the rows of the given dirty keys from usage_events
  // (or from bulk_events), building the deferred indexes first (or meanwhile).
  // `blocks_since_ms`, when set, is the earliest change the blocks must be recomputed from.
  void refresh_dirty(const std::vector<std::string>& dates, const std::set<SessionKey>& sessions,
                     std::optional<std::int64_t> blocks_since_ms, const RollupSettings& settings,
                     const std::string& now);
  // Removes the stored blocks a recomputation from `since_ms` replaces; returns where it resumes.
  BlockResumePoint prepare_blocks(std::int64_t since_ms);
  // Retention (sqlite_retention.cpp). `frozen` is the state as the current refresh or freeze read
  // it; write_session_rows merges a session's frozen part while it is set.
  std::optional<RetentionState> read_retention();
  std::optional<RetentionState> frozen;
  SessionRows frozen_part(const SessionKey& key);
  // `later` (a session's rows computed from its stored events, or from events about to be dropped
  // after the ones frozen before) merged with the session's frozen part (rollup/retention.h).
  SessionRows with_frozen_part(const SessionRows& later);
  void write_frozen_part(const SessionRows& rows);

  void write_date_rows(const DateRows& rows, const std::string& now);
  void write_session_rows(const SessionRows& rows, const std::string& now);
  void write_block(const UsageBlock& block, const std::string& now);
};

// The four token counts (input, output, cache creation, cache read) in columns first_column.. of
// `row` (sqlite_queries.cpp).
TokenTotals read_tokens(SQLite::Statement& row, int first_column);

// Reads one row selected with CU_SQLITE_EVENT_COLUMNS.
UsageEvent read_event(SQLite::Statement& row);

// Parses a stored "YYYY-MM-DDTHH:MM:SS.sssZ"; throws std::runtime_error on a corrupt value.
std::int64_t parse_stored_time(std::string_view text);

// The current time to judge blocks by.
std::int64_t settings_now(const RollupSettings& settings);

}  // namespace cu
