#pragma once
// PostgreSQL for tests: the server scripts/test starts (CU_TEST_POSTGRES_URL), and throwaway
// databases on it so that every test starts empty and leaves nothing behind.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/postgres_store.h"
#include "support/test_support.h"

namespace cu::test {

// CU_TEST_POSTGRES_URL when set and not empty.
std::optional<std::string> postgres_test_url();

// Why a PostgreSQL test cannot run; under CI=true that is a failure, not a skip.
inline constexpr const char* kNoPostgres =
    "CU_TEST_POSTGRES_URL is not set (scripts/test sets it; or: "
    "export CU_TEST_POSTGRES_URL=$(scripts/pg-test-server start))";

// A database created on construction and dropped (with its connections) on destruction.
class ScratchDatabase {
 public:
  explicit ScratchDatabase(const std::string& server_url);
  ~ScratchDatabase();
  ScratchDatabase(const ScratchDatabase&) = delete;
  ScratchDatabase& operator=(const ScratchDatabase&) = delete;

  const std::string& name() const { return name_; }
  // A libpq key/value connection string for this database.
  const std::string& url() const { return url_; }
  PostgresOptions options() const;

  // Runs `sql` (one or more statements) in one transaction.
  void execute(const std::string& sql) const;
  // Applies schema/postgres/roles.sql, as an administrator does after setting up or upgrading.
  void apply_roles() const;
  // The first column of the first row of `sql`, as an integer (0 for NULL).
  std::int64_t query_int(const std::string& sql) const;
  // Ends every other session connected to this database, as a server restart would.
  void disconnect_all() const;

 private:
  std::string server_url_;
  std::string name_;
  std::string url_;
};

// Login roles unique to one test, created on construction and dropped on destruction (roles are
// the server's, not a scratch database's). Declare it before the database, so that it is dropped
// after it.
class LoginRoles {
 public:
  explicit LoginRoles(std::string server_url);
  ~LoginRoles();
  LoginRoles(const LoginRoles&) = delete;
  LoginRoles& operator=(const LoginRoles&) = delete;

  // Creates the role <prefix>_<suffix>, a member of `groups` (comma-separated, may be empty), and
  // returns its name.
  std::string create(const std::string& suffix, const std::string& groups, bool login = true);
  void grant(const std::string& role, const std::string& members) const;

 private:
  void run(const std::string& sql) const;

  std::string server_url_;
  std::string prefix_;
  std::vector<std::string> created_;
};

namespace detail {
struct ScratchHolder {
  ScratchDatabase database;
};
}  // namespace detail

// A PostgresStore alone in a scratch database. The database is created before the store connects
// and dropped after it disconnects (base classes are destroyed in reverse order).
class ScratchPostgresStore : private detail::ScratchHolder, public PostgresStore {
 public:
  ScratchPostgresStore(const std::string& server_url, std::string source);
  const ScratchDatabase& database() const { return ScratchHolder::database; }
};

}  // namespace cu::test

// Skips the test when no server is configured (fails it under CI=true); else defines `name`.
#define CU_POSTGRES_URL_OR_SKIP(name)                                                   \
  const std::optional<std::string> name##_or_none = ::cu::test::postgres_test_url(); \
  if (!name##_or_none) {                                                                \
    if (::cu::test::running_in_ci()) FAIL() << ::cu::test::kNoPostgres;                 \
    GTEST_SKIP() << ::cu::test::kNoPostgres;                                            \
  }                                                                                     \
  const std::string name = *name##_or_none
