#include "ctl/cli.h"

#include <cstring>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "event_report_source.h"
#include "server_fixture.h"

namespace cu::ctl {
namespace {

using Json = nlohmann::json;

struct CliRun {
  int code = -1;
  std::string out;
  std::string err;
};

Environment test_env(const test::TempDir& home) {
  Environment env;
  env.vars["HOME"] = home.path().string();
  env.vars["XDG_RUNTIME_DIR"] = (home.path() / "run").string();
  env.hostname = "test";
  return env;
}

// The CLI with HOME at `home`, `extra_env` added to its environment and the system unit's files
// below `system_root`.
CliRun run_in(const std::vector<std::string>& args, const test::TempDir& home,
              const std::map<std::string, std::string>& extra_env, const std::filesystem::path& system_root = "/",
              const std::string& stdin_text = "", bool tty = false) {
  std::istringstream in(stdin_text);
  std::ostringstream out;
  std::ostringstream err;
  CliIo io{in, out, err, test_env(home), tty};
  for (const auto& [key, value] : extra_env) io.env.vars[key] = value;
  io.system_root = system_root;
  CliRun result;
  result.code = run_cli(args, io);
  result.out = out.str();
  result.err = err.str();
  return result;
}

CliRun run(const std::vector<std::string>& args, const std::string& stdin_text = "", bool tty = false,
           const std::map<std::string, std::string>& extra_env = {}) {
  static test::TempDir home;
  return run_in(args, home, extra_env, "/", stdin_text, tty);
}

class Cli : public testing::Test {
 protected:
  Cli()
      : source_(test::load_events(test::ccusage_fixture("history") / "events.json"), "UTC"),
        server_(source_, hooks()) {}

  static ControlHooks hooks() {
    ControlHooks hooks;
    hooks.now_ms = [] { return test::kHistoryNowMs; };
    hooks.status = [] {
      return Json{{"version", "0.1.0"},
                  {"state", "watching"},
                  {"events", 14},
                  {"rate_limits",
                   {{"recorded", 12}, {"unchanged", 40}, {"absent", 3}, {"rejected", {{"malformed", 1}}},
                    {"write_failures", 0}, {"last_error", nullptr}}}};
    };
    hooks.web = [] { return Json{{"url", "http://127.0.0.1:8798/?token=abc"}, {"listen", "127.0.0.1:8798"}}; };
    hooks.rescan = [] { return ActionResult::success("rescan started"); };
    hooks.reload = [] { return ActionResult::failure("config.yaml:2: timezone: unknown zone \"Mars/Base\""); };
    return hooks;
  }

  std::string socket() const { return server_.socket().string(); }

