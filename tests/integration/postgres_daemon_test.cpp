// The real daemon with storage.postgres_url set (SPEC §9): no network I/O on its loop, so every
// control answer comes while PostgreSQL hangs or refuses; a row PostgreSQL refuses is quarantined
// and shipping goes on with the rest. PostgreSQL support is a module the daemon loads only then
// (lib/store/postgres_module.h).
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "ctl/control_client.h"
#include "integration/daemon_runner.h"
#include "integration/fake_postgres.h"
#include "integration/live_daemon.h"
#include "store/postgres_test_db.h"
#include "support/test_support.h"

namespace cu::test {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

constexpr const char* kSession = "s-ship";

// An assistant line of session kSession at 10:0n, with `cost_field` (e.g. `"costUSD":1e12,`).
std::string usage_line(int n, const std::string& cost_field = "") {
  return fmt::format(
      R"({{"type":"assistant","sessionId":"{}","cwd":"/home/ana/code/api","timestamp":"2026-02-01T10:0{}:00.000Z",)"
      R"({}"requestId":"req_s{}","message":{{"model":"claude-sonnet-4-5-20250929","id":"msg_s{}","role":"assistant",)"
      R"("usage":{{"input_tokens":10,"output_tokens":5,"cache_creation_input_tokens":0,"cache_read_input_tokens":0}}}}}})"
      "\n",
      kSession, n, cost_field, n, n);
}

class PostgresDaemonTest : public ::testing::Test {
 protected:
  PostgresDaemonTest() : setup_{temp_.path() / "work", {temp_.path() / "claude"}, "UTC"} {
    fs::create_directories(setup_.work);
    fs::create_directories(log_path().parent_path());
  }

  fs::path log_path() const { return setup_.claude_dirs.front() / "projects" / "-home-ana-code-api" / "s-ship.jsonl"; }
  fs::path daemon_log() const { return temp_.path() / "daemon.log"; }

  void start(const std::string& postgres_url) {
    setup_.postgres_url = postgres_url;
    setup_.write_config();
    daemon_ = std::make_unique<LiveDaemon>(setup_.config_path(), daemon_log());
  }
  // One request over the control socket; waits as long as the daemon takes to answer.
  json call(const std::string& command, const json& args = json::object()) const {
    const ctl::ClientOptions options{setup_.socket_path(), std::chrono::seconds(5), std::chrono::seconds(120)};
    return ctl::call_daemon(options, command, args);
  }
  bool answering() const {
    try {
      call("status");
      return true;
    } catch (const ctl::ClientError&) {
      return false;
    }
  }

