#include "store/postgres_migrate.h"

#include <charconv>
#include <stdexcept>
#include <string>

#include <fmt/format.h>
#include <pqxx/pqxx>

#include "embedded_file.h"
#include "store/postgres_sql.h"

namespace cu {
namespace {

namespace sql = postgres_sql;

int migration_version(std::string_view name) {
  int version = 0;
  const auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), version);
  if (ec != std::errc() || end == name.data()) {
    throw std::runtime_error(fmt::format("migration '{}' has no leading version number", name));
  }
  return version;
}

// Under the migration lock: the current version, creating schema_migrations when missing.
int locked_version(pqxx::work& transaction) {
  transaction.exec(sql::kMigrationLock);
  if (!transaction.exec1(sql::kHasMigrations)[0].as<bool>()) {
    transaction.exec(sql::kCreateMigrations);
    return 0;
  }
  return transaction.exec1(sql::kMaxMigration)[0].as<int>();
}

}  // namespace

int latest_postgres_migration() {
  int latest = 0;
  for (const EmbeddedFile& file : embedded::postgres_migrations) {
    latest = std::max(latest, migration_version(file.name));
  }
  return latest;
}

int migrate_postgres(pqxx::connection_base& connection, int up_to_version) {
  for (;;) {
    pqxx::work transaction(connection, "migrate");
    const int current = locked_version(transaction);
    const EmbeddedFile* next = nullptr;
    for (const EmbeddedFile& file : embedded::postgres_migrations) {
      const int version = migration_version(file.name);
      if (version > current && version <= up_to_version) {
        next = &file;
        break;
      }
    }
    if (next == nullptr) {
      transaction.commit();
      return current;
    }
    transaction.exec(std::string(next->text));
    transaction.exec_params(sql::kRecordMigration, migration_version(next->name), std::string(next->name));
    transaction.commit();
  }
}

}  // namespace cu
