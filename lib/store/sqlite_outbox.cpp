// The outbox of the SQLite backend: what the shipper still has to bring to PostgreSQL
// (schema/sqlite/003_outbox.sql, shipper.h).
#include <random>

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

// Where a batch read from `rows` (seq, kind in seq order) ends: a resync row only ever starts one.
struct BatchExtent {
  std::int64_t last_seq = 0;
  std::int64_t rows = 0;
  bool resync = false;
  bool rebuild = false;
};

BatchExtent batch_extent(const std::vector<std::pair<std::int64_t, int>>& rows) {
  BatchExtent extent;
  for (const auto& [seq, kind] : rows) {
    if (kind == kOutboxResync && extent.rows > 0) break;
    if (kind == kOutboxResync) extent.resync = true;
    if (kind == kOutboxRebuild) extent.rebuild = true;
    extent.last_seq = seq;
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
  SQLite::Transaction transaction(d.db, SQLite::TransactionBehavior::IMMEDIATE);
  if (d.shipping_on() == enabled) return;
  std::string origin = ship_origin();
  if (origin.empty()) origin = random_origin();
  SQLite::Statement state(d.db, sql::kInsertShipState);
  Impl::run(state, d.source, origin, enabled ? 1 : 0);
  if (enabled) {
    Impl::run(d.outbox_marker, d.source, kOutboxResync);
    for (const char* text : {sql::kOutboxAllEvents, sql::kOutboxAllCheckpoints}) {
      SQLite::Statement seed(d.db, text);
      Impl::run(seed, d.source);
    }
  } else {
    SQLite::Statement clear(d.db, sql::kClearOutbox);
    Impl::run(clear, d.source);
  }
  transaction.commit();
}

bool SqliteStore::shipping() { return impl_->shipping_on(); }

std::string SqliteStore::ship_origin() {
  SQLite::Statement query(impl_->db, sql::kShipOrigin);
  query.bind(1, impl_->source);
  return query.executeStep() ? query.getColumn(0).getString() : std::string();
}

ShipBatch SqliteStore::read_ship_batch(std::int64_t after_seq, std::size_t max_rows) {
  Impl& d = *impl_;
  SQLite::Transaction snapshot(d.db);  // one consistent view of outbox and tables
  std::vector<std::pair<std::int64_t, int>> head;
  {
    SQLite::Statement query(d.db, sql::kOutboxHead);
    Impl::run_bind(query, d.source, after_seq, static_cast<std::int64_t>(std::max<std::size_t>(max_rows, 1)));
    while (query.executeStep()) head.emplace_back(query.getColumn(0).getInt64(), query.getColumn(1).getInt());
  }
  const BatchExtent extent = batch_extent(head);
  ShipBatch batch;
  batch.origin = ship_origin();
  batch.last_seq = extent.last_seq;
  batch.rows = extent.rows;
  batch.resync = extent.resync;
  batch.rebuild = extent.rebuild;
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
  SQLite::Statement query(impl_->db, sql::kOutboxSize);
  query.bind(1, impl_->source);
  query.executeStep();
  return query.getColumn(0).getInt64();
}

}  // namespace cu
