// A model the price table does not know, through the real daemon (SPEC §5, §9): its events cost 0,
// it is warned once in the log and listed in `status` with its events and tokens, across restarts;
// once it has a price (pricing.overrides and a reload, pricing.file or pricing.mode at the next
// start) the stored events are re-priced and the daily totals follow.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "integration/daemon_runner.h"
#include "integration/live_daemon.h"
#include "support/test_support.h"

namespace cu::test {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

constexpr const char* kModel = "claude-mystery-9";
constexpr const char* kWarning = "unknown model \"claude-mystery-9\"";
constexpr std::int64_t kLineTokens = 1000 + 500 + 2000 + 10000;
constexpr double kLoggedCost = 0.5;
// One line at 2/10/2.5/4/0.2 $ per million tokens (input, output, 5m write, 1h write, read).
constexpr double kLinePrice = 1000 * 2e-6 + 500 * 10e-6 + 2000 * 2.5e-6 + 10000 * 0.2e-6;

constexpr const char* kOverride =
    "pricing:\n  overrides:\n    claude-mystery-9: {input: 2, output: 10, cache_write_5m: 2.5, cache_write_1h: 4,"
    " cache_read: 0.2}\n";
constexpr const char* kLiteLlmPrices = R"({"claude-mystery-9": {"input_cost_per_token": 2e-06,
  "output_cost_per_token": 1e-05, "cache_creation_input_token_cost": 2.5e-06,
  "cache_creation_input_token_cost_above_1hr": 4e-06, "cache_read_input_token_cost": 2e-07}})";

// An assistant line of kModel (without a 5m/1h split), with a logged costUSD when given.
std::string usage_line(int n, std::optional<double> logged_cost = std::nullopt) {
  const std::string cost = logged_cost ? fmt::format(R"("costUSD":{},)", *logged_cost) : "";
  return fmt::format(
      R"({{"type":"assistant","timestamp":"2026-03-02T1{}:00:00.000Z","sessionId":"s1","cwd":"/home/ana/api",)"
      R"("isSidechain":false,"requestId":"req_{}",{}"message":{{"model":"{}","id":"msg_{}","type":"message",)"
      R"("role":"assistant","usage":{{"input_tokens":1000,"output_tokens":500,"cache_creation_input_tokens":2000,)"
      R"("cache_read_input_tokens":10000}}}}}})"
      "\n",
      n, n, cost, kModel, n);
}

std::size_t occurrences(const std::string& text, std::string_view what) {
  std::size_t count = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++count;
  return count;
}

class UnknownModelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    logs_ = temp_.path() / "logs";
    transcript_ = logs_ / "projects" / "-home-ana-api" / "s1.jsonl";
    fs::create_directories(transcript_.parent_path());
    append(usage_line(0, kLoggedCost) + usage_line(1) + usage_line(2) + usage_line(3));
    setup_ = DaemonSetup{temp_.path() / "work", {logs_}, "UTC"};
    fs::create_directories(setup_.work);
    setup_.write_config();
  }

  void append(const std::string& text) { std::ofstream(transcript_, std::ios::app) << text; }

  double total_cost() {
    double cost = 0;
    for (const DailySummaryRow& row : setup_.open_store().daily_summaries()) cost += row.cost_usd;
    return cost;
  }

  // `status`'s unknown_models, or null when the daemon does not answer.
  Json unknown_models() {
    const CommandResult result = setup_.ctl("status --json");
    if (result.exit_code != 0) return nullptr;
    return Json::parse(result.output).value("unknown_models", Json());
  }

  static Json listed(std::int64_t events) {
    return Json::array({{{"model", kModel}, {"events", events}, {"tokens", events * kLineTokens}}});
  }

  void start(const std::string& log) {
    daemon_.reset();
    daemon_ = std::make_unique<LiveDaemon>(setup_.config_path(), temp_.path() / log);
  }

  TempDir temp_;
  fs::path logs_;
  fs::path transcript_;
  DaemonSetup setup_;
  std::unique_ptr<LiveDaemon> daemon_;
};