  TempDir temp_;
  DaemonSetup setup_;
  std::unique_ptr<LiveDaemon> daemon_;
};

// The libraries and modules the running daemon `pid` has mapped (/proc/PID/maps).
std::string mapped_files(pid_t pid) {
  std::ifstream maps(fmt::format("/proc/{}/maps", pid));
  std::ostringstream text;
  text << maps.rdbuf();
  return text.str();
}

TEST_F(PostgresDaemonTest, OnlyADaemonWithAPostgresUrlLoadsLibpq) {
  start("");
  ASSERT_TRUE(wait_until([&] { return answering(); }));
  const std::string sqlite_only = mapped_files(daemon_->pid());
  EXPECT_NE(sqlite_only.find("libsqlite3"), std::string::npos) << sqlite_only;
  EXPECT_EQ(sqlite_only.find("libpq"), std::string::npos) << sqlite_only;
  EXPECT_EQ(sqlite_only.find("postgres.so"), std::string::npos) << sqlite_only;
  daemon_->terminate();

  start("postgresql://nobody@127.0.0.1:9/none?connect_timeout=1");  // nothing listens: it retries
  ASSERT_TRUE(wait_until([&] { return answering(); }));
  const std::string shipping = mapped_files(daemon_->pid());
  EXPECT_NE(shipping.find("/lib/claude-usaged/modules/postgres.so"), std::string::npos) << shipping;
  EXPECT_NE(shipping.find("libpq"), std::string::npos) << shipping;
}

TEST_F(PostgresDaemonTest, CheckConfigReadsThePostgresUrl) {
  setup_.postgres_url = "postgresql://nobody@127.0.0.1:9/none";
  const CommandResult good = setup_.run_daemon("", "--check-config");
  EXPECT_EQ(good.exit_code, 0) << good.output;
  EXPECT_NE(good.output.find("postgres_url: postgresql://nobody@127.0.0.1:9/none"), std::string::npos) << good.output;

  setup_.postgres_url = "postgresql://nobody@[::1";  // libpq: invalid IPv6 host address
  const CommandResult bad = setup_.run_daemon("", "--check-config");
  EXPECT_EQ(bad.exit_code, 78) << bad.output;
  EXPECT_NE(bad.output.find("invalid PostgreSQL connection string"), std::string::npos) << bad.output;
}

// An installation of the programs without the module (bin/ alone) runs on SQLite, and refuses a
// postgres_url as a config error naming the module it looked for.
TEST_F(PostgresDaemonTest, WithoutItsModuleTheDaemonRunsOnSqliteAndRefusesAPostgresUrl) {
  const fs::path bin = temp_.path() / "prefix" / "bin";
  fs::create_directories(bin);
  fs::copy_file(bin_dir() / "claude-usaged", bin / "claude-usaged");
  fs::permissions(bin / "claude-usaged", fs::perms::owner_exec, fs::perm_options::add);
  const auto run = [&](const std::string& arguments) {
    setup_.write_config();
    return run_command(fmt::format("{} {} --config {} 2>&1", shell_quote((bin / "claude-usaged").string()), arguments,
                                   shell_quote(setup_.config_path().string())));
  };
  write_file(log_path(), usage_line(1));
  const CommandResult sqlite_only = run("--once");
  EXPECT_EQ(sqlite_only.exit_code, 0) << sqlite_only.output;
  EXPECT_EQ(setup_.open_store().event_count(), 1);

  setup_.postgres_url = "postgresql://nobody@127.0.0.1:9/none";
  const std::string module = (temp_.path() / "prefix" / "lib" / "claude-usaged" / "modules" / "postgres.so").string();
  for (const char* arguments : {"--check-config", "--once"}) {
    const CommandResult refused = run(arguments);
    EXPECT_EQ(refused.exit_code, 78) << arguments << ": " << refused.output;
    EXPECT_NE(refused.output.find("PostgreSQL support cannot be loaded from " + module), std::string::npos)
        << arguments << ": " << refused.output;
  }
}

TEST_F(PostgresDaemonTest, AHungPostgresNeverDelaysAControlAnswer) {
  write_file(log_path(), usage_line(1) + usage_line(2));
  FakePostgres server(FakePostgres::Mode::kSilent);
  start(server.url(60));  // libpq gives up after 60 s; everything below happens before
  // The shipping thread may reach the server before the loop listens on the control socket.
  ASSERT_TRUE(wait_until([&] { return server.accepted() >= 1 && answering(); })) << read_file(daemon_log());
  for (int i = 0; i < 10; ++i) {
    const json status = call("status");
    EXPECT_EQ(status["backend"], "sqlite-fallback");
    ASSERT_EQ(server.closed_by_client(), 0) << "status was answered only once the connection attempt ended";
    const json statusline = call("statusline", {{"session_id", kSession}});
    EXPECT_TRUE(statusline.contains("session_cost_usd")) << statusline.dump();
    ASSERT_EQ(server.closed_by_client(), 0) << "statusline was answered only once the connection attempt ended";
  }
  EXPECT_TRUE(wait_until([&] { return call("status")["events"] == 2; }));
  EXPECT_EQ(server.closed_by_client(), 0);
  // A reload leaves the hung attempt behind and starts another one; the answers still come.
  daemon_->signal(SIGHUP);
  ASSERT_TRUE(wait_until([&] { return server.accepted() >= 2; })) << read_file(daemon_log());
  EXPECT_EQ(call("status")["backend"], "sqlite-fallback");
  EXPECT_EQ(call("reload")["message"], "reloading");
  ASSERT_TRUE(wait_until([&] { return server.accepted() >= 3; })) << read_file(daemon_log());
  EXPECT_EQ(call("status")["events"], 2);
  EXPECT_EQ(server.closed_by_client(), 0);
  EXPECT_EQ(daemon_->terminate(), 0);  // SIGTERM does not wait for the hung attempts
}

TEST_F(PostgresDaemonTest, APostgresThatClosesAtOnceLeavesSqliteAnswering) {
  write_file(log_path(), usage_line(1));
  FakePostgres server(FakePostgres::Mode::kCloseAtOnce);
  start(server.url(60));
  // The backlog is the shipping thread's count after its last step, which may predate the commit.
  ASSERT_TRUE(wait_until([&] {
    if (!answering()) return false;
    const json status = call("status");
    return status["postgres"]["failures"] >= 1 && status["backlog_events"] >= 1;
  })) << read_file(daemon_log());
  const json status = call("status");
  EXPECT_EQ(status["backend"], "sqlite-fallback");
  EXPECT_NE(status["postgres"]["last_error"].get<std::string>(), "");
  EXPECT_GE(server.accepted(), 1);
  EXPECT_TRUE(wait_until([&] { return call("status")["events"] == 1; }));
  write_file(log_path(), usage_line(1) + usage_line(2));
  EXPECT_TRUE(wait_until([&] { return call("status")["events"] == 2; }));
  EXPECT_EQ(daemon_->terminate(), 0);
}

TEST_F(PostgresDaemonTest, ARowPostgresRefusesIsQuarantinedAndTheRestIsShipped) {
  CU_POSTGRES_URL_OR_SKIP(url);
  ScratchDatabase database(url);
  std::string text;
  for (int n = 1; n <= 6; ++n) text += usage_line(n, n == 4 ? R"("costUSD":1e12,)" : "");
  write_file(log_path(), text);
  start(database.url());
  json status;
  // The shipping thread's snapshot may predate the first commit (backend postgres, backlog 0 with
  // nothing read yet): wait for the quarantine itself and for the rest to be in PostgreSQL.
  const bool caught_up = wait_until([&] {
    if (!answering()) return false;
    status = call("status");
    return status["backend"] == "postgres" && status["backlog_events"] == 0 &&
           status["postgres"]["quarantined_rows"] == 1 &&
           database.query_int("SELECT COUNT(*) FROM usage_events") == 5;
  });
  EXPECT_TRUE(caught_up) << status.dump() << "\n" << read_file(daemon_log());
  EXPECT_EQ(status["events"], 6);  // SQLite keeps all six
  EXPECT_EQ(status["postgres"]["quarantined_rows"], 1);
  EXPECT_EQ(database.query_int("SELECT COUNT(*) FROM usage_events"), 5);
  EXPECT_EQ(database.query_int("SELECT COUNT(*) FROM usage_events WHERE message_id = 'msg_s4'"), 0);
  const std::string log = read_file(daemon_log());
  EXPECT_NE(log.find("numeric field overflow"), std::string::npos) << log;
  EXPECT_NE(log.find("s-ship.jsonl"), std::string::npos) << log;
  EXPECT_NE(log.find("model claude-sonnet-4-5-20250929"), std::string::npos) << log;
  EXPECT_EQ(daemon_->terminate(), 0);
}

}  // namespace
}  // namespace cu::test
