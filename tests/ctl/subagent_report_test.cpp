// daily and session broken down by agent (--breakdown subagent, --by-subagent) through the request
// dispatch, on hand-made events.
#include <gtest/gtest.h>

#include "dispatch.h"
#include "event_report_source.h"

namespace cu::ctl {
namespace {

using Json = nlohmann::json;
using test::make_event;

UsageEvent in_file(UsageEvent event, std::string file, bool sidechain = false) {
  event.file = std::move(file);
  event.entry.is_sidechain = sidechain;
  return event;
}

class SubagentReportTest : public ::testing::Test {
 protected:
  SubagentReportTest()
      : source_({
            in_file(make_event(1, "p", "s1", "2026-03-02T10:00:00.000Z", "claude-opus-4-20250514", 100, 10), "p/s1.jsonl"),
            in_file(make_event(2, "p", "s1", "2026-03-02T10:05:00.000Z", "claude-haiku-4-5-20251001", 200, 20),
                    "p/s1/subagents/agent-a.jsonl"),
            in_file(make_event(3, "p", "s1", "2026-03-02T10:06:00.000Z", "claude-haiku-4-5-20251001", 300, 30),
                    "p/s1/subagents/agent-b.jsonl"),
            in_file(make_event(4, "p", "s2", "2026-03-03T10:00:00.000Z", "claude-opus-4-20250514", 400, 40), "p/s2.jsonl",
                    /*sidechain=*/true),
        }) {
    source_.subagent_types = {{"p/s1/subagents/agent-a.jsonl", "Explore"}};
  }

  Response ask(const std::string& cmd, const Json& args) { return test::ask(source_, cmd, args); }
  Json data(const std::string& cmd, const Json& args) {
    const Response response = ask(cmd, args);
    EXPECT_TRUE(response.ok) << response.error;
    return response.data;
  }

  // Each row's agentBreakdowns sum to the row.
  static void expect_agents_sum_to_rows(const Json& rows) {
    for (const Json& row : rows) {
      std::int64_t tokens = 0;
      double cost = 0;
      for (const Json& agent : row.at("agentBreakdowns")) {
        tokens += agent.at("totalTokens").get<std::int64_t>();
        cost += agent.at("cost").get<double>();
      }
      EXPECT_EQ(tokens, row.at("totalTokens").get<std::int64_t>()) << row.dump();
      EXPECT_NEAR(cost, row.at("totalCost").get<double>(), 1e-12) << row.dump();
    }
  }

  test::EventReportSource source_;
};

TEST_F(SubagentReportTest, DailyHasTheMainThreadAndEachSubagentType) {
  const Json days = data("daily", {{"breakdown", "subagent"}}).at("daily");
  ASSERT_EQ(days.size(), 2u);
  const Json& agents = days.at(0).at("agentBreakdowns");
  ASSERT_EQ(agents.size(), 3u);
  std::map<std::string, std::int64_t> input;
  for (const Json& agent : agents) input[agent.at("agent").get<std::string>()] = agent.at("inputTokens").get<std::int64_t>();
  EXPECT_EQ(input, (std::map<std::string, std::int64_t>{{"main", 100}, {"Explore", 200}, {"subagent", 300}}));
  EXPECT_EQ(agents.at(0).at("agent"), "main");  // opus: the costliest
  EXPECT_EQ(days.at(1).at("agentBreakdowns").at(0).at("agent"), "subagent");  // an old-style sidechain
  expect_agents_sum_to_rows(days);
  EXPECT_EQ(data("daily", {{"by_subagent", true}}), data("daily", {{"breakdown", "subagent"}}));
  EXPECT_FALSE(data("daily", {{"breakdown", true}}).at("daily").at(0).contains("agentBreakdowns"));
}

TEST_F(SubagentReportTest, SessionsToo) {
  const Json sessions = data("session", {{"breakdown", "subagent"}}).at("sessions");
  ASSERT_EQ(sessions.size(), 2u);
  expect_agents_sum_to_rows(sessions);
  EXPECT_EQ(sessions.at(1).at("agentBreakdowns").size(), 3u);  // s1: the cheaper session
  const Json entries = data("session", {{"id", "s1"}, {"by_subagent", true}}).at("entries");
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries.at(1).at("agent"), "Explore");
}

TEST_F(SubagentReportTest, OtherReportsRefuseIt) {
  for (const char* cmd : {"weekly", "monthly", "hourly", "blocks"}) {
    const Response response = ask(cmd, {{"breakdown", "subagent"}});
    EXPECT_FALSE(response.ok) << cmd;
    EXPECT_EQ(response.error, "a subagent breakdown is offered by daily and session only") << cmd;
  }
  EXPECT_FALSE(ask("daily", {{"breakdown", "agent"}}).ok);
  EXPECT_EQ(ask("daily", {{"breakdown", "agent"}}).error,
            "argument \"breakdown\" must be true, false or one of model|subagent");
  EXPECT_FALSE(ask("daily", {{"by_subagent", true}, {"instances", true}}).ok);
}

}  // namespace
}  // namespace cu::ctl