TEST_F(UnknownModelTest, WarnedOnceListedAcrossRestartsAndRepricedOnReload) {
  start("first.log");
  Json last;
  EXPECT_TRUE(wait_until([&] { return (last = unknown_models()) == listed(4); }, std::chrono::seconds(20)))
      << last.dump() << "\n" << read_file(temp_.path() / "first.log");
  EXPECT_NEAR(total_cost(), kLoggedCost, 1e-9);  // the logged costUSD; the rest costs 0
  EXPECT_TRUE(wait_until([&] { return occurrences(read_file(temp_.path() / "first.log"), kWarning) > 0; },
                         std::chrono::seconds(20)));
  EXPECT_EQ(daemon_->terminate(), 0);
  EXPECT_EQ(occurrences(read_file(temp_.path() / "first.log"), kWarning), 1u) << read_file(temp_.path() / "first.log");

  // Restarted: still listed, not warned again, not even when more of its events arrive.
  start("second.log");
  append(usage_line(4));
  EXPECT_TRUE(wait_until([&] { return (last = unknown_models()) == listed(5); }, std::chrono::seconds(20)))
      << last.dump() << "\n" << read_file(temp_.path() / "second.log");

  // A price for it and a reload: the stored events are re-priced; the logged cost stays.
  setup_.extra_config = kOverride;
  setup_.write_config();
  const CommandResult reload = setup_.ctl("reload");
  EXPECT_EQ(reload.exit_code, 0) << reload.output;
  double cost = 0;
  EXPECT_TRUE(wait_until([&] { return std::abs((cost = total_cost()) - (kLoggedCost + 4 * kLinePrice)) < 1e-9; },
                         std::chrono::seconds(20)))
      << cost << "\n" << read_file(temp_.path() / "second.log");
  EXPECT_TRUE(wait_until([&] { return (last = unknown_models()) == Json::array(); }, std::chrono::seconds(20)))
      << last.dump();
  EXPECT_EQ(daemon_->terminate(), 0);
  EXPECT_EQ(occurrences(read_file(temp_.path() / "second.log"), kWarning), 0u) << read_file(temp_.path() / "second.log");
}

TEST_F(UnknownModelTest, PricingFileAndModeRepriceStoredEventsAtTheNextStart) {
  CommandResult once = setup_.run_daemon("");
  ASSERT_EQ(once.exit_code, 0) << once.output;
  EXPECT_EQ(occurrences(once.output, kWarning), 1u) << once.output;
  EXPECT_NEAR(total_cost(), kLoggedCost, 1e-9);
  once = setup_.run_daemon("");
  EXPECT_EQ(occurrences(once.output, kWarning), 0u) << once.output;

  write_file(temp_.path() / "prices.json", kLiteLlmPrices);
  setup_.extra_config = fmt::format("pricing:\n  file: {}\n", (temp_.path() / "prices.json").string());
  once = setup_.run_daemon("");
  ASSERT_EQ(once.exit_code, 0) << once.output;
  EXPECT_NEAR(total_cost(), kLoggedCost + 3 * kLinePrice, 1e-9);
  const auto models = setup_.open_store().model_daily();
  ASSERT_EQ(models.size(), 1u);
  EXPECT_NEAR(models[0].cost_usd, kLoggedCost + 3 * kLinePrice, 1e-9);

  // calculate: the logged costUSD no longer decides its event's cost.
  setup_.extra_config += "  mode: calculate\n";
  once = setup_.run_daemon("");
  ASSERT_EQ(once.exit_code, 0) << once.output;
  EXPECT_NEAR(total_cost(), 4 * kLinePrice, 1e-9);
  EXPECT_EQ(occurrences(once.output, kWarning), 0u) << once.output;
}

TEST_F(UnknownModelTest, UnreadablePricingFileIsAConfigError) {
  setup_.extra_config = fmt::format("pricing:\n  file: {}\n", (temp_.path() / "absent.json").string());
  const CommandResult once = setup_.run_daemon("");
  EXPECT_EQ(once.exit_code, 78) << once.output;
  EXPECT_NE(once.output.find("pricing.file: " + (temp_.path() / "absent.json").string()), std::string::npos)
      << once.output;
}

}  // namespace
}  // namespace cu::test