  test::EventReportSource source_;
  test::ServerFixture server_;
};

TEST_F(Cli, JsonIsCcusagesJson) {
  const CliRun result = run({"--socket", socket(), "daily", "--json"});
  ASSERT_EQ(result.code, 0) << result.err;
  EXPECT_EQ(test::json_difference(Json::parse(result.out), test::read_json(test::ccusage_fixture("history") / "daily.json")), "");
}

TEST_F(Cli, FlagsBecomeArguments) {
  const CliRun result = run({"--socket", socket(), "weekly", "-w", "monday", "--order", "desc", "--json"});
  ASSERT_EQ(result.code, 0) << result.err;
  const Json weekly = Json::parse(result.out).at("weekly");
  EXPECT_EQ(weekly.at(0).at("week"), "2026-03-02");
  const CliRun blocks = run({"--json", "--socket", socket(), "blocks", "--token-limit", "max", "-s", "20260201"});
  ASSERT_EQ(blocks.code, 0) << blocks.err;
  EXPECT_EQ(Json::parse(blocks.out).at("blocks").at(0).at("id"), "2026-02-01T09:00:00.000Z");
}

// --breakdown alone (ccusage's flag) or with what to break down by; a table row per agent.
TEST_F(Cli, BreakdownTakesAnOptionalKind) {
  for (const std::vector<std::string>& flags :
       {std::vector<std::string>{"--breakdown", "subagent"}, {"-b", "subagent"}, {"--breakdown=subagent"}, {"--by-subagent"}}) {
    std::vector<std::string> args{"--socket", socket(), "--json", "session"};
    args.insert(args.end(), flags.begin(), flags.end());
    const CliRun result = run(args);
    ASSERT_EQ(result.code, 0) << flags.front() << ": " << result.err;
    EXPECT_EQ(Json::parse(result.out).at("sessions").at(0).at("agentBreakdowns").at(0).at("agent"), "main");
  }
  for (const std::vector<std::string>& flags :
       {std::vector<std::string>{"--breakdown"}, {"-b"}, {"--breakdown", "model"}, {"-b", "--order", "desc"}}) {
    std::vector<std::string> args{"--socket", socket(), "daily"};
    args.insert(args.end(), flags.begin(), flags.end());
    const CliRun result = run(args);
    ASSERT_EQ(result.code, 0) << flags.front() << ": " << result.err;
    EXPECT_NE(result.out.find("└─ opus-4"), std::string::npos) << result.out;
    EXPECT_EQ(result.out.find("└─ main"), std::string::npos) << result.out;
  }
  const CliRun agents = run({"--socket", socket(), "daily", "--breakdown", "subagent"});
  ASSERT_EQ(agents.code, 0) << agents.err;
  EXPECT_NE(agents.out.find("└─ main"), std::string::npos) << agents.out;
  const CliRun bad = run({"--socket", socket(), "daily", "--breakdown", "agents"});
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("must be true, false or one of model|subagent"), std::string::npos) << bad.err;
}

// web prints the dashboard's URL; --open hands it to xdg-open as one argument.
TEST_F(Cli, WebPrintsAndOpensTheDashboardsUrl) {
  const CliRun printed = run({"--socket", socket(), "web"});
  ASSERT_EQ(printed.code, 0) << printed.err;
  EXPECT_EQ(printed.out, "http://127.0.0.1:8798/?token=abc\n");
  test::TempDir bin;
  const auto opened = bin.path() / "opened";
  test::write_file(bin.path() / "xdg-open", "#!/bin/sh\nprintf '%s|%s' \"$#\" \"$1\" > " + opened.string() + "\n");
  std::filesystem::permissions(bin.path() / "xdg-open", std::filesystem::perms::owner_all);
  const std::string path = std::getenv("PATH") != nullptr ? std::getenv("PATH") : "";
  ::setenv("PATH", (bin.path().string() + ":" + path).c_str(), 1);
  const CliRun open = run({"--socket", socket(), "web", "--open"});
  ::setenv("PATH", path.c_str(), 1);
  ASSERT_EQ(open.code, 0) << open.err;
  EXPECT_EQ(open.out, "http://127.0.0.1:8798/?token=abc\n");
  EXPECT_EQ(test::read_file(opened), "1|http://127.0.0.1:8798/?token=abc");
}

TEST_F(Cli, LimitsExitCodesTellScriptsHowCloseTheLimitIs) {
  const CliRun none = run({"--socket", socket(), "limits"});
  EXPECT_EQ(none.code, 20) << none.err;
  EXPECT_NE(none.out.find("No official limits recorded yet"), std::string::npos) << none.out;
  // 95 % read a minute before now, the window resetting in an hour.
  server_.on_loop([this] {
    source_.snapshots = {{RateLimitWindow::kFiveHour, test::kHistoryNowMs - 60'000, 95, test::kHistoryNowMs + 3'600'000}};
  });
  const CliRun near = run({"--socket", socket(), "limits", "--json"});
  EXPECT_EQ(near.code, 10) << near.err;
  EXPECT_EQ(Json::parse(near.out).at("windows").at(0).at("usedPercentage"), 95.0);
  const CliRun table = run({"--socket", socket(), "limits"});
  EXPECT_EQ(table.code, 10);
  EXPECT_NE(table.out.find("5-hour"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("95.0%"), std::string::npos) << table.out;
  server_.on_loop([this] { source_.snapshots.back().used_percentage = 100.5; });
  EXPECT_EQ(run({"--socket", socket(), "limits"}).code, 11);
  const CliRun history = run({"--socket", socket(), "limits", "--history"});
  EXPECT_EQ(history.code, 0) << history.err;
  EXPECT_NE(history.out.find("1 reading recorded"), std::string::npos) << history.out;
}

TEST_F(Cli, ProjectFoldersStartingWithADash) {
  for (const char* option : {"--project", "-p"}) {
    const CliRun result = run({"--socket", socket(), "daily", option, "-home-ana-web", "--json"});
    ASSERT_EQ(result.code, 0) << result.err;
    EXPECT_EQ(test::json_difference(Json::parse(result.out),
                                    test::read_json(test::ccusage_fixture("history") / "daily_project.json")),
              "");
  }
}

TEST_F(Cli, TablesWithTotals) {
  const CliRun result = run({"--socket", socket(), "daily", "--breakdown"});
  ASSERT_EQ(result.code, 0) << result.err;
  EXPECT_NE(result.out.find("│ 2026-01-30 "), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("└─ opus-4"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("│ Total "), std::string::npos) << result.out;
  EXPECT_EQ(result.out.find('\x1b'), std::string::npos);
  for (const char* command : {"weekly", "monthly", "session", "blocks"}) {
    const CliRun table = run({"--socket", socket(), command});
    EXPECT_EQ(table.code, 0) << command << table.err;
    EXPECT_NE(table.out.find("┌"), std::string::npos) << command;
  }
}

TEST_F(Cli, ColourOnlyOnATerminalWithoutNoColor) {
  EXPECT_NE(run({"--socket", socket(), "daily"}, "", true).out.find('\x1b'), std::string::npos);
  EXPECT_EQ(run({"--socket", socket(), "daily"}, "", true, {{"NO_COLOR", "1"}}).out.find('\x1b'), std::string::npos);
  EXPECT_EQ(run({"--socket", socket(), "--no-color", "daily"}, "", true).out.find('\x1b'), std::string::npos);
}

TEST_F(Cli, Chart) {
  const CliRun result = run({"--socket", socket(), "daily", "--chart"});
  ASSERT_EQ(result.code, 0) << result.err;
  EXPECT_NE(result.out.find("2026-02-01 │████"), std::string::npos) << result.out;
}

TEST_F(Cli, StatusRescanReload) {
  const CliRun status = run({"--socket", socket(), "status"});
  EXPECT_EQ(status.code, 0);
  EXPECT_NE(status.out.find("state:          watching"), std::string::npos) << status.out;
  EXPECT_NE(status.out.find("rate limits:    12 recorded, 40 unchanged, 3 windows absent; rejected: malformed 1\n"),
            std::string::npos)
      << status.out;
  const CliRun rescan = run({"--socket", socket(), "rescan"});
  EXPECT_EQ(rescan.code, 0);
  EXPECT_EQ(rescan.out, "rescan started\n");
  const CliRun reload = run({"--socket", socket(), "reload"});
  EXPECT_EQ(reload.code, kExitCommandFailed);
  EXPECT_NE(reload.err.find("unknown zone"), std::string::npos) << reload.err;
}

TEST_F(Cli, BadFlagsAreUsageErrorsBeforeAnyRequest) {
  const int calls = server_.on_loop([this] { return source_.calls; });
  const CliRun limit = run({"--socket", socket(), "blocks", "--token-limit", "lots"});
  EXPECT_EQ(limit.code, kExitUsage);
  EXPECT_NE(limit.err.find("token_limit"), std::string::npos) << limit.err;
  EXPECT_EQ(run({"--socket", socket(), "daily", "--since", "2026-02-30"}).code, kExitUsage);
  EXPECT_EQ(run({"--socket", socket(), "daily", "--active"}).code, kExitUsage);
  EXPECT_EQ(run({"--socket", socket()}).code, kExitUsage);
  EXPECT_EQ(run({"--socket", socket(), "frobnicate"}).code, kExitUsage);
  EXPECT_EQ(server_.on_loop([this] { return source_.calls; }), calls);
}

TEST_F(Cli, SessionLengthMismatchIsTheDaemonsError) {
  const CliRun result = run({"--socket", socket(), "blocks", "--session-length", "8"});
  EXPECT_EQ(result.code, kExitCommandFailed);
  EXPECT_NE(result.err.find("5-hour blocks"), std::string::npos) << result.err;
}

TEST_F(Cli, StatuslineAnswersFromTheDaemon) {
  const std::string hook = R"({"session_id":"s-a1","model":{"display_name":"Sonnet 4"}})";
  const CliRun result = run({"--socket", socket(), "statusline"}, hook);
  EXPECT_EQ(result.code, 0);
  EXPECT_EQ(result.out, "🤖 Sonnet 4 | 💰 $0.19 session / $0.00 today / No active block\n");
}

TEST_F(Cli, ConfigGivesTheSocket) {
  test::TempDir dir;
  const auto config = dir.path() / "config.yaml";
  test::write_file(config, "ctl:\n  socket: " + socket() + "\n");
  const CliRun result = run({"--config", config.string(), "monthly", "--json"});
  ASSERT_EQ(result.code, 0) << result.err;
  EXPECT_EQ(Json::parse(result.out).at("monthly").size(), 3u);
}

TEST(CliWithoutDaemon, SaysHowToStartIt) {
  test::TempDir dir;
  const CliRun result = run({"--socket", (dir.path() / "none.sock").string(), "status"});
  EXPECT_EQ(result.code, kExitNotRunning);
  EXPECT_NE(result.err.find("systemctl --user start claude-usaged"), std::string::npos) << result.err;
}

TEST(CliWithoutDaemon, StatuslineFallsBackAndSucceeds) {
  test::TempDir dir;
  const CliRun result =
      run({"--socket", (dir.path() / "none.sock").string(), "statusline"}, R"({"model":{"display_name":"Opus 4.1"}})");
  EXPECT_EQ(result.code, 0);
  EXPECT_EQ(result.out, "🤖 Opus 4.1 | claude-usaged not running\n");
}

TEST(CliWithoutDaemon, StatuslineSurvivesABadConfig) {
  test::TempDir dir;
  const auto config = dir.path() / "config.yaml";
  test::write_file(config, "nonsense: [\n");
  const CliRun result = run({"--config", config.string(), "statusline"}, "");
  EXPECT_EQ(result.code, 0);
  EXPECT_EQ(result.out.rfind("🤖 Claude | ", 0), 0u) << result.out;
}

TEST(CliWithoutDaemon, BadConfigIsAUsageError) {
  test::TempDir dir;
  const auto config = dir.path() / "config.yaml";
  test::write_file(config, "nonsense: [\n");
  const CliRun result = run({"--config", config.string(), "daily"});
  EXPECT_EQ(result.code, kExitUsage);
  EXPECT_FALSE(result.err.empty());
}

TEST(CliWithoutDaemon, Help) {
  const CliRun top = run({"--help"});
  EXPECT_EQ(top.code, 0);
  for (const char* command : {"status", "daily", "weekly", "monthly", "session", "blocks", "statusline", "rescan", "reload"}) {
    EXPECT_NE(top.out.find(command), std::string::npos) << command;
  }
  const CliRun blocks = run({"blocks", "--help"});
  EXPECT_EQ(blocks.code, 0);
  EXPECT_NE(blocks.out.find("--token-limit"), std::string::npos) << blocks.out;
  EXPECT_NE(blocks.out.find("--recent"), std::string::npos);
}

// A stream whose reader went away: every write fails, as a closed pipe's does.
class ClosedPipeBuffer : public std::streambuf {
 protected:
  int_type overflow(int_type) override { return traits_type::eof(); }
};

TEST(CliOutput, LostOutputIsExitCodeSix) {
  ClosedPipeBuffer closed;
  std::ostream out(&closed);
  out << "daily report\n";
  EXPECT_EQ(exit_code_after_flush(kExitOk, out), kExitOutput);
  EXPECT_EQ(exit_code_after_flush(kExitNotRunning, out), kExitOutput);
  std::ostringstream fine;
  fine << "daily report\n";
  EXPECT_EQ(exit_code_after_flush(kExitNotRunning, fine), kExitNotRunning);
}

// A daemon from another version: it answers with "v":2.
TEST(CliWithoutDaemon, VersionMismatchIsExplained) {
  test::TempDir dir;
  const auto path = dir.path() / "v2.sock";
  const int listener = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, path.c_str(), sizeof(address.sun_path) - 1);
  ASSERT_EQ(::bind(listener, reinterpret_cast<const sockaddr*>(&address), sizeof(address)), 0);
  ASSERT_EQ(::listen(listener, 1), 0);
  std::thread daemon([listener] {
    const int client = ::accept(listener, nullptr, nullptr);
    char buffer[4096];
    (void)!::read(client, buffer, sizeof(buffer));
    const std::string answer = R"({"v":2,"ok":true,"data":{}})" "\n";
    (void)!::write(client, answer.data(), answer.size());
    ::close(client);
  });
  const CliRun result = run({"--socket", path.string(), "daily"});
  daemon.join();
  ::close(listener);
  EXPECT_EQ(result.code, kExitProtocol);
  EXPECT_NE(result.err.find("version 2"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace cu::ctl

namespace cu::ctl {
namespace {

// The CLI as user "ana" with the system unit's files below `root` (instead of /).
CliRun run_as_ana(const std::vector<std::string>& args, const test::TempDir& home, const std::filesystem::path& root,
                  std::map<std::string, std::string> extra_env = {}) {
  extra_env["USER"] = "ana";
  return run_in(args, home, extra_env, root);
}

// Under the system template the daemon listens on /run/claude-usaged/<user>/claude-usaged.sock;
// the client finds it without --socket when the user unit's socket does not exist.
TEST_F(Cli, FindsTheSystemUnitsDaemonWithoutSocket) {
  test::TempDir home;
  test::TempDir root;
  const auto run_dir = root.path() / "run/claude-usaged/ana";
  std::filesystem::create_directories(run_dir);
  std::filesystem::create_symlink(server_.socket(), run_dir / "claude-usaged.sock");
  const CliRun found = run_as_ana({"daily", "--json"}, home, root.path());
  EXPECT_EQ(found.code, kExitOk) << found.err;
  EXPECT_NE(found.out.find("\"daily\""), std::string::npos) << found.out;
}

// The system config's ctl.socket, resolved with the unit's environment, is where it looks.
TEST_F(Cli, ReadsTheSystemUnitsSocketFromItsConfig) {
  test::TempDir home;
  test::TempDir root;
  std::filesystem::create_directories(root.path() / "etc/claude-usaged");
  test::write_file(root.path() / "etc/claude-usaged/config.yaml",
                   "ctl:\n  socket: " + (root.path() / "elsewhere/ctl.sock").string() + "\n");
  std::filesystem::create_directories(root.path() / "elsewhere");
  std::filesystem::create_symlink(server_.socket(), root.path() / "elsewhere/ctl.sock");
  const CliRun found = run_as_ana({"daily", "--json"}, home, root.path());
  EXPECT_EQ(found.code, kExitOk) << found.err;
}

TEST_F(Cli, NamesEverySocketItTriedWhenNoneAnswers) {
  test::TempDir home;
  test::TempDir root;
  const CliRun none = run_as_ana({"daily"}, home, root.path());
  EXPECT_EQ(none.code, kExitNotRunning);
  const std::string user_socket = (home.path() / "run" / "claude-usaged.sock").string();
  const std::string system_socket = (root.path() / "run/claude-usaged/ana/claude-usaged.sock").string();
  EXPECT_NE(none.err.find(user_socket + " (ctl.socket of"), std::string::npos) << none.err;
  EXPECT_NE(none.err.find(system_socket + " (the system unit claude-usaged@ana)"), std::string::npos) << none.err;
}

TEST_F(Cli, AnEnvironmentVariableNamesTheSocket) {
  test::TempDir home;
  test::TempDir root;
  const CliRun found = run_as_ana({"daily", "--json"}, home, root.path(), {{"CLAUDE_USAGED_SOCKET", socket()}});
  EXPECT_EQ(found.code, kExitOk) << found.err;
  const CliRun missing = run_as_ana({"daily"}, home, root.path(), {{"CLAUDE_USAGED_SOCKET", "/nonexistent/x.sock"}});
  EXPECT_EQ(missing.code, kExitNotRunning);
  EXPECT_NE(missing.err.find("/nonexistent/x.sock"), std::string::npos) << missing.err;
}

}  // namespace
}  // namespace cu::ctl
