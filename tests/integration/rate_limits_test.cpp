// Claude Code's official rate limits through the real daemon and claude-usagectl (SPEC §11): the
// statusline hook's rate_limits are recorded (one row per window and minute), bad readings are
// counted and never break the statusline, and `limits` fits and projects from the stored readings
// and the events of a log that grows meanwhile.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <fstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/time.h"
#include "integration/daemon_runner.h"
#include "integration/live_daemon.h"
#include "support/test_support.h"

namespace cu::test {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

constexpr std::int64_t kMinuteMs = 60'000;
// claude-sonnet-4 at $3 / $15 per million input / output tokens: 100,000 + 10,000 tokens = $0.45.
constexpr double kLineCost = 0.45;

// An assistant line of claude-sonnet-4 at `timestamp_ms` costing kLineCost.
std::string priced_line(int n, std::int64_t timestamp_ms) {
  return fmt::format(
             R"({{"type":"assistant","timestamp":"{}","sessionId":"s1","requestId":"req_{}",)"
             R"("message":{{"id":"msg_{}","model":"claude-sonnet-4-20250514","usage":{{"input_tokens":100000,)"
             R"("output_tokens":10000,"cache_creation_input_tokens":0,"cache_read_input_tokens":0}}}}}})",
             format_timestamp_ms(timestamp_ms), n, n) +
         "\n";
}

std::int64_t time_of(const Json& value) {
  std::int64_t ms = 0;
  EXPECT_TRUE(value.is_string() && parse_timestamp_ms(value.get<std::string>(), ms)) << value.dump();
  return ms;
}

class RateLimitsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    logs_ = temp_.path() / "logs";
    transcript_ = logs_ / "projects" / "-home-ana-api" / "s1.jsonl";
    fs::create_directories(transcript_.parent_path());
    setup_ = DaemonSetup{temp_.path() / "work", {logs_}, "UTC"};
    fs::create_directories(setup_.work);
    setup_.write_config();
    // The 5-hour window resets three hours from now at a whole minute: it began two hours ago.
    now_ = now_ms();
    resets_at_s_ = (now_ + 3 * 60 * kMinuteMs) / kMinuteMs * 60;
  }

  void append(const std::string& text) { std::ofstream(transcript_, std::ios::app) << text; }

  void start() { daemon_ = std::make_unique<LiveDaemon>(setup_.config_path(), temp_.path() / "daemon.log"); }

  std::string daemon_log() { return read_file(temp_.path() / "daemon.log"); }

  Json status() {
    const CommandResult result = setup_.ctl("status --json");
    return result.exit_code == 0 ? Json::parse(result.output) : Json::object();
  }

  bool events_become(std::int64_t count) {
    return wait_until([&] { return status().value("events", -1) == count; }, std::chrono::seconds(30));
  }

  // The hook JSON Claude Code sends, with `rate_limits` (omitted when null).
  CommandResult statusline(const Json& rate_limits) {
    Json hook{{"session_id", "s1"}, {"model", {{"id", "claude-sonnet-4-20250514"}, {"display_name", "Sonnet 4"}}}};
    if (!rate_limits.is_null()) hook["rate_limits"] = rate_limits;
    const fs::path file = temp_.path() / "hook.json";
    write_file(file, hook.dump());
    return setup_.ctl("statusline < " + shell_quote(file.string()));
  }

  Json five_hour(double percentage) const { return {{"used_percentage", percentage}, {"resets_at", resets_at_s_}}; }
  Json both(double five, double seven) const {
    return {{"five_hour", five_hour(five)},
            {"seven_day", {{"used_percentage", seven}, {"resets_at", resets_at_s_ + 3 * 24 * 3600}}}};
  }

  TempDir temp_;
  fs::path logs_;
  fs::path transcript_;
  DaemonSetup setup_;
  std::unique_ptr<LiveDaemon> daemon_;
  std::int64_t now_ = 0;
  std::int64_t resets_at_s_ = 0;
};

