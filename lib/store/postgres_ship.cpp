// Shipping into the PostgreSQL backend: a batch of the local outbox and the seq it reaches are
// one transaction (docs/ARCHITECTURE.md, "PostgreSQL").
#include <fmt/format.h>

#include "store/postgres_sql.h"
#include "store/postgres_store_impl.h"

namespace cu {
namespace {

namespace sql = postgres_sql;

// The shipped seq recorded in `progress` (0 without a row), after checking it belongs to `origin`.
std::int64_t checked_seq(const pqxx::result& progress, const std::string& origin, const std::string& source) {
  if (progress.empty()) return 0;
  const std::string stored = progress[0][0].as<std::string>();
  if (stored != origin) {
    throw ShipConflict(fmt::format(
        "source '{}' in PostgreSQL was shipped from another local database (origin {}, this one is {}): "
        "give each machine its own identity, or see docs/TEAM.md to adopt this database",
        source, stored, origin));
  }
  return progress[0][1].as<std::int64_t>();
}

}  // namespace

std::int64_t PostgresStore::shipped_seq(const std::string& origin) {
  pqxx::nontransaction t(impl_->connection);
  return checked_seq(t.exec_params(sql::kShipProgress, impl_->source), origin, impl_->source);
}

bool PostgresStore::apply_shipment(const ShipBatch& batch, const RollupSettings& settings, bool refresh) try {
  Impl& d = *impl_;
  pqxx::work t(d.connection, "ship");
  t.exec_params(sql::kLockSource, d.source);
  const std::int64_t shipped = checked_seq(t.exec_params(sql::kShipProgress, d.source), batch.origin, d.source);
  if (batch.last_seq <= shipped) {
    t.commit();
    return false;
  }
  d.apply(t, batch.changes, settings, batch.resync ? &batch.keep_ids : nullptr);
  if (batch.rebuild) d.mark_everything(t, settings);
  if (refresh || batch.rebuild) d.refresh(t, settings);
  t.exec_params(sql::kRecordShipProgress, d.source, batch.origin, batch.last_seq);
  t.commit();
  return true;
} catch (const pqxx::sql_error& error) {
  if (is_refusal_sqlstate(error.sqlstate())) throw PostgresRefused(error.what());
  throw;
}

}  // namespace cu
