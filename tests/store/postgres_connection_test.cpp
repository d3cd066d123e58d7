// Connection strings: what libpq gets, and what logs see (never a password).
#include <gtest/gtest.h>

#include "store/postgres_conninfo.h"
#include "support/test_support.h"

namespace cu {
namespace {

TEST(RedactPostgresUrlTest, MasksTheUserinfoPassword) {
  EXPECT_EQ(redact_postgres_url("postgresql://ana:s3cr%40t@db.example:5432/usage?sslmode=require"),
            "postgresql://ana:***@db.example:5432/usage?sslmode=require");
  EXPECT_EQ(redact_postgres_url("postgres://ana:pw@db/usage"), "postgres://ana:***@db/usage");
}

TEST(RedactPostgresUrlTest, LeavesUrlsWithoutPasswordAlone) {
  for (const char* url : {"postgresql://ana@db/usage", "postgresql:///usage?host=/run/pg",
                          "postgresql://db:5432/usage", "host=db dbname=usage user=ana"}) {
    EXPECT_EQ(redact_postgres_url(url), url);
  }
}

TEST(RedactPostgresUrlTest, MasksPasswordParameters) {
  EXPECT_EQ(redact_postgres_url("postgresql://ana@db/usage?sslmode=require&password=hunter2&x=1"),
            "postgresql://ana@db/usage?sslmode=require&password=***&x=1");
  EXPECT_EQ(redact_postgres_url("host=db password=hunter2 dbname=usage"), "host=db password=*** dbname=usage");
  EXPECT_EQ(redact_postgres_url("host=db password = 'a b\\'c' dbname=usage"), "host=db password = *** dbname=usage");
  EXPECT_EQ(redact_postgres_url("sslpassword=key host=db"), "sslpassword=*** host=db");
}

TEST(RedactPostgresUrlTest, MasksUrlsInsideMessages) {
  EXPECT_EQ(redact_postgres_url("cannot parse \"postgresql://ana:pw@db/usage\": bad"),
            "cannot parse \"postgresql://ana:***@db/usage\": bad");
}

TEST(RedactPostgresUrlTest, RedactSecretAlsoMasksTheLiteralPassword) {
  EXPECT_EQ(redact_secret("FATAL: role hunter2 is odd", "hunter2"), "FATAL: role *** is odd");
  EXPECT_EQ(redact_secret("nothing here", ""), "nothing here");
}

TEST(PostgresConninfoTest, AddsTimeoutsAndKeepsTheUrlsOwnSettings) {
  PostgresOptions options;
  options.url = "postgresql://ana@db:6543/usage?connect_timeout=2";
  const std::string conninfo = postgres_conninfo(options);
  EXPECT_EQ(conninfo_value(conninfo, "host"), "db");
  EXPECT_EQ(conninfo_value(conninfo, "port"), "6543");
  EXPECT_EQ(conninfo_value(conninfo, "dbname"), "usage");
  EXPECT_EQ(conninfo_value(conninfo, "connect_timeout"), "2");
  EXPECT_EQ(conninfo_value(conninfo, "tcp_user_timeout"), "10000");
  EXPECT_EQ(conninfo_value(conninfo, "options"), "-c statement_timeout=10000 -c client_min_messages=warning");
  options.url = "host=db dbname=usage";
  EXPECT_EQ(conninfo_value(postgres_conninfo(options), "connect_timeout"), "5");
}

TEST(PostgresConninfoTest, PasswordFileFillsAMissingPasswordOnly) {
  test::TempDir dir;
  test::write_file(dir.path() / "pw", "it's a \\secret\n");
  PostgresOptions options;
  options.url = "postgresql://ana@db/usage";
  options.password_file = dir.path() / "pw";
  EXPECT_EQ(conninfo_value(postgres_conninfo(options), "password"), "it's a \\secret");
  options.url = "postgresql://ana:fromurl@db/usage";
  EXPECT_EQ(conninfo_value(postgres_conninfo(options), "password"), "fromurl");
  options.password_file = dir.path() / "missing";
  options.url = "postgresql://ana@db/usage";
  EXPECT_THROW(postgres_conninfo(options), PostgresConfigError);
}

TEST(PostgresConninfoTest, MalformedUrlsFailWithoutShowingThePassword) {
  PostgresOptions options;
  options.url = "postgresql://ana:hunter2@db/usage?nonsense_key=1";
  try {
    postgres_conninfo(options);
    FAIL() << "accepted a malformed URL";
  } catch (const PostgresConfigError& error) {
    EXPECT_EQ(std::string(error.what()).find("hunter2"), std::string::npos) << error.what();
  }
  options.url = "";
  EXPECT_THROW(postgres_conninfo(options), PostgresConfigError);
}

TEST(PostgresConninfoTest, ConninfoWithReplacesKeywords) {
  const std::string conninfo = conninfo_with("postgresql://ana@/postgres?host=/tmp/pg", {{"dbname", "other"}});
  EXPECT_EQ(conninfo_value(conninfo, "dbname"), "other");
  EXPECT_EQ(conninfo_value(conninfo, "host"), "/tmp/pg");
  EXPECT_EQ(conninfo_value(conninfo, "user"), "ana");
}

}  // namespace
}  // namespace cu
