#pragma once
// The connection strings the PostgreSQL backend hands to libpq (part of the PostgreSQL module,
// postgres_module.h: the program itself reaches them through PostgresBackend::conninfo).
#include <map>
#include <string>
#include <string_view>

#include "store/postgres_connection.h"

namespace cu {

// The key/value connection string handed to libpq: `options.url` parsed by libpq, the password
// file's password added when the URL has none, and the options' timeouts added where the URL does
// not set them. Throws PostgresConfigError for a malformed URL or an unreadable password file.
std::string postgres_conninfo(const PostgresOptions& options);

// `conninfo` (URL or key/value) with `settings` replacing or adding keywords, as key/value text.
// Throws PostgresConfigError for a malformed `conninfo`.
std::string conninfo_with(std::string_view conninfo, const std::map<std::string, std::string>& settings);

// The value libpq would use for `keyword` from `conninfo` itself (no environment, no defaults);
// empty when unset. Throws PostgresConfigError for a malformed `conninfo`.
std::string conninfo_value(std::string_view conninfo, const std::string& keyword);

}  // namespace cu
