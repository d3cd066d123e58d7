// The outbox of the SQLite backend: what the shipper still has to bring to PostgreSQL
// (schema/sqlite/003_outbox.sql, shipper.h).
#include <optional>
#include <random>
#include <stdexcept>

#include <fmt/format.h>

#include "store/sqlite_sql.h"
#include "store/sqlite_store_impl.h"

namespace cu {
namespace {

namespace sql = sqlite_sql;

// 128 random bits as hex: tells one local database's outbox stream from another's.
std::string random_origin() {
  std::random_device device;
  std::string origin;
  for (int i = 0; i < 4; ++i) origin += fmt::format("{:08x}", device());
  return origin;
}

struct OutboxHeadRow {
  std::int64_t seq = 0;
  int kind = 0;
  std::string path;
  std::int64_t event_id = 0;
};

// Where a batch read from `rows` (in seq order) ends: a resync row only ever starts one, a relabel
// or freeze row is one alone. A relabel also rebuilds: the rebuild rows queued before it were
// dropped.
struct BatchExtent {
  std::int64_t last_seq = 0;
  std::int64_t rows = 0;
  bool resync = false;
  bool rebuild = false;
  std::string relabel_from;
  std::optional<std::string> freeze_before;
  std::int64_t freeze_before_ms = 0;
  std::int64_t freeze_drop_before_ms = 0;
};

BatchExtent batch_extent(const std::vector<OutboxHeadRow>& rows) {
  BatchExtent extent;
  for (const OutboxHeadRow& row : rows) {
    const bool alone = row.kind == kOutboxRelabel || row.kind == kOutboxFreeze;
    const bool starts = row.kind == kOutboxResync || alone;
    if ((starts && extent.rows > 0) || !extent.relabel_from.empty() || extent.freeze_before) break;
    if (row.kind == kOutboxResync) extent.resync = true;
    if (row.kind == kOutboxRebuild || row.kind == kOutboxRelabel) extent.rebuild = true;
    if (row.kind == kOutboxRelabel) extent.relabel_from = row.path;
    if (row.kind == kOutboxFreeze) {
      const auto freeze = parse_freeze_row_path(row.path);
      if (!freeze) throw std::runtime_error(fmt::format("outbox row {}: bad freeze '{}'", row.seq, row.path));
      extent.freeze_before = freeze->first;
      extent.freeze_before_ms = freeze->second;
      extent.freeze_drop_before_ms = row.event_id;
    }
    extent.last_seq = row.seq;
    ++extent.rows;
  }
  return extent;
}

}  // namespace

bool SqliteStore::Impl::shipping_on() {
  run_bind(shipping_enabled, source);
  shipping_enabled.executeStep();
  const bool enabled = shipping_enabled.getColumn(0).getInt() != 0;
  shipping_enabled.reset();
  return enabled;
}

void SqliteStore::set_shipping(bool enabled) {
  Impl& d = *impl_;
  Impl::Transaction transaction(d);
  if (d.shipping_on() == enabled) return;
  std::string origin = ship_origin();
  if (origin.empty()) origin = random_origin();
  SQLite::Statement state(d.db, sql::kInsertShipState);
  Impl::run(state, d.source, origin, enabled ? 1 : 0);
  if (enabled) {
    d.queue_resync();
  } else {
    SQLite::Statement clear(d.db, sql::kClearOutbox);
    Impl::run(clear, d.source);
  }
  transaction.commit();
}

void SqliteStore::Impl::queue_resync() {
  run(outbox_marker, source, kOutboxResync);
  for (const char* text : {sql::kOutboxAllEvents, sql::kOutboxAllCheckpoints, sql::kOutboxAllRateLimits}) {
    SQLite::Statement seed(db, text);
    run(seed, source);
  }
}

void SqliteStore::Impl::queue_relabel(const std::string& previous) {
  SQLite::Statement shipped(db, sql::kHasShipState);
  run_bind(shipped, source);
  if (!shipped.executeStep() || shipped.getColumn(0).getInt() == 0) return;
  SQLite::Statement clear(db, sql::kClearOutbox);
  run(clear, source);
  SQLite::Statement relabel(db, sql::kOutboxRelabel);
  run(relabel, source, previous);
  if (shipping_on()) queue_resync();
}

bool SqliteStore::shipping() { return impl_->shipping_on(); }

std::string SqliteStore::ship_origin() {
  SQLite::Statement query(impl_->db, sql::kShipOrigin);
  query.bind(1, impl_->source);
  return query.executeStep() ? query.getColumn(0).getString() : std::string();
}

ShipBatch SqliteStore::read_ship_batch(std::int64_t after_seq, std::size_t max_rows) {
  Impl& d = *impl_;
  Impl::Transaction snapshot(d, SQLite::TransactionBehavior::DEFERRED);  // one consistent view of outbox and tables
  std::vector<OutboxHeadRow> head;
  {
    SQLite::Statement query(d.db, sql::kOutboxHead);
    Impl::run_bind(query, d.source, after_seq, static_cast<std::int64_t>(std::max<std::size_t>(max_rows, 1)));
    while (query.executeStep()) {
      head.push_back({query.getColumn(0).getInt64(), query.getColumn(1).getInt(), query.getColumn(2).getString(),
                      query.getColumn(3).getInt64()});
    }
  }
  const BatchExtent extent = batch_extent(head);
  ShipBatch batch;
  batch.origin = ship_origin();
  batch.last_seq = extent.last_seq;
  batch.rows = extent.rows;
  batch.resync = extent.resync;
  batch.rebuild = extent.rebuild;
  batch.relabel_from = extent.relabel_from;
  batch.freeze_before = extent.freeze_before;
  batch.freeze_before_ms = extent.freeze_before_ms;
  batch.freeze_drop_before_ms = extent.freeze_drop_before_ms;
  if (batch.empty()) return batch;
  SQLite::Statement ids(d.db, sql::kOutboxEventIds);
  Impl::run_bind(ids, d.source, after_seq, batch.last_seq);
  while (ids.executeStep()) batch.changes.removed_ids.push_back(ids.getColumn(0).getInt64());
  SQLite::Statement events(d.db, sql::kOutboxEvents);
  Impl::run_bind(events, d.source, after_seq, batch.last_seq);
  batch.changes.inserted = d.select_events(events);
  SQLite::Statement checkpoints(d.db, sql::kOutboxCheckpoints);
  Impl::run_bind(checkpoints, d.source, after_seq, batch.last_seq);
  while (checkpoints.executeStep()) {
    auto column = [&](int i) { return checkpoints.getColumn(i); };
    batch.changes.checkpoints.push_back(Checkpoint{column(0).getString(),
                                                   static_cast<std::uint64_t>(column(1).getInt64()),
                                                   static_cast<std::uint64_t>(column(2).getInt64()),
                                                   column(3).getString(), column(4).getInt64()});
  }
  batch.rate_limits = d.outbox_rate_limits(after_seq, batch.last_seq);
  if (batch.resync) batch.frozen_history = frozen_history();
  if (batch.resync) {
    SQLite::Statement all(d.db, sql::kEventIds);
    Impl::run_bind(all, d.source);
    while (all.executeStep()) batch.keep_ids.push_back(all.getColumn(0).getInt64());
  }
  return batch;
}

std::int64_t SqliteStore::discard_shipped(std::int64_t through_seq) {
  SQLite::Statement statement(impl_->db, sql::kDiscardShipped);
  Impl::run_bind(statement, impl_->source, through_seq);
  return statement.exec();
}

std::int64_t SqliteStore::outbox_size() {
  return Impl::integer_of(impl_->cached(sql::kOutboxSize), impl_->source);
}

}  // namespace cu
