// model_daily_usage rows from hand-built events, pinned to ccusage 20.0.24's
// `daily --breakdown -z UTC` on the same entries.
#include "rollup/model_daily.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "pricing/price_table.h"
#include "rollup_test_events.h"

namespace cu {
namespace {

using test::usage_event;
using test::utc_ms;

std::vector<UsageEvent> priced(std::vector<UsageEvent> events) {
  const PriceTable prices = PriceTable::builtin();
  for (UsageEvent& e : events) e.cost_usd = entry_cost(e.entry, prices, CostMode::kAuto);
  return events;
}

// The entries of one day as written to a log and measured with ccusage: a synthetic entry with
// tokens, a zero-token model, a fast entry next to a standard one of the same model.
std::vector<UsageEvent> one_day() {
  std::vector<UsageEvent> events{
      usage_event(1, utc_ms("2026-03-01T10:30:00.000Z"), "claude-sonnet-4-20250514", 100, 10),
      usage_event(2, utc_ms("2026-03-01T10:40:00.000Z"), "claude-haiku-4-5", 0, 0),
      usage_event(3, utc_ms("2026-03-01T10:50:00.000Z"), "claude-sonnet-4-20250514", 0, 0),
      usage_event(4, utc_ms("2026-03-01T10:55:00.000Z"), "<synthetic>", 5, 5),
      usage_event(5, utc_ms("2026-03-01T10:56:00.000Z"), "claude-opus-4-6", 100, 10),
      usage_event(6, utc_ms("2026-03-01T10:57:00.000Z"), "claude-opus-4-6", 100, 10),
      usage_event(7, utc_ms("2026-03-01T23:57:00.000Z"), "claude-opus-4-6", 100, 10)};
  events[4].entry.speed = Speed::kFast;
  return priced(std::move(events));
}

TEST(ModelDailyTest, MatchesCcusageBreakdownWithFastRowsAndWithoutSynthetic) {
  const auto rows = summarize_models_of_day("2026-03-01", one_day());
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0].model, "claude-haiku-4-5");
  EXPECT_EQ(rows[0].tokens, TokenTotals{});
  EXPECT_EQ(rows[0].cost_usd, 0.0);
  EXPECT_EQ(rows[0].request_count, 1);

  EXPECT_EQ(rows[1].model, "claude-opus-4-6");
  EXPECT_EQ(rows[1].tokens, (TokenTotals{200, 20, 0, 0}));
  EXPECT_EQ(rows[1].cost_usd, 0.0015);
  EXPECT_EQ(rows[1].request_count, 2);

  EXPECT_EQ(rows[2].model, "claude-opus-4-6-fast");
  EXPECT_EQ(rows[2].tokens, (TokenTotals{100, 10, 0, 0}));
  EXPECT_EQ(rows[2].cost_usd, 0.0045000000000000005);
  EXPECT_EQ(rows[2].request_count, 1);

  EXPECT_EQ(rows[3].model, "claude-sonnet-4-20250514");
  EXPECT_EQ(rows[3].tokens, (TokenTotals{100, 10, 0, 0}));
  EXPECT_EQ(rows[3].cost_usd, 0.00045000000000000004);
  EXPECT_EQ(rows[3].request_count, 2);
  for (const auto& row : rows) EXPECT_EQ(row.date, "2026-03-01");
}

TEST(ModelDailyTest, SumsAllFourTokenKinds) {
  std::vector<UsageEvent> events{usage_event(1, 1000, "claude-opus-4-6", 1, 2),
                                 usage_event(2, 2000, "claude-opus-4-6", 10, 20)};
  events[0].entry.tokens.cache_creation = 3;
  events[1].entry.tokens.cache_read = 40;
  events[0].cost_usd = 0.25;
  events[1].cost_usd = 0.5;
  const auto rows = summarize_models_of_day("1970-01-01", events);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].tokens, (TokenTotals{11, 22, 3, 40}));
  EXPECT_EQ(rows[0].cost_usd, 0.75);
}

TEST(ModelDailyTest, OrderOfEventsDoesNotChangeTheRows) {
  std::vector<UsageEvent> events = one_day();
  const auto forward = summarize_models_of_day("2026-03-01", events);
  std::reverse(events.begin(), events.end());
  EXPECT_EQ(summarize_models_of_day("2026-03-01", events), forward);
}

TEST(ModelDailyTest, SumsCostsInLogOrderLikeCcusageDaily) {
  std::vector<UsageEvent> events{usage_event(1, 1000, "m", 1), usage_event(2, 3000, "m", 1),
                                 usage_event(3, 2000, "m", 1)};
  events[0].file = "b/s.jsonl";
  events[1].file = "a/s.jsonl";
  events[2].file = "a/s.jsonl";
  events[2].line_offset = 100;
  events[0].cost_usd = 0.1;
  events[1].cost_usd = 0.3;
  events[2].cost_usd = 0.2;
  ASSERT_NE(0.1 + 0.2 + 0.3, 0.3 + 0.2 + 0.1);  // time order would give the first
  EXPECT_EQ(summarize_models_of_day("1970-01-01", events)[0].cost_usd, 0.3 + 0.2 + 0.1);
}

TEST(ModelDailyTest, SyntheticAndModelLessEventsGiveNoRows) {
  const std::vector<UsageEvent> events{usage_event(1, 1000, "<synthetic>", 5), usage_event(2, 2000, "", 7)};
  EXPECT_TRUE(summarize_models_of_day("1970-01-01", events).empty());
  EXPECT_TRUE(summarize_models_of_day("1970-01-01", {}).empty());
}

}  // namespace
}  // namespace cu
