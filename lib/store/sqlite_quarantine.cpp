// Outbox rows PostgreSQL refused, kept aside so that shipping goes on with the rest
// (schema/sqlite/008_ship_quarantine.sql, shipper.h).
#include "core/time.h"
#include "rollup/calendar.h"
#include "store/sqlite_sql.h"
#include "store/sqlite_store_impl.h"

namespace cu {
namespace {

namespace sql = sqlite_sql;

QuarantinedRow read_quarantined(SQLite::Statement& row) {
  auto text = [&](int i) { return row.getColumn(i).isNull() ? std::string() : row.getColumn(i).getString(); };
  return QuarantinedRow{row.getColumn(0).getInt64(), row.getColumn(1).getInt(), row.getColumn(2).getInt64(),
                        text(3), text(4), row.getColumn(5).getInt64(), text(6), text(7)};
}

}  // namespace

std::optional<QuarantinedRow> SqliteStore::quarantine_ship_row(std::int64_t seq, const std::string& error,
                                                               std::int64_t at_ms) {
  Impl& d = *impl_;
  Impl::Transaction transaction(d);
  SQLite::Statement move(d.db, sql::kQuarantineShipRow);
  Impl::run(move, d.source, seq, error, format_timestamp_ms(at_ms));
  SQLite::Statement remove(d.db, sql::kDeleteShipRow);
  Impl::run(remove, d.source, seq);
  SQLite::Statement stored(d.db, sql::kQuarantinedRow);
  Impl::run_bind(stored, d.source, seq);
  std::optional<QuarantinedRow> row;
  if (stored.executeStep()) row = read_quarantined(stored);
  transaction.commit();
  return row;
}

std::int64_t SqliteStore::quarantined_rows() {
  return Impl::integer_of(impl_->cached(sql::kQuarantineSize), impl_->source);
}

}  // namespace cu
