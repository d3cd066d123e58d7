#include "store/shipper.h"

#include <fmt/format.h>

#include "core/time.h"
#include "log/log.h"
#include "rollup/calendar.h"

namespace cu {
namespace {

std::uint64_t seed_of(const ShipperOptions& options) {
  return options.jitter_seed != 0 ? options.jitter_seed : std::random_device()();
}

// PostgreSQL's multi-line message (ERROR, DETAIL, CONTEXT) on one line.
std::string one_line(std::string_view text) {
  std::string line;
  for (const char c : text) {
    if (c != '\n') {
      line += c;
    } else if (!line.empty() && line.back() != ' ') {
      line += ' ';
    }
  }
  while (!line.empty() && line.back() == ' ') line.pop_back();
  return line;
}

// What a quarantined row named, for the journal.
std::string describe(const QuarantinedRow& row) {
  switch (row.kind) {
    case 1:  // an event
      return row.file.empty() ? fmt::format("event {} (no longer stored)", row.event_id)
                              : fmt::format("event {} (file {}, offset {}, model {})", row.event_id, row.file,
                                            row.line_offset, row.model);
    case 2: return fmt::format("the checkpoint of {}", row.path);
    case 6:  // a rate-limit snapshot: its window and minute
      return fmt::format("the {} rate-limit snapshot of {}", row.path, format_timestamp_ms(row.event_id * 60'000));
    default: return fmt::format("outbox row {} (kind {})", row.seq, row.kind);
  }
}

}  // namespace

Shipper::Shipper(SqliteStore& local, Connector connect, RollupSettings settings, ShipperOptions options)
    : local_(local),
      connect_(std::move(connect)),
      settings_(settings),
      options_(std::move(options)),
      backoff_(options_.backoff_initial, options_.backoff_max, seed_of(options_)) {
  if (!options_.clock) options_.clock = [] { return now_ms(); };
  last_refresh_ms_ = options_.clock();
  local_.set_shipping(true);
  origin_ = local_.ship_origin();
  status_.backend = "sqlite-fallback";  // until PostgreSQL has everything
  refresh_backlog();
}

Shipper::Connector Shipper::connector(PostgresOptions options, std::string source, const PostgresBackend& backend) {
  return [&backend, options = std::move(options), source = std::move(source)] { return backend.connect(options, source); };
}

ShipStep Shipper::ship_some(std::size_t max_rows) {
  const std::int64_t now = options_.clock();
  if (cancelled_) return ShipStep{0, options_.idle_poll};
  if (remote_ == nullptr && now < status_.next_attempt_ms) {
    return ShipStep{0, std::chrono::milliseconds(status_.next_attempt_ms - now)};
  }
  ShipStep step;
  try {
    if (remote_ == nullptr) connect();
    if (cancelled_) return ShipStep{0, options_.idle_poll};
    std::size_t limit = std::max<std::size_t>(max_rows, 1);
    if (probe_rows_ > 0) limit = std::min(limit, probe_rows_);
    step = ship_batch(limit, now);
  } catch (const std::exception& error) {
    fail(error, now);
    step = ShipStep{0, std::chrono::milliseconds(status_.next_attempt_ms - now)};
  }
  refresh_backlog();
  return step;
}

const ShipperStatus& Shipper::status() {
  refresh_backlog();
  return status_;
}

bool Shipper::drain() {
  retry_now();
  for (;;) {
    const ShipStep step = ship_some();
    if (remote_ == nullptr) return false;
    if (step.idle) return true;
  }
}

void Shipper::cancel() {
  cancelled_ = true;
  std::lock_guard lock(remote_mutex_);
  if (remote_ != nullptr) remote_->cancel();
}

void Shipper::set_remote(std::unique_ptr<TeamStore> remote) {
  std::lock_guard lock(remote_mutex_);
  remote_ = std::move(remote);
}

// After a crash between PostgreSQL's commit and the local delete, the local outbox still holds
// rows PostgreSQL has: they are dropped here, never applied twice.
void Shipper::connect() {
  set_remote(connect_());
  shipped_seq_ = remote_->shipped_seq(origin_);
  remote_dirty_ = true;
  status_.skipped_rows += local_.discard_shipped(shipped_seq_);
  if (warned_) log(LogLevel::kInfo, "PostgreSQL is reachable again; replaying the SQLite backlog");
}

ShipStep Shipper::ship_batch(std::size_t max_rows, std::int64_t now) {
  const ShipBatch batch = local_.read_ship_batch(shipped_seq_, max_rows);
  if (batch.empty()) {
    when_idle(now);
    return ShipStep{0, options_.idle_poll, true};
  }
  const bool last = static_cast<std::size_t>(batch.rows) < max_rows;
  const bool refresh = last || now - last_refresh_ms_ >= options_.refresh_interval.count();
  bool applied = false;
  try {
    applied = remote_->apply_shipment(batch, settings_, refresh);
  } catch (const PostgresRefused& refusal) {
    return refused(batch, refusal, now);
  }
  shipped_seq_ = batch.last_seq;
  if (shipped_seq_ >= probe_end_seq_) probe_rows_ = 0;
  status_.last_success_ms = now;
  if (applied && (refresh || batch.rebuild)) {
    remote_dirty_ = false;
    last_refresh_ms_ = now;
  } else if (applied) {
    remote_dirty_ = true;
  }
  if (options_.after_remote_commit) options_.after_remote_commit();
  local_.discard_shipped(batch.last_seq);
  (applied ? status_.shipped_rows : status_.skipped_rows) += batch.rows;
  backoff_.reset();
  status_.failures = 0;
  return ShipStep{batch.rows, std::chrono::milliseconds(0)};
}

// Nothing of `batch` was applied. A batch of several rows is halved (the next batches take half
// as many rows until PostgreSQL has every seq of this one); a single row is the one at fault.
ShipStep Shipper::refused(const ShipBatch& batch, const PostgresRefused& refusal, std::int64_t now) {
  if (batch.rows > 1) {
    probe_rows_ = static_cast<std::size_t>(batch.rows / 2);
    probe_end_seq_ = std::max(probe_end_seq_, batch.last_seq);
    return ShipStep{0, std::chrono::milliseconds(0)};
  }
  quarantine(batch.last_seq, one_line(refusal.what()), now);
  return ShipStep{1, std::chrono::milliseconds(0)};
}

// Moves outbox row `seq` aside and logs it once; the next batches are full-sized again (another
// refused row among them is found the same way).
void Shipper::quarantine(std::int64_t seq, const std::string& error, std::int64_t now) {
  const std::optional<QuarantinedRow> row = local_.quarantine_ship_row(seq, error, now);
  probe_rows_ = 0;
  probe_end_seq_ = 0;
  if (!row) return;
  ++status_.quarantined_rows;
  log(LogLevel::kError, fmt::format("PostgreSQL refused {}; it stays in SQLite (table ship_quarantine, seq {}) "
                                    "and shipping goes on without it: {}",
                                    describe(*row), seq, error));
}

void Shipper::when_idle(std::int64_t now) {
  if (remote_dirty_) {
    remote_->refresh_rollups(settings_);
    remote_dirty_ = false;
    last_refresh_ms_ = now;
    status_.last_success_ms = now;
  }
  if (now - last_block_status_ms_ >= options_.block_status_interval.count()) {
    remote_->refresh_block_status(settings_);
    last_block_status_ms_ = now;
  }
  backoff_.reset();
  status_.failures = 0;
  if (status_.backend != "postgres") {
    status_.backend = "postgres";  // first, so the log line carries the new backend
    if (warned_) log(LogLevel::kNotice, "PostgreSQL caught up; backend postgres");
    warned_ = false;
  }
}

void Shipper::fail(const std::exception& error, std::int64_t now) {
  set_remote(nullptr);
  status_.backend = "sqlite-fallback";
  status_.last_error = redact_postgres_url(error.what());
  ++status_.failures;
  const std::chrono::milliseconds delay = backoff_.next_delay();
  status_.next_attempt_ms = now + delay.count();
  if (cancelled_) return;  // the failure is the cancellation's
  if (!warned_) {
    log(LogLevel::kWarning, fmt::format("shipping to PostgreSQL failed; events stay in SQLite and are replayed "
                                        "once it works again (retrying with backoff): {}",
                                        status_.last_error));
    warned_ = true;
  } else {
    log(LogLevel::kDebug, fmt::format("PostgreSQL still unavailable, next attempt in {} ms: {}", delay.count(),
                                      status_.last_error));
  }
}

void Shipper::refresh_backlog() {
  try {
    status_.backlog = local_.outbox_size();
    status_.quarantined_rows = local_.quarantined_rows();
  } catch (const std::exception& error) {
    status_.last_error = error.what();
  }
}

void Shipper::log(LogLevel level, const std::string& message) const {
  if (options_.log) {
    options_.log(level, message);
  } else if (log::enabled(level)) {
    log::write(level, message, {{"CLAUDE_BACKEND", status_.backend}});
  }
}

}  // namespace cu