TEST_F(RateLimitsTest, RecordsReadingsFitsTheLimitAndTellsScriptsHowClose) {
  append(priced_line(1, now_ - 40 * kMinuteMs) + priced_line(2, now_ - 30 * kMinuteMs));
  start();
  ASSERT_TRUE(events_become(2)) << status().dump() << daemon_log();

  // Nothing recorded yet: no data.
  EXPECT_EQ(setup_.ctl("limits --json").exit_code, 20);

  // The log grows; then a reading of 18 % with $1.80 spent in the window (4 lines).
  append(priced_line(3, now_ - 20 * kMinuteMs) + priced_line(4, now_ - 10 * kMinuteMs));
  ASSERT_TRUE(events_become(4)) << status().dump();
  // 7-day: 1 % for the same $1.80; at $0.03 a minute the other 99 % take 99 hours, after its reset
  // (75 hours away), so neither window is near.
  const CommandResult line = statusline(both(18, 1));
  EXPECT_EQ(line.exit_code, 0);
  EXPECT_NE(line.output.find(fmt::format("⏳ 5h 18% ↻{}", format_timestamp_ms(resets_at_s_ * 1000).substr(11, 5))),
            std::string::npos)
      << line.output;
  EXPECT_NE(line.output.find("· 7d 1%"), std::string::npos) << line.output;

  const CommandResult limits = setup_.ctl("limits --json");
  ASSERT_EQ(limits.exit_code, 0) << limits.output;
  const Json report = Json::parse(limits.output);
  ASSERT_EQ(report.at("windows").size(), 2u) << report.dump();
  const Json& window = report.at("windows").at(0);
  EXPECT_EQ(window.at("window"), "five_hour");
  EXPECT_EQ(window.at("usedPercentage"), 18.0);
  EXPECT_EQ(time_of(window.at("resetsAt")), resets_at_s_ * 1000);
  EXPECT_NEAR(window.at("windowCostUSD").get<double>(), 4 * kLineCost, 1e-9);
  // One reading: k = 18 / 1.80 = 10 % per dollar, so 100 % is $10. Burn: $1.80 in the last hour,
  // $0.03 a minute, 0.3 % a minute: the remaining 82 % take 273⅓ minutes, after the reset (180).
  EXPECT_NEAR(window.at("estimatedLimitUSD").get<double>(), 10.0, 1e-9);
  const std::int64_t captured = time_of(window.at("capturedAt"));
  EXPECT_NEAR(static_cast<double>(time_of(window.at("projectedFullAt")) - captured), 82 / 0.3 * kMinuteMs, 1000);
  EXPECT_EQ(window.at("hitsBeforeReset"), false);
  EXPECT_EQ(window.at("stale"), false);
  EXPECT_EQ(report.at("windows").at(1).at("window"), "seven_day");
  EXPECT_NEAR(report.at("windows").at(1).at("estimatedLimitUSD").get<double>(), 180.0, 1e-9);
  EXPECT_EQ(report.at("windows").at(1).at("hitsBeforeReset"), false);

  // The stored rows: one per window.
  auto rows = setup_.open_store().rate_limit_snapshots({});
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].window, RateLimitWindow::kFiveHour);
  EXPECT_EQ(rows[0].used_percentage, 18);
  EXPECT_EQ(rows[0].resets_at_ms, resets_at_s_ * 1000);

  // Near, then full; a later reading of the same minute replaces the row rather than adding one.
  ASSERT_EQ(statusline(both(92, 30)).exit_code, 0);
  CommandResult near = setup_.ctl("limits");
  EXPECT_EQ(near.exit_code, 10) << near.output;
  ASSERT_EQ(statusline(both(100, 31)).exit_code, 0);
  EXPECT_EQ(setup_.ctl("limits --json").exit_code, 11);
  rows = setup_.open_store().rate_limit_snapshots({});
  EXPECT_LE(rows.size(), 6u);  // at most three minutes passed
  EXPECT_EQ(rows.back().used_percentage, 31);

  const CommandResult history = setup_.ctl("limits --history --json");
  ASSERT_EQ(history.exit_code, 0);
  const Json past = Json::parse(history.output);
  EXPECT_EQ(past.at("snapshots").size(), rows.size());
  ASSERT_EQ(past.at("windows").size(), 2u) << past.dump();
  EXPECT_EQ(past.at("windows").at(0).at("window"), "seven_day");  // it began first
  EXPECT_EQ(past.at("windows").at(1).at("peakPercentage"), 100.0);
  EXPECT_NEAR(past.at("windows").at(1).at("costUSD").get<double>(), 4 * kLineCost, 1e-9);
  EXPECT_EQ(daemon_->terminate(), 0);
}

