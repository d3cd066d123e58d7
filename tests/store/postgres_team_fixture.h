#pragma once
// A team database for the row-security and monthly-usage tests: the schema as its owner (the test
// server's superuser), roles.sql, and two writer logins, ana and bob (plain members of
// claude_usage_writer), each reached by its own connection string.
#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>

#include <pqxx/pqxx>

#include "pricing/price_table.h"
#include "rollup/calendar.h"
#include "store/postgres_store.h"
#include "store/postgres_test_db.h"

namespace cu::test {

class PostgresTeamTest : public ::testing::Test {
 protected:
  void set_up_team(const std::string& url) {
    roles_.emplace(url);
    database_.emplace(url);
    { PostgresStore owner(database_->options(), "setup"); }
    database_->apply_roles();
    ana_ = roles_->create("ana", "claude_usage_writer");
    bob_ = roles_->create("bob", "claude_usage_writer");
  }

  RollupSettings settings() const {
    return RollupSettings{&calendar_, &prices_, std::chrono::hours(5), 1'900'000'000'000};
  }
  std::string url_of(const std::string& login) const { return conninfo_with(database_->url(), {{"user", login}}); }
  PostgresOptions options_of(const std::string& login) const {
    PostgresOptions options = database_->options();
    options.url = url_of(login);
    return options;
  }

  // Runs `sql` with `params` as `login` in its own transaction; returns the rows affected, or -1
  // when PostgreSQL refused the statement (its message in last_error_).
  template <typename... Params>
  int affected(const std::string& login, const std::string& sql, const Params&... params) {
    pqxx::connection connection(url_of(login));
    pqxx::work t(connection);
    try {
      const int rows = static_cast<int>(t.exec_params(sql, params...).affected_rows());
      t.commit();
      return rows;
    } catch (const pqxx::sql_error& error) {
      last_error_ = error.what();
      return -1;
    }
  }

  Calendar calendar_{"UTC"};
  PriceTable prices_ = PriceTable::builtin();
  std::optional<LoginRoles> roles_;  // before database_: dropped after it
  std::optional<ScratchDatabase> database_;
  std::string ana_;
  std::string bob_;
  std::string last_error_;
};

}  // namespace cu::test
