// Daily and session rows from hand-built events (SPEC §7).
#include <gtest/gtest.h>

#include "rollup/summaries.h"

namespace cu {
namespace {

UsageEvent event(std::int64_t id, std::int64_t ts, std::string model, std::int64_t input, std::int64_t cache_read,
                 double cost, std::string session = "s1") {
  UsageEvent e;
  e.id = id;
  e.entry.timestamp_ms = ts;
  e.entry.model = std::move(model);
  e.entry.tokens.input = input;
  e.entry.tokens.output = 10;
  e.entry.tokens.cache_read = cache_read;
  e.cost_usd = cost;
  e.project = "-home-ana-api";
  e.session_id = std::move(session);
  return e;
}

TEST(SummariesTest, DailySumsTokensCostSessionsAndModels) {
  std::vector<UsageEvent> events{event(1, 1000, "claude-sonnet-4-20250514", 5, 100, 0.25),
                                 event(2, 2000, "claude-opus-4-6", 7, 0, 0.5, "s2"),
                                 event(3, 3000, "<synthetic>", 0, 0, 0.0, "s2")};
  events[1].entry.speed = Speed::kFast;
  const auto row = summarize_day("2026-02-01", events);
  EXPECT_EQ(row.tokens.input, 12);
  EXPECT_EQ(row.tokens.output, 30);
  EXPECT_EQ(row.tokens.cache_read, 100);
  EXPECT_DOUBLE_EQ(row.cost_usd, 0.75);
  EXPECT_EQ(row.session_count, 2);
  EXPECT_EQ(row.models_used, "claude-opus-4-6-fast,claude-sonnet-4-20250514");
}

TEST(SummariesTest, SessionTakesSpanCostliestModelNameAndEfficiency) {
  std::vector<UsageEvent> events{event(2, 5000, "claude-opus-4-6", 10, 30, 2.0),
                                 event(1, 1000, "claude-sonnet-4-20250514", 20, 40, 0.5),
                                 event(3, 3000, "claude-sonnet-4-20250514", 0, 0, 1.0)};
  events[1].entry.cwd = "/home/ana/api";
  const auto row = summarize_session(events);
  EXPECT_EQ(row.session_start_ms, 1000);
  EXPECT_EQ(row.session_end_ms, 5000);
  EXPECT_EQ(row.project_name, "api");
  EXPECT_EQ(row.model_name, "claude-opus-4-6");
  EXPECT_EQ(row.message_count, 3);
  EXPECT_DOUBLE_EQ(row.efficiency_score, 70.0 / 100.0);
  EXPECT_DOUBLE_EQ(row.cost_usd, 3.5);
}

TEST(SummariesTest, SessionWithoutCwdFallsBackToProjectFolder) {
  const std::vector<UsageEvent> events{event(1, 1000, "<synthetic>", 0, 0, 0)};
  const auto row = summarize_session(events);
  EXPECT_EQ(row.project_name, "-home-ana-api");
  EXPECT_EQ(row.model_name, "");
  EXPECT_EQ(row.efficiency_score, 0);
}

}  // namespace
}  // namespace cu
