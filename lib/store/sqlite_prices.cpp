// Prices of the SQLite backend: re-pricing stored events when the prices change, and the models
// without a price that were warned about (schema/sqlite/007_unknown_models.sql).
#include <utility>
#include <vector>

#include "core/time.h"
#include "rollup/calendar.h"
#include "store/sqlite_sql.h"
#include "store/sqlite_store_impl.h"

namespace cu {
namespace {

namespace sql = sqlite_sql;

// The events whose cost `settings` changes: (id, new cost). Streams the table, holding only those.
std::vector<std::pair<std::int64_t, double>> changed_costs(SqliteStore::Impl& d, const RollupSettings& settings) {
  std::vector<std::pair<std::int64_t, double>> changed;
  SQLite::Statement query(d.db, sql::kEventsToPrice);
  SqliteStore::Impl::run_bind(query, d.source);
  while (query.executeStep()) {
    const UsageEvent event = read_event(query);
    const double cost = entry_cost(event.entry, *settings.prices, settings.cost_mode);
    if (cost != event.cost_usd) changed.emplace_back(event.id, cost);
  }
  return changed;
}

}  // namespace

std::int64_t SqliteStore::reprice_events(const RollupSettings& settings) {
  Impl& d = *impl_;
  Impl::Transaction transaction(d);
  const auto changed = changed_costs(d, settings);
  const bool ship = d.shipping_on();
  SQLite::Statement set_cost(d.db, sql::kSetEventCost);
  for (const auto& [id, cost] : changed) {
    Impl::run(set_cost, d.source, id, cost);
    if (ship) Impl::run(d.outbox_event, d.source, id);
  }
  transaction.commit();
  return static_cast<std::int64_t>(changed.size());
}

std::vector<std::string> SqliteStore::stored_models() {
  SQLite::Statement query(impl_->db, sql::kStoredModels);
  Impl::run_bind(query, impl_->source);
  return Impl::strings_of(query);
}

std::vector<std::string> SqliteStore::warned_models() {
  SQLite::Statement query(impl_->db, sql::kWarnedModels);
  Impl::run_bind(query, impl_->source);
  return Impl::strings_of(query);
}

void SqliteStore::record_warned_models(const std::vector<std::string>& models) {
  Impl& d = *impl_;
  Impl::Transaction transaction(d);
  SQLite::Statement record(d.db, sql::kRecordWarnedModel);
  const std::string now = format_timestamp_ms(now_ms());
  for (const std::string& model : models) Impl::run(record, d.source, model, now);
  transaction.commit();
}

void SqliteStore::forget_warned_models(const std::vector<std::string>& models) {
  Impl& d = *impl_;
  Impl::Transaction transaction(d);
  SQLite::Statement forget(d.db, sql::kForgetWarnedModel);
  for (const std::string& model : models) Impl::run(forget, d.source, model);
  transaction.commit();
}

SqliteStore::ModelUsage SqliteStore::model_usage(const std::string& model) {
  SQLite::Statement query(impl_->db, sql::kModelUsage);
  Impl::run_bind(query, impl_->source, model);
  query.executeStep();
  return ModelUsage{query.getColumn(0).getInt64(), query.getColumn(1).getInt64()};
}

}  // namespace cu
