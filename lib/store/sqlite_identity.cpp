// Whose database this is, and the re-label when that changes (schema/sqlite/006_local_identity.sql).
#include <fmt/format.h>

#include "store/sqlite_sql.h"
#include "store/sqlite_store_impl.h"

namespace cu {
namespace {

namespace sql = sqlite_sql;

// The recorded identity; in a database from before the record, the one source its rows carry.
std::optional<std::string> previous_identity(SQLite::Database& db) {
  SQLite::Statement recorded(db, sql::kLocalIdentity);
  if (recorded.executeStep()) return recorded.getColumn(0).getString();
  SQLite::Statement sources(db, sql::kRowSources);
  const std::vector<std::string> found = SqliteStore::Impl::strings_of(sources);
  if (found.size() == 1) return found.front();
  return std::nullopt;
}

bool has_rows(SqliteStore::Impl& d, const std::string& source) {
  return SqliteStore::Impl::integer_of(d.cached(sql::kSourceHasRows), source) != 0;
}

// Moves every row of `from` to `to`, in every table with a source column.
void relabel_rows(SQLite::Database& db, const std::string& from, const std::string& to) {
  for (const char* text :
       {sql::kRelabelEvents, sql::kRelabelCheckpoints, sql::kRelabelSessions, sql::kRelabelDaily,
        sql::kRelabelModelDaily, sql::kRelabelCache, sql::kRelabelBlocks, sql::kRelabelSessionModels,
        sql::kRelabelDirtyDates, sql::kRelabelDirtySessions, sql::kRelabelDirtyBlocks, sql::kRelabelSettings,
        sql::kRelabelShipState, sql::kRelabelOutbox, sql::kRelabelUnknownModels, sql::kRelabelQuarantine,
        sql::kRelabelRateLimits, sql::kRelabelRetention, sql::kRelabelFrozenSessions,
        sql::kRelabelFrozenSessionModels}) {
    SQLite::Statement move(db, text);
    move.bind(1, from);
    move.bind(2, to);
    move.exec();
  }
}

}  // namespace

std::string describe(const IdentityChange& change) {
  if (change.kept) {
    return fmt::format("identity changed from {} to {}: its {} events are kept under {}, since {} already has "
                       "rows of its own in this database",
                       change.previous, change.current, change.events, change.previous, change.current);
  }
  return fmt::format("identity changed from {} to {}: {} events re-labelled", change.previous, change.current,
                     change.events);
}

std::optional<IdentityChange> SqliteStore::adopt_identity() {
  Impl& d = *impl_;
  Impl::Transaction transaction(d);
  std::optional<IdentityChange> change;
  const std::optional<std::string> previous = previous_identity(d.db);
  if (previous && *previous != d.source && has_rows(d, *previous)) {
    change = IdentityChange{*previous, d.source, Impl::integer_of(d.cached(sql::kEventCount), *previous),
                            has_rows(d, d.source)};
    if (!change->kept) {
      relabel_rows(d.db, *previous, d.source);
      d.queue_relabel(*previous);
    }
  }
  SQLite::Statement record(d.db, sql::kSetLocalIdentity);
  Impl::run(record, d.source);
  transaction.commit();
  return change;
}

}  // namespace cu
