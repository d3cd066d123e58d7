// The report builders against real ccusage 20.0.24 output on the same events (tests/ctl/ccusage).
#include <gtest/gtest.h>

#include "dispatch.h"
#include "event_report_source.h"
#include "support/test_support.h"

namespace cu::ctl {
namespace {

using Json = nlohmann::json;

Json answer(ReportSource& source, const Json& report, std::int64_t now_ms) {
  const Response response = test::ask(source, report.at("cmd").get<std::string>(), report.at("args"), now_ms);
  EXPECT_TRUE(response.ok) << response.error;
  return response.data;
}

void expect_scenario_matches(const std::string& scenario) {
  const auto dir = test::ccusage_fixture(scenario);
  const Json capture = test::read_json(dir / "capture.json");
  test::EventReportSource source(test::load_events(dir / "events.json"), capture.at("timezone").get<std::string>());
  const std::int64_t now_ms = capture.at("now_ms").is_null() ? test::kHistoryNowMs : capture.at("now_ms").get<std::int64_t>();
  for (const Json& report : capture.at("reports")) {
    const std::string file = report.at("file").get<std::string>();
    const Json expected = test::read_json(dir / file);
    EXPECT_EQ(test::json_difference(answer(source, report, now_ms), expected), "") << scenario << "/" << file;
  }
}

TEST(ReportsVsCcusage, History) { expect_scenario_matches("history"); }

TEST(ReportsVsCcusage, ActiveBlock) { expect_scenario_matches("active"); }

// The same `history` reports from the installed ccusage, run now on logs written from the events.
TEST(ReportsVsCcusage, LiveHistory) {
  const auto ccusage = test::ccusage_path();
  if (!ccusage) {
    if (test::running_in_ci()) FAIL() << "ccusage is not installed";
    GTEST_SKIP() << "ccusage is not installed";
  }
  const auto dir = test::ccusage_fixture("history");
  const auto events = test::load_events(dir / "events.json");
  test::TempDir logs;
  test::write_claude_logs(logs.path(), events);
  test::EventReportSource source(events, "UTC");
  const Json capture = test::read_json(dir / "capture.json");
  for (const Json& report : capture.at("reports")) {
    std::string command = "TZ=UTC CLAUDE_CONFIG_DIR=" + test::shell_quote(logs.path().string()) + " " +
                          test::shell_quote(ccusage->string());
    for (const Json& arg : report.at("ccusage")) {
      command += ' ';
      command += test::shell_quote(arg.get<std::string>());
    }
    const test::CommandResult result = test::run_command(command + " --json --offline");
    ASSERT_EQ(result.exit_code, 0) << command;
    EXPECT_EQ(test::json_difference(answer(source, report, test::kHistoryNowMs), Json::parse(result.output)), "")
        << report.at("file");
  }
}

}  // namespace
}  // namespace cu::ctl
