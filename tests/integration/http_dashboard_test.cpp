// The real daemon's HTTP listener on the shared logs: /api/<command> is claude-usagectl <command>
// --json for every command, /metrics sums to the reports, and the dashboard, rendered by Debian's
// headless Chromium, shows daily --json's total cost and day count (a screenshot lands in the build
// directory).
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "integration/daemon_runner.h"
#include "integration/live_daemon.h"
#include "support/test_support.h"

namespace cu::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// A loopback port nothing listens on now (the system's pick for port 0).
std::uint16_t free_port() {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor acceptor(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  return acceptor.local_endpoint().port();
}

std::string dollars(double usd) { return fmt::format("${:.2f}", usd); }

class HttpDashboardTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CU_REQUIRE_SHARED_LOGS();
    const std::filesystem::path logs = *shared_claude_logs();
    port_ = free_port();
    setup_ = DaemonSetup{temp_.path() / "work", {logs}, "UTC"};
    setup_.extra_config = fmt::format("http:\n  listen: 127.0.0.1:{}\n  token_file: {}\n", port_,
                                      (temp_.path() / "state" / "http.token").string());
    fs::create_directories(setup_.work);
    setup_.write_config();
    daemon_ = std::make_unique<LiveDaemon>(setup_.config_path(), temp_.path() / "daemon.log");
    ASSERT_TRUE(wait_until([&] { return setup_.watching(); })) << read_file(temp_.path() / "daemon.log");
    const CommandResult web = setup_.ctl("web");
    ASSERT_EQ(web.exit_code, 0) << web.output;
    url_ = web.output.substr(0, web.output.find('\n'));
    token_ = url_.substr(url_.find("token=") + 6);
  }

  // GET with the token, through curl (the test's own HTTP client would prove less).
  CommandResult get(const std::string& path) {
    return run_command(fmt::format("curl -sS -f -H {} {}", shell_quote("Authorization: Bearer " + token_),
                                   shell_quote(fmt::format("http://127.0.0.1:{}{}", port_, path))));
  }

  TempDir temp_;
  DaemonSetup setup_;
  std::unique_ptr<LiveDaemon> daemon_;
  std::uint16_t port_ = 0;
  std::string url_;
  std::string token_;
};

TEST_F(HttpDashboardTest, ApiIsTheCliJsonForEveryCommand) {
  EXPECT_EQ(url_, fmt::format("http://127.0.0.1:{}/?token={}", port_, token_));
  EXPECT_EQ(token_, read_file(temp_.path() / "state" / "http.token").substr(0, 64));
  const std::vector<std::pair<std::string, std::string>> cases{
      {"daily", ""}, {"daily", "--since 20260101 --breakdown subagent"}, {"weekly", "--order desc"}, {"monthly", ""},
      {"hourly", "--since 20260124 --until 20260124"}, {"session", "--project R3zil__duck_town__-home-gastown-gt"},
      {"blocks", "--token-limit max"}, {"statusline", ""}, {"limits", ""}, {"web", ""}, {"status", ""},
      {"rescan", ""}, {"reload", ""}};
  for (const auto& [command, flags] : cases) {
    SCOPED_TRACE(command + " " + flags);
    std::string query;
    for (std::size_t at = 0; at < flags.size();) {  // "--since X --breakdown Y" -> "since=X&breakdown=Y"
      const std::size_t end = std::min(flags.find(" --", at + 1), flags.size());
      std::string pair = flags.substr(at + 2, end - at - 2);
      std::replace(pair.begin(), pair.end(), ' ', '=');
      std::replace(pair.begin(), pair.begin() + static_cast<long>(std::min(pair.find('='), pair.size())), '-', '_');
      query += (query.empty() ? "?" : "&") + pair;
      at = end + 1;
    }
    const CommandResult api = get("/api/" + command + query);
    ASSERT_EQ(api.exit_code, 0) << api.output;
    const CommandResult cli = setup_.ctl(command + " " + flags + " --json");
    json ours = json::parse(api.output);
    json theirs = json::parse(cli.output);
    if (command == "status") {  // what changes between two calls
      for (json* status : {&ours, &theirs}) status->erase("uptime_s");
    }
    EXPECT_EQ(ours, theirs);
  }
}

TEST_F(HttpDashboardTest, MetricsSumToTheReports) {
  const CommandResult metrics = get("/metrics");
  ASSERT_EQ(metrics.exit_code, 0);
  const json daily = json::parse(setup_.ctl("daily --json").output);
  std::int64_t tokens = 0;
  double cost = 0;
  std::istringstream lines(metrics.output);
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with("claude_code_token_usage_tokens_total{")) tokens += std::stoll(line.substr(line.rfind(' ') + 1));
    if (line.starts_with("claude_code_cost_usage_USD_total{")) cost += std::stod(line.substr(line.rfind(' ') + 1));
  }
  EXPECT_EQ(tokens, daily.at("totals").at("totalTokens").get<std::int64_t>());
  EXPECT_NEAR(cost, daily.at("totals").at("totalCost").get<double>(), 1e-6);
  const std::size_t sessions = json::parse(setup_.ctl("session --json").output).at("sessions").size();
  EXPECT_NE(metrics.output.find(fmt::format("\nclaude_code_session_count_total {}\n", sessions)), std::string::npos);
  EXPECT_NE(metrics.output.find("\nclaude_usaged_events_total 4414\n"), std::string::npos) << metrics.output;
  EXPECT_EQ(run_command(fmt::format("curl -s -o /dev/null -w '%{{http_code}}' http://127.0.0.1:{}/metrics", port_)).output,
            "401");
}

TEST_F(HttpDashboardTest, TheBrowserShowsDailysTotals) {
  if (run_command("command -v chromium").exit_code != 0) {
    if (running_in_ci()) FAIL() << "chromium is missing (scripts/install-deps installs it)";
    GTEST_SKIP() << "chromium not installed";
  }
  const json daily = json::parse(setup_.ctl("daily --json").output);
  // --virtual-time-budget lets the page's fetches finish before the DOM is printed.
  const std::string chromium = "chromium --headless=new --no-sandbox --disable-gpu --virtual-time-budget=10000 ";
  const CommandResult dom = run_command(chromium + "--dump-dom " + shell_quote(url_) + " 2>/dev/null");
  ASSERT_EQ(dom.exit_code, 0);
  const auto shown = [&](const std::string& id) {
    const std::string marker = "id=\"" + id + "\">";
    const std::size_t at = dom.output.find(marker);
    return at == std::string::npos ? std::string("(missing)")
                                   : dom.output.substr(at + marker.size(), dom.output.find('<', at) - at - marker.size());
  };
  EXPECT_EQ(shown("total-cost"), dollars(daily.at("totals").at("totalCost").get<double>())) << dom.output.substr(0, 500);
  EXPECT_EQ(shown("day-count"), std::to_string(daily.at("daily").size()));
  const fs::path screenshot = bin_dir().parent_path() / "dashboard.png";
  fs::remove(screenshot);
  run_command(chromium + "--window-size=1280,1400 --screenshot=" + shell_quote(screenshot.string()) + " " +
              shell_quote(url_) + " 2>/dev/null");
  EXPECT_TRUE(fs::exists(screenshot));
}

}  // namespace
}  // namespace cu::test
