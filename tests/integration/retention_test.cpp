// Retention through the real daemon on the shared logs (SPEC §13): with retention.raw_events_months
// set so that the cut-off falls inside the history, the raw events before it are dropped and every
// report over the frozen days reads as it did with every event kept; a late line for a frozen day
// is counted in `status`, not applied; a report computed from raw events refuses a range across the
// cut-off instead of answering for part of it.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>

#include <date/date.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "integration/daemon_runner.h"
#include "integration/live_daemon.h"
#include "support/test_support.h"

namespace cu::test {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

// The cut-off this test wants: the days before 2026-02-01 frozen (the shared logs run from 2025-07
// to 2026-07, most of them in 2026-01).
constexpr const char* kCutOff = "2026-02-01";

// The retention.raw_events_months that puts the cut-off at kCutOff today (UTC).
int months_back_to_cut_off() {
  const date::year_month_day today(date::floor<date::days>(std::chrono::system_clock::now()));
  const date::year_month now = today.year() / today.month();
  const date::year_month cut = date::year{2026} / date::February;
  return static_cast<int>((now - cut).count());
}

// A line of a frozen day (2026-01-20) that no transcript holds.
constexpr const char* kLateLine =
    R"({"type":"assistant","timestamp":"2026-01-20T10:00:00.000Z","sessionId":"late","cwd":"/home/ana/late",)"
    R"("requestId":"req_late_1","message":{"model":"claude-sonnet-4-5-20250929","id":"msg_late_1","type":"message",)"
    R"("role":"assistant","usage":{"input_tokens":1000,"output_tokens":500}}})"
    "\n";

// The first usage line of the shared logs from 2026-01, a month the test freezes.
std::string frozen_usage_line(const fs::path& logs) {
  for (const fs::directory_entry& entry : fs::recursive_directory_iterator(logs / "projects")) {
    if (!entry.is_regular_file() || entry.path().extension() != ".jsonl") continue;
    std::ifstream in(entry.path());
    for (std::string line; std::getline(in, line);) {
      if (line.find("\"timestamp\":\"2026-01") != std::string::npos &&
          line.find("\"output_tokens\"") != std::string::npos && line.find("\"id\":\"msg_") != std::string::npos) {
        return line + "\n";
      }
    }
  }
  ADD_FAILURE() << "no usage line of 2026-01 in " << logs;
  return {};
}

class RetentionDaemonTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CU_REQUIRE_SHARED_LOGS();
    extra_root_ = temp_.path() / "extra";
    fs::create_directories(extra_root_ / "projects");
    setup_ = DaemonSetup{temp_.path() / "work", {*shared_claude_logs(), extra_root_}, "UTC"};
    fs::create_directories(setup_.work);
    setup_.write_config();
  }

  // `status --json`, or an empty object while the daemon does not answer.
  Json status() {
    const CommandResult result = setup_.ctl("status --json");
    return result.exit_code == 0 ? Json::parse(result.output) : Json::object();
  }
  // status's retention.<key> (null while the daemon does not answer); the answer in `last`.
  Json retention(const char* key, Json& last) {
    last = status();
    return last.value("retention", Json::object()).value(key, Json());
  }
  std::string report(const std::string& arguments) {
    const CommandResult result = setup_.ctl(arguments);
    EXPECT_EQ(result.exit_code, 0) << arguments << ": " << result.output;
    return result.output;
  }

  TempDir temp_;
  fs::path extra_root_;
  DaemonSetup setup_;
};

// Sessions' costs are sums of two parts after a freeze: equal to the last bits, not to the byte.
void expect_same_sessions(const Json& expected, const Json& actual) {
  ASSERT_EQ(expected["sessions"].size(), actual["sessions"].size());
  for (std::size_t i = 0; i < expected["sessions"].size(); ++i) {
    Json want = expected["sessions"][i];
    Json got = actual["sessions"][i];
    EXPECT_NEAR(want["totalCost"].get<double>(), got["totalCost"].get<double>(), 1e-9) << want["sessionId"];
    for (Json* row : {&want, &got}) {
      row->erase("totalCost");
      for (Json& model : (*row)["modelBreakdowns"]) model.erase("cost");
    }
    EXPECT_EQ(want, got);
  }
}

TEST_F(RetentionDaemonTest, FrozenDaysReadAsBeforeAndLateLinesAreCounted) {
  const std::vector<std::string> commands{"daily --json", "monthly --json", "weekly --json", "blocks --json",
                                          "daily --json --since 20260201 --project dfinson__traceforge",
                                          "session --json --since 20260301"};
  std::map<std::string, std::string> before;
  Json sessions_before;
  std::int64_t events_before = 0;
  {
    LiveDaemon daemon(setup_.config_path(), temp_.path() / "first.log");
    ASSERT_TRUE(wait_until([&] { return setup_.watching(); }, std::chrono::seconds(60)))
        << read_file(temp_.path() / "first.log");
    for (const std::string& command : commands) before[command] = report(command);
    sessions_before = Json::parse(report("session --json"));
    events_before = status()["events"].get<std::int64_t>();
    EXPECT_EQ(daemon.terminate(), 0);
  }

  setup_.extra_config = fmt::format("retention:\n  raw_events_months: {}\n", months_back_to_cut_off());
  setup_.write_config();
  LiveDaemon daemon(setup_.config_path(), temp_.path() / "second.log");
  Json last;
  ASSERT_TRUE(wait_until([&] { return retention("frozen_before", last) == kCutOff; },
                         std::chrono::seconds(60)))
      << last.dump() << "\n" << read_file(temp_.path() / "second.log");
  EXPECT_EQ(last["retention"]["late_events"], 0);
  const std::int64_t events_after = last["events"].get<std::int64_t>();
  EXPECT_LT(events_after, events_before / 2) << "most of the shared logs' events are of 2026-01";
  EXPECT_GT(events_after, 0);

  for (const std::string& command : commands) EXPECT_EQ(report(command), before[command]) << command;
  expect_same_sessions(sessions_before, Json::parse(report("session --json")));

  // A line of a frozen day in a new transcript: counted, not applied.
  write_file(extra_root_ / "projects" / "-home-ana-late" / "late.jsonl", kLateLine);
  ASSERT_TRUE(wait_until([&] { return retention("late_events", last) == 1; },
                         std::chrono::seconds(30)))
      << last.dump();
  EXPECT_EQ(report("daily --json"), before["daily --json"]);

  // A copy of a line of the shared logs from a frozen day (a restored backup, a resumed session's
  // copied history): a late duplicate, counted and not applied either.
  write_file(extra_root_ / "projects" / "-home-ana-late" / "copy.jsonl", frozen_usage_line(*shared_claude_logs()));
  ASSERT_TRUE(wait_until([&] { return retention("late_events", last) == 2; },
                         std::chrono::seconds(30)))
      << last.dump();
  EXPECT_EQ(report("daily --json"), before["daily --json"]);
  expect_same_sessions(sessions_before, Json::parse(report("session --json")));

  // Computed from raw events over a range reaching before the cut-off: refused, saying why.
  const CommandResult partial =
      run_command(fmt::format("{} --socket {} daily --json --project -home-ana-late 2>&1",
                              shell_quote((bin_dir() / "claude-usagectl").string()),
                              shell_quote(setup_.socket_path().string())));
  EXPECT_EQ(partial.exit_code, 1) << partial.output;  // the daemon refused the range
  EXPECT_NE(partial.output.find("--since 20260201"), std::string::npos) << partial.output;
  EXPECT_EQ(daemon.terminate(), 0);
}

}  // namespace
}  // namespace cu::test
