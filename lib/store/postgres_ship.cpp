// Shipping into the PostgreSQL backend: a batch of the local outbox and the seq it reaches are
// one transaction (docs/ARCHITECTURE.md, "PostgreSQL").
#include <algorithm>

#include <fmt/format.h>

#include "store/frozen_view.h"
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

// Serializes shippers of `source` and, during a relabel, of the previous source too (in name order,
// so that two relabels in opposite directions cannot deadlock).
void lock_sources(pqxx::work& t, const std::string& source, const std::string& relabel_from) {
  if (relabel_from.empty() || relabel_from == source) {
    t.exec_params(sql::kLockSource, source);
    return;
  }
  t.exec_params(sql::kLockSource, std::min(source, relabel_from));
  t.exec_params(sql::kLockSource, std::max(source, relabel_from));
}

// Moves every row of `from` to `to`, in every table (ship_progress included), when the database
// `origin` shipped them; rows another database shipped under `from` stay. `to` is not another
// database's (checked by the caller), so what it has is this database's or nobody's: dropped.
void adopt_rows(pqxx::work& t, const std::string& from, const std::string& to, const std::string& origin) {
  if (from == to) return;
  const pqxx::result progress = t.exec_params(sql::kShipProgress, from);
  if (progress.empty() || progress[0][0].as<std::string>() != origin) return;
  t.exec_params(sql::kDeleteAllOfSource, to);
  t.exec_params(sql::kRelabelAll, from, to);
}

// Claims `source` for this login unless another role owns it (then ShipConflict, naming the
// owner). The write policies would claim it too, row by row; claiming first makes them pass on
// their cheap path and turns someone else's source into an error that says so.
void claim_source(pqxx::work& t, const std::string& source) {
  if (t.exec_params1(sql::kClaimSource, source)[0].as<bool>()) return;
  const pqxx::result owner = t.exec_params(sql::kSourceOwner, source);
  throw ShipConflict(fmt::format(
      "source '{}' in PostgreSQL belongs to role {}, not to this login: give this machine its own identity, "
      "or have an administrator assign the source (docs/TEAM.md)",
      source, owner.empty() ? std::string("(unknown)") : owner[0][0].as<std::string>()));
}

}  // namespace

std::int64_t PostgresStore::shipped_seq(const std::string& origin) {
  pqxx::nontransaction t(impl_->connection);
  return checked_seq(t.exec_params(sql::kShipProgress, impl_->source), origin, impl_->source);
}

bool PostgresStore::apply_shipment(const ShipBatch& batch, const RollupSettings& settings, bool refresh) try {
  Impl& d = *impl_;
  if (!batch.changes.inserted.empty()) d.create_partitions(batch.changes.inserted);
  pqxx::work t(d.connection, "ship");
  lock_sources(t, d.source, batch.relabel_from);
  claim_source(t, d.source);
  const std::int64_t shipped = checked_seq(t.exec_params(sql::kShipProgress, d.source), batch.origin, d.source);
  if (batch.last_seq <= shipped) {
    t.commit();
    return false;
  }
  if (!batch.relabel_from.empty()) adopt_rows(t, batch.relabel_from, d.source, batch.origin);
  // The frozen rows first: the retention state they bring keeps the refresh off those days.
  if (batch.frozen_history) d.write_frozen_history(t, *batch.frozen_history);
  const FrozenView frozen_view(settings, d.read_retention(t));
  d.apply(t, batch.changes, frozen_view.settings(), batch.resync ? &batch.keep_ids : nullptr);
  d.write_rate_limits(t, batch.rate_limits, /*shipped=*/true);
  if (batch.rebuild) d.mark_everything(t, frozen_view.settings());
  if (batch.freeze_before) {
    d.freeze(t, *batch.freeze_before, batch.freeze_before_ms, batch.freeze_drop_before_ms, settings);
  }
  if (refresh || batch.rebuild) d.refresh(t, settings);
  t.exec_params(sql::kRecordShipProgress, d.source, batch.origin, batch.last_seq);
  t.commit();
  // Partitions emptied by the freeze go in a transaction of their own: dropping one locks
  // usage_events, which must not last as long as a shipment.
  if (batch.freeze_before) d.drop_empty_partitions(batch.freeze_drop_before_ms);
  return true;
} catch (const pqxx::sql_error& error) {
  // A partition another source's retention dropped after this shipment created it: not a refusal
  // of the data; the retry creates it again.
  const bool partition_gone =
      error.sqlstate() == "23514" && std::string_view(error.what()).find("no partition") != std::string_view::npos;
  if (is_refusal_sqlstate(error.sqlstate()) && !partition_gone) throw PostgresRefused(error.what());
  throw;
}

}  // namespace cu
