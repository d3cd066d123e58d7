#pragma once
// Schema migrations of the PostgreSQL backend: schema/postgres/NNN_*.sql, compiled in.
#include <climits>

namespace pqxx {
class connection_base;
}

namespace cu {

// Applies the pending migrations up to `up_to_version`, each in its own transaction that also
// records it in schema_migrations. Concurrent callers (daemons starting together) serialize on
// an advisory lock, so each migration runs once. A database already at the latest version only
// needs SELECT on schema_migrations, so a role without CREATE can start once the schema exists.
// Returns the schema version afterwards. Throws what libpqxx throws.
int migrate_postgres(pqxx::connection_base& connection, int up_to_version = INT_MAX);

// The number of the newest compiled-in migration.
int latest_postgres_migration();

}  // namespace cu
