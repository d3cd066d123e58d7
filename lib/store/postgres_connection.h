#pragma once
// How the daemon reaches PostgreSQL (SPEC §8 storage.postgres_url, storage.postgres_password_file)
// and how connection strings are shown: never with their password.
#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>

namespace cu {

struct PostgresOptions {
  // A libpq connection URL (postgresql://user@host:port/db?param=value) or key/value string
  // (host=... dbname=...). The password comes from it, else from `password_file`, else from
  // libpq's own PGPASSFILE / ~/.pgpass.
  std::string url;
  std::filesystem::path password_file;  // empty: none; its first line is the password
  // Bounds on how long one call may block: libpq's connect_timeout (per address tried) unless the
  // URL sets one, the server-side statement_timeout, and TCP keepalives / tcp_user_timeout so a
  // vanished server is noticed on an idle or busy TCP connection.
  std::chrono::seconds connect_timeout{5};
  std::chrono::seconds statement_timeout{10};
  std::chrono::seconds tcp_user_timeout{10};
};

// A connection string that cannot be used; the message never holds a password.
class PostgresConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// `text` with every password of a connection URL (postgresql://user:PASSWORD@..., ?password=...)
// or key/value string (password=... or password='...') replaced by "***". Safe on any text, e.g.
// error messages that quote a connection string.
std::string redact_postgres_url(std::string_view text);

// redact_postgres_url(text), with every occurrence of `secret` (when not empty) also masked.
std::string redact_secret(std::string_view text, std::string_view secret);

}  // namespace cu
