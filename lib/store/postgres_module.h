#pragma once
// PostgreSQL support is a module (<prefix>/lib/claude-usaged/modules/postgres.so) that the daemon
// loads only when storage.postgres_url is set. libpq brings ~30 libraries (TLS, Kerberos, LDAP,
// SASL) that a program linked against it maps and relocates at every start: 5.6 ms of the
// daemon's start (9.3 → 3.7 ms) and 5.5 MB of its resident memory, paid by every daemon that
// never talks to PostgreSQL.
//
// The module is built from the same sources and in the same build as the programs (the types that
// cross the boundary, Store among them, are this build's), and installed with them: it carries
// the version of the release it was built for and is refused when it carries another (a module
// left behind by an upgrade or a downgrade). Two builds of one release are not told apart. A
// module that loads is never unloaded; one refused is unloaded again.
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "store/postgres_connection.h"
#include "store/team_store.h"

namespace cu {

// What the module provides (its one exported symbol, kPostgresModuleEntry, returns it).
struct PostgresBackend {
  std::string_view version;  // CU_VERSION of the build the module comes from
  // A connected, migrated store writing rows under `source` (PostgresStore).
  std::unique_ptr<TeamStore> (*connect)(const PostgresOptions& options, std::string source);
  // The connection string handed to libpq (postgres_conninfo.h); throws PostgresConfigError.
  std::string (*conninfo)(const PostgresOptions& options);
};

inline constexpr const char* kPostgresModuleEntry = "cu_postgres_backend_v1";

// The module cannot be loaded (missing, unreadable, not this build's): PostgreSQL cannot be used
// by this installation. A configuration error, for a configuration that asks for PostgreSQL.
class PostgresModuleError : public PostgresConfigError {
 public:
  using PostgresConfigError::PostgresConfigError;
};

// Where the running program's module is: ../lib/claude-usaged/modules/postgres.so from the folder
// of the program's own file, which holds for the build tree and for any installation prefix.
std::filesystem::path default_postgres_module_path();

// Loads the module at `path` (the same module once per process) and returns what it provides.
// Throws PostgresModuleError naming the path and the loader's reason.
const PostgresBackend& load_postgres_backend(const std::filesystem::path& path = default_postgres_module_path());

}  // namespace cu
