#include "store/postgres_test_db.h"

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <random>

#include <fmt/format.h>
#include <pqxx/pqxx>
#include <unistd.h>

#include "support/test_support.h"

namespace cu::test {
namespace {

std::string unique_name() {
  static std::atomic<int> counter{0};
  std::random_device random;
  return fmt::format("cu_test_{}_{}_{:08x}", ::getpid(), counter++, random());
}

// Runs a statement that cannot run inside a transaction block (CREATE/DROP DATABASE).
void execute_outside_transaction(const std::string& url, const std::string& sql) {
  pqxx::connection connection(url);
  pqxx::nontransaction t(connection);
  t.exec(sql);
}

}  // namespace

std::optional<std::string> postgres_test_url() {
  const char* url = std::getenv("CU_TEST_POSTGRES_URL");
  if (url == nullptr || *url == '\0') return std::nullopt;
  return std::string(url);
}

ScratchDatabase::ScratchDatabase(const std::string& server_url)
    : server_url_(server_url), name_(unique_name()), url_(conninfo_with(server_url, {{"dbname", name_}})) {
  execute_outside_transaction(server_url_, fmt::format("CREATE DATABASE {}", name_));
}

ScratchDatabase::~ScratchDatabase() {
  try {
    execute_outside_transaction(server_url_, fmt::format("DROP DATABASE IF EXISTS {} WITH (FORCE)", name_));
  } catch (const std::exception& error) {
    fmt::print(stderr, "cannot drop scratch database {}: {}\n", name_, error.what());
  }
}

PostgresOptions ScratchDatabase::options() const {
  PostgresOptions options;
  options.url = url_;
  return options;
}

void ScratchDatabase::apply_roles() const {
  // roles.sql creates roles and grants membership in them, which are the whole server's: two test
  // processes running it at once race ("duplicate key value" on pg_authid for a role both create
  // on a fresh server, "tuple concurrently updated" for a grant). One at a time, under an advisory
  // lock taken in the server's maintenance database (advisory locks are per database, and every
  // test has a database of its own); it is let go of when this connection closes.
  pqxx::connection lock_connection(server_url_);
  pqxx::nontransaction lock(lock_connection);
  lock.exec("SELECT pg_advisory_lock(hashtext('claude-usaged tests: roles.sql'))");
  execute(read_file(std::filesystem::path(CU_SOURCE_DIR) / "schema/postgres/roles.sql"));
}

void ScratchDatabase::execute(const std::string& sql) const {
  pqxx::connection connection(url_);
  pqxx::work t(connection);
  t.exec(sql);
  t.commit();
}

std::int64_t ScratchDatabase::query_int(const std::string& sql) const {
  pqxx::connection connection(url_);
  pqxx::nontransaction t(connection);
  const pqxx::result rows = t.exec(sql);
  return rows.empty() || rows[0][0].is_null() ? 0 : rows[0][0].as<std::int64_t>();
}

void ScratchDatabase::disconnect_all() const {
  pqxx::connection connection(server_url_);
  pqxx::nontransaction t(connection);
  t.exec_params("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", name_);
}

ScratchPostgresStore::ScratchPostgresStore(const std::string& server_url, std::string source)
    : ScratchHolder{ScratchDatabase(server_url)}, PostgresStore(ScratchHolder::database.options(), std::move(source)) {}

LoginRoles::LoginRoles(std::string server_url) : server_url_(std::move(server_url)) {
  static std::atomic<int> counter{0};
  prefix_ = fmt::format("cu_rls_{}_{}_{:06x}", ::getpid(), counter++, std::random_device()() & 0xffffff);
}

LoginRoles::~LoginRoles() {
  for (auto role = created_.rbegin(); role != created_.rend(); ++role) {
    try {
      run(fmt::format("DROP ROLE IF EXISTS {}", *role));
    } catch (const std::exception& error) {
      fmt::print(stderr, "cannot drop role {}: {}\n", *role, error.what());
    }
  }
}

std::string LoginRoles::create(const std::string& suffix, const std::string& groups, bool login) {
  const std::string name = prefix_ + "_" + suffix;
  const std::string in_roles = groups.empty() ? "" : "IN ROLE " + groups;
  run(fmt::format("CREATE ROLE {} {} {}", name, login ? "LOGIN" : "NOLOGIN", in_roles));
  created_.push_back(name);
  return name;
}

void LoginRoles::grant(const std::string& role, const std::string& members) const {
  run(fmt::format("GRANT {} TO {}", role, members));
}

void LoginRoles::run(const std::string& sql) const {
  pqxx::connection connection(server_url_);
  pqxx::nontransaction t(connection);
  t.exec(sql);
}

}  // namespace cu::test