TEST_F(RateLimitsTest, BadReadingsAreCountedAndTheStatuslineStillAnswers) {
  append(priced_line(1, now_ - 10 * kMinuteMs));
  start();
  ASSERT_TRUE(events_become(1)) << status().dump() << daemon_log();
  const std::int64_t past = resets_at_s_ - 4 * 3600;  // an hour ago
  const std::int64_t far = resets_at_s_ + 3 * 365 * 24 * 3600;
  for (const Json& bad : {Json{{"five_hour", five_hour(-5)}}, Json{{"five_hour", five_hour(250)}},
                          Json{{"five_hour", {{"used_percentage", 10}, {"resets_at", past}}}},
                          Json{{"seven_day", {{"used_percentage", 10}, {"resets_at", far}}}},
                          Json{{"five_hour", "full"}}, Json("nonsense")}) {
    const CommandResult line = statusline(bad);
    EXPECT_EQ(line.exit_code, 0);
    EXPECT_NE(line.output.find("🤖 Sonnet 4 | 💰 $0.45 session"), std::string::npos) << bad.dump() << line.output;
    EXPECT_EQ(line.output.find("⏳"), std::string::npos) << line.output;
  }
  const CommandResult plain = statusline(nullptr);
  EXPECT_EQ(plain.output.find("⏳"), std::string::npos) << plain.output;
  const Json counts = status().at("rate_limits");
  EXPECT_EQ(counts.at("recorded"), 0) << counts.dump();
  EXPECT_EQ(counts.at("rejected"),
            Json({{"bad_percentage", 2}, {"reset_in_past", 1}, {"reset_too_far", 1}, {"malformed", 1 + 2}}))
      << counts.dump();
  // Windows the hooks did not carry: the other window of the five one-window hooks, and both of
  // the hook without rate_limits ("nonsense" made both windows malformed).
  EXPECT_EQ(counts.at("absent"), 5 + 2);
  EXPECT_TRUE(setup_.open_store().rate_limit_snapshots({}).empty());
  EXPECT_EQ(setup_.ctl("limits").exit_code, 20);
  EXPECT_EQ(daemon_->terminate(), 0);
}

TEST_F(RateLimitsTest, P90ComesFromTheStoredBlocksOfTheLast192Hours) {
  // Each line is 110,000 input + output tokens. Completed blocks of 1, 2 and 3 lines (30, 20 and
  // 10 hours ago); one of 10 lines 200 hours ago (too old); the active block's two (excluded).
  // All three hit 0.95 × 19,000. python3: statistics.quantiles([110000, 220000, 330000], n=10)[8]
  // = 396000.0.
  constexpr std::int64_t kHourMs = 60 * kMinuteMs;
  int n = 0;
  std::string lines;
  for (int i = 0; i < 10; ++i) lines += priced_line(++n, now_ - 200 * kHourMs + i * kMinuteMs);
  for (const auto& [hours_ago, count] : {std::pair(30, 1), std::pair(20, 2), std::pair(10, 3)}) {
    for (int i = 0; i < count; ++i) lines += priced_line(++n, now_ - hours_ago * kHourMs + i * kMinuteMs);
  }
  lines += priced_line(++n, now_ - 10 * kMinuteMs);
  lines += priced_line(++n, now_ - 5 * kMinuteMs);  // two timestamps: a burn rate
  append(lines);
  start();
  ASSERT_TRUE(events_become(n)) << status().dump() << daemon_log();
  const CommandResult limits = setup_.ctl("limits --json");
  EXPECT_EQ(limits.exit_code, 20);  // no official reading yet
  EXPECT_EQ(Json::parse(limits.output).at("p90Tokens"), 396000) << limits.output;
  const CommandResult blocks = setup_.ctl("blocks --active --token-limit p90 --json");
  ASSERT_EQ(blocks.exit_code, 0) << blocks.output;
  const Json active = Json::parse(blocks.output).at("blocks");
  ASSERT_EQ(active.size(), 1u) << blocks.output;
  EXPECT_EQ(active.at(0).at("tokenLimitStatus").at("limit"), 396000) << blocks.output;
  EXPECT_EQ(daemon_->terminate(), 0);
}

}  // namespace
}  // namespace cu::test
