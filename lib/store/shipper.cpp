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

Shipper::Connector Shipper::connector(PostgresOptions options, std::string source) {
  return [options = std::move(options), source = std::move(source)] {
    return std::make_unique<PostgresStore>(options, source);
  };
}

ShipStep Shipper::ship_some(std::size_t max_rows) {
  const std::int64_t now = options_.clock();
  if (remote_ == nullptr && now < status_.next_attempt_ms) {
    return ShipStep{0, std::chrono::milliseconds(status_.next_attempt_ms - now)};
  }
  ShipStep step;
  try {
    if (remote_ == nullptr) connect();
    step = ship_batch(std::max<std::size_t>(max_rows, 1), now);
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
    if (step.rows == 0) return true;
  }
}

// After a crash between PostgreSQL's commit and the local delete, the local outbox still holds
// rows PostgreSQL has: they are dropped here, never applied twice.
void Shipper::connect() {
  remote_ = connect_();
  shipped_seq_ = remote_->shipped_seq(origin_);
  remote_dirty_ = true;
  status_.skipped_rows += local_.discard_shipped(shipped_seq_);
  if (warned_) log(LogLevel::kInfo, "PostgreSQL is reachable again; replaying the SQLite backlog");
}

ShipStep Shipper::ship_batch(std::size_t max_rows, std::int64_t now) {
  const ShipBatch batch = local_.read_ship_batch(shipped_seq_, max_rows);
  if (batch.empty()) {
    when_idle(now);
    return ShipStep{0, options_.idle_poll};
  }
  const bool last = static_cast<std::size_t>(batch.rows) < max_rows;
  const bool refresh = last || now - last_refresh_ms_ >= options_.refresh_interval.count();
  const bool applied = remote_->apply_shipment(batch, settings_, refresh);
  shipped_seq_ = batch.last_seq;
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
  remote_.reset();
  status_.backend = "sqlite-fallback";
  status_.last_error = redact_postgres_url(error.what());
  ++status_.failures;
  const std::chrono::milliseconds delay = backoff_.next_delay();
  status_.next_attempt_ms = now + delay.count();
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
