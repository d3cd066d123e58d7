// Which thread an event belongs to, and the per-agent sums.
#include "rollup/agents.h"

#include <gtest/gtest.h>

#include "rollup_test_events.h"

namespace cu {
namespace {

using test::usage_event;
using test::utc_ms;

UsageEvent in_file(UsageEvent event, std::string file, bool sidechain = false) {
  event.file = std::move(file);
  event.entry.is_sidechain = sidechain;
  return event;
}

TEST(Agents, SubagentFilesAreTheSessionsSubagentsFolder) {
  EXPECT_TRUE(is_subagent_file("p/s1/subagents/agent-a2989ff.jsonl"));
  EXPECT_FALSE(is_subagent_file("p/s1.jsonl"));
  EXPECT_FALSE(is_subagent_file("p/subagents/agent-a.jsonl"));          // no session folder
  EXPECT_FALSE(is_subagent_file("p/s1/x/subagents/agent-a.jsonl"));     // too deep
  EXPECT_FALSE(is_subagent_file("p/s1/subagents/.jsonl"));
  EXPECT_FALSE(is_subagent_file("p/s1/subagents/agent-a.meta.json"));
  EXPECT_EQ(subagent_meta_file("p/s1/subagents/agent-a2989ff.jsonl"), "p/s1/subagents/agent-a2989ff.meta.json");
}

TEST(Agents, TheTypeIsTheMetadatasAgentType) {
  EXPECT_EQ(agent_type_of_meta(R"({"agentType":"Explore","description":"find files"})"), "Explore");
  EXPECT_EQ(agent_type_of_meta(R"({"agentType":""})"), std::nullopt);
  EXPECT_EQ(agent_type_of_meta(R"({"agentType":3})"), std::nullopt);
  EXPECT_EQ(agent_type_of_meta(R"(["Explore"])"), std::nullopt);
  EXPECT_EQ(agent_type_of_meta("{not json"), std::nullopt);
  EXPECT_EQ(agent_type_of_meta(""), std::nullopt);
}

TEST(Agents, MainSidechainsAndSubagentTranscripts) {
  const SubagentTypeLookup types = [](std::string_view file) -> std::optional<std::string> {
    if (file == "p/s1/subagents/agent-b.jsonl") return "Explore";
    return std::nullopt;
  };
  const UsageEvent event = usage_event(1, utc_ms("2026-03-01T10:00:00.000Z"), "claude-sonnet-4-5", 10);
  EXPECT_EQ(agent_of(in_file(event, "p/s1.jsonl"), types), "main");
  EXPECT_EQ(agent_of(in_file(event, "p/s1.jsonl", /*sidechain=*/true), types), "subagent");
  EXPECT_EQ(agent_of(in_file(event, "p/s1/subagents/agent-a.jsonl"), types), "subagent");
  EXPECT_EQ(agent_of(in_file(event, "p/s1/subagents/agent-b.jsonl"), types), "Explore");
  EXPECT_EQ(agent_of(in_file(event, "p/s1/subagents/agent-b.jsonl"), nullptr), "subagent");
}

TEST(Agents, BreakdownSumsPerAgentCostliestFirst) {
  const SubagentTypeLookup types = [](std::string_view) { return std::optional<std::string>("Explore"); };
  std::vector<UsageEvent> events{
      in_file(usage_event(1, 0, "m", 100, 10), "p/s1.jsonl"),
      in_file(usage_event(2, 0, "m", 200, 20), "p/s1/subagents/agent-a.jsonl"),
      in_file(usage_event(3, 0, "m", 300, 30), "p/s1/subagents/agent-b.jsonl"),
      in_file(usage_event(4, 0, "m", 5, 0), "p/s1.jsonl", /*sidechain=*/true),
  };
  events[0].cost_usd = 1.0;
  events[1].cost_usd = 0.5;
  events[2].cost_usd = 0.75;
  events[3].cost_usd = 0.25;
  const std::vector<AgentUsage> agents = agent_breakdown(events, types);
  ASSERT_EQ(agents.size(), 3u);
  EXPECT_EQ(agents[0].agent, "Explore");
  EXPECT_EQ(agents[0].tokens.input, 500);
  EXPECT_EQ(agents[0].tokens.output, 50);
  EXPECT_DOUBLE_EQ(agents[0].cost_usd, 1.25);
  EXPECT_EQ(agents[0].request_count, 2);
  EXPECT_EQ(agents[1].agent, "main");
  EXPECT_EQ(agents[2].agent, "subagent");
  EXPECT_EQ(agents[2].tokens.input, 5);
  EXPECT_TRUE(agent_breakdown({}, types).empty());
}

}  // namespace
}  // namespace cu
