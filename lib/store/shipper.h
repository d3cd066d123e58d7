#pragma once
// Forwards the local SQLite outbox to PostgreSQL (docs/ARCHITECTURE.md, "PostgreSQL"): SQLite is
// always written first and answers every query; the Shipper brings PostgreSQL up to date in seq
// order, exactly once, whenever PostgreSQL is reachable, and backs off while it is not.
//
// Driven step by step: ship_some() does one bounded unit of work and says when to call it again,
// so the daemon runs it on a thread of its own (ShipperThread) and tests drive it without threads.
// Not thread-safe, except cancel(); the local store must not be used by another thread during a
// call.
//
// A call may block on the network: at most one connection attempt (libpq connect_timeout per
// address, PostgresOptions, after a host name lookup that nothing bounds) or one batch (each
// statement bounded by statement_timeout on the server and by TCP keepalives / tcp_user_timeout
// when the network goes away).
//
// A row PostgreSQL refuses (PostgresRefused: its data, not the connection) is quarantined: the
// refused batch is halved, step by step, until the one outbox row at fault is alone; that row
// moves to the local ship_quarantine table, one error is logged naming it, and shipping goes on.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "core/backoff.h"
#include "core/log_level.h"
#include "store/postgres_connection.h"
#include "store/postgres_module.h"
#include "store/sqlite_store.h"
#include "store/team_store.h"

namespace cu {

struct ShipperStatus {
  // "postgres": connected and caught up since the last failure; "sqlite-fallback": PostgreSQL is
  // unreachable (or was, and the backlog is still replaying); "sqlite": no PostgreSQL configured
  // (never set by a Shipper; the default for a daemon without one).
  std::string backend = "sqlite";
  std::int64_t backlog = 0;          // outbox rows not yet shipped
  std::string last_error;            // the last failure, passwords redacted; "" before any
  std::int64_t last_success_ms = 0;  // last successful write to PostgreSQL (Unix ms); 0: never
  std::int64_t shipped_rows = 0;     // outbox rows applied by this Shipper
  std::int64_t skipped_rows = 0;     // outbox rows found already applied (after a crash)
  std::int64_t quarantined_rows = 0;  // outbox rows PostgreSQL refused, kept in ship_quarantine
  std::int64_t failures = 0;         // consecutive failures
  std::int64_t next_attempt_ms = 0;  // while failing: when the next connection attempt may happen
};

// What one ship_some() did and when to call it again.
struct ShipStep {
  std::int64_t rows = 0;              // outbox rows applied, found already applied or quarantined
  std::chrono::milliseconds next{0};  // 0: more is waiting
  bool idle = false;                  // the outbox was found empty
};

struct ShipperOptions {
  std::size_t batch_rows = 5000;  // outbox rows per PostgreSQL transaction
  std::chrono::milliseconds backoff_initial{1000};
  std::chrono::milliseconds backoff_max{60000};
  std::chrono::milliseconds idle_poll{1000};  // next call after the outbox was found empty
  // While a backlog replays, rollups are refreshed with the last batch, and at least this often:
  // refreshing after every batch would recompute the same days once per batch.
  std::chrono::milliseconds refresh_interval{30000};
  std::chrono::milliseconds block_status_interval{60000};  // active blocks completed in PostgreSQL
  std::function<std::int64_t()> clock;  // Unix ms; default: the wall clock
  std::uint64_t jitter_seed = 0;        // 0: random
  // Receives the state-change messages (one warning when PostgreSQL becomes unavailable, one
  // notice when it is caught up again); default: lib/log.
  std::function<void(LogLevel, const std::string&)> log;
  // Test hook: runs after PostgreSQL committed a batch and before the local rows are deleted;
  // throwing there simulates a crash at the worst moment.
  std::function<void()> after_remote_commit;
};

class Shipper {
 public:
  // Makes a connected, migrated team store (a PostgresStore) or throws.
  using Connector = std::function<std::unique_ptr<TeamStore>()>;

  // Turns shipping on in `local` (which queues everything stored when it was off). `local`,
  // settings.calendar and settings.prices must outlive the Shipper.
  Shipper(SqliteStore& local, Connector connect, RollupSettings settings, ShipperOptions options = {});

  // The Connector of the daemon: PostgresStore(options, source), made by `backend`, the PostgreSQL
  // module (postgres_module.h; by default the one next to the running program).
  static Connector connector(PostgresOptions options, std::string source,
                             const PostgresBackend& backend = load_postgres_backend());

  // One unit of work: when disconnected and the backoff has elapsed, a connection attempt
  // followed by one batch; when connected, one batch of at most `max_rows` outbox rows (applied
  // with the seq it reaches in one PostgreSQL transaction, then deleted locally); when the outbox
  // is empty, pending rollup and block-status refreshes. A batch PostgreSQL refuses is not
  // applied: the next calls ship halves of it, and quarantine the row at fault once it is alone
  // (the connection stays). Never throws: failures switch to sqlite-fallback and schedule a retry.
  ShipStep ship_some(std::size_t max_rows);
  ShipStep ship_some() { return ship_some(options_.batch_rows); }

  // Ships until the outbox is empty (true; refused rows quarantined) or a failure (false),
  // ignoring the backoff once; for --once and tests.
  bool drain();

  // Lets the next ship_some() try to connect at once (drain(), tests).
  void retry_now() { status_.next_attempt_ms = 0; }

  // Thread-safe: ends the ship_some() running on another thread as soon as it can: its running
  // statement is cancelled, and after a connection attempt under way (which nothing interrupts)
  // no batch follows. Every later ship_some() does nothing. Logs nothing.
  void cancel();

  // The current status; the backlog is counted anew (one COUNT over the local outbox).
  const ShipperStatus& status();

 private:
  void connect();
  void set_remote(std::unique_ptr<TeamStore> remote);
  ShipStep ship_batch(std::size_t max_rows, std::int64_t now);
  ShipStep refused(const ShipBatch& batch, const PostgresRefused& refusal, std::int64_t now);
  void quarantine(std::int64_t seq, const std::string& error, std::int64_t now);
  void when_idle(std::int64_t now);
  void fail(const std::exception& error, std::int64_t now);
  void refresh_backlog();
  void log(LogLevel level, const std::string& message) const;

  SqliteStore& local_;
  Connector connect_;
  RollupSettings settings_;
  ShipperOptions options_;
  Backoff backoff_;
  std::string origin_;
  std::unique_ptr<TeamStore> remote_;  // written under remote_mutex_ (cancel() reads it)
  std::mutex remote_mutex_;
  std::atomic<bool> cancelled_{false};
  std::int64_t shipped_seq_ = 0;   // PostgreSQL's recorded seq, while connected
  bool remote_dirty_ = true;       // PostgreSQL may hold dirty rollup keys
  bool warned_ = false;            // the unavailability warning was logged
  std::int64_t last_refresh_ms_ = 0;
  std::int64_t last_block_status_ms_ = 0;
  // While a refused batch is bisected: at most this many rows per batch until PostgreSQL has
  // every seq up to probe_end_seq_ (0: no bisection under way).
  std::size_t probe_rows_ = 0;
  std::int64_t probe_end_seq_ = 0;
  ShipperStatus status_;
};

}  // namespace cu
