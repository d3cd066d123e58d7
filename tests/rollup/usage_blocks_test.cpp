// Billing blocks from hand-built events. The expected blocks are what ccusage 20.0.24
// `blocks --json --offline` printed for logs holding the same entries.
#include "rollup/usage_blocks.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <vector>

#include "pricing/price_table.h"
#include "rollup_test_events.h"

namespace cu {
namespace {

using std::chrono::hours;
using test::usage_event;
using test::utc_ms;

constexpr std::int64_t kLongAgo = 0;  // a `now` before every event: no block is active
constexpr hours kFiveHours{5};

std::vector<UsageEvent> priced(std::vector<UsageEvent> events) {
  const PriceTable prices = PriceTable::builtin();
  for (UsageEvent& e : events) e.cost_usd = entry_cost(e.entry, prices, CostMode::kAuto);
  return events;
}

std::vector<UsageEvent> sonnet_at(std::initializer_list<const char*> times) {
  std::vector<UsageEvent> events;
  for (const char* time : times) {
    events.push_back(
        usage_event(static_cast<std::int64_t>(events.size()) + 1, utc_ms(time), "claude-sonnet-4-20250514", 100, 10));
  }
  return priced(std::move(events));
}

TEST(UsageBlocksTest, EventExactlyAtStartPlusLengthStaysAndOneMillisecondLaterOpensABlock) {
  const auto blocks =
      compute_blocks(sonnet_at({"2026-02-01T10:30:00.000Z", "2026-02-01T15:00:00.000Z", "2026-02-01T15:00:00.001Z"}),
                     kFiveHours, kLongAgo);
  ASSERT_EQ(blocks.size(), 2u);
  EXPECT_EQ(blocks[0].block_id, "2026-02-01T10:00:00.000Z");
  EXPECT_EQ(blocks[0].start_ms, utc_ms("2026-02-01T10:00:00.000Z"));
  EXPECT_EQ(blocks[0].end_ms, utc_ms("2026-02-01T15:00:00.000Z"));
  EXPECT_EQ(blocks[0].first_event_ms, utc_ms("2026-02-01T10:30:00.000Z"));
  EXPECT_EQ(blocks[0].actual_end_ms, utc_ms("2026-02-01T15:00:00.000Z"));
  EXPECT_EQ(blocks[0].entries, 2);
  EXPECT_EQ(blocks[0].tokens.total(), 220);
  EXPECT_EQ(blocks[0].cost_usd, 0.0009000000000000001);
  EXPECT_EQ(blocks[1].block_id, "2026-02-01T15:00:00.000Z");
  EXPECT_EQ(blocks[1].actual_end_ms, utc_ms("2026-02-01T15:00:00.001Z"));
  EXPECT_EQ(blocks[1].entries, 1);
  EXPECT_FALSE(blocks[1].is_gap);
}

TEST(UsageBlocksTest, ExactlyTheLengthBetweenEventsOpensABlockWithoutAGap) {
  // 15:00:00.001 → 20:00:00.001 is exactly 5 h: a new block (more than 5 h after 15:00) but no gap.
  const auto blocks =
      compute_blocks(sonnet_at({"2026-02-01T15:00:00.001Z", "2026-02-01T20:00:00.001Z"}), kFiveHours, kLongAgo);
  ASSERT_EQ(blocks.size(), 2u);
  EXPECT_EQ(blocks[1].block_id, "2026-02-01T20:00:00.000Z");
  EXPECT_FALSE(blocks[1].is_gap);
}

TEST(UsageBlocksTest, GapBlockRunsFromLastEventPlusLengthToTheNextEvent) {
  const auto blocks =
      compute_blocks(sonnet_at({"2026-03-01T10:57:00.000Z", "2026-03-01T23:57:00.000Z"}), kFiveHours, kLongAgo);
  ASSERT_EQ(blocks.size(), 3u);
  const UsageBlock& gap = blocks[1];
  EXPECT_TRUE(gap.is_gap);
  EXPECT_EQ(gap.block_id, "gap-2026-03-01T15:57:00.000Z");
  EXPECT_EQ(gap.start_ms, utc_ms("2026-03-01T15:57:00.000Z"));
  EXPECT_EQ(gap.end_ms, utc_ms("2026-03-01T23:57:00.000Z"));  // overlaps the next block's start
  EXPECT_EQ(gap.entries, 0);
  EXPECT_EQ(gap.tokens, TokenTotals{});
  EXPECT_EQ(gap.cost_usd, 0.0);
  EXPECT_TRUE(gap.models.empty());
  EXPECT_FALSE(gap.is_active);
  EXPECT_EQ(blocks[2].block_id, "2026-03-01T23:00:00.000Z");
}

TEST(UsageBlocksTest, OutOfOrderEventsAreSortedAndAOneMillisecondGapGetsABlock) {
  std::vector<UsageEvent> events = sonnet_at(
      {"2026-04-01T22:00:00.001Z", "2026-04-01T17:00:00.000Z", "2026-04-01T12:00:00.000Z", "2026-04-01T10:00:00.000Z"});
  const auto blocks = compute_blocks(events, kFiveHours, kLongAgo);
  ASSERT_EQ(blocks.size(), 4u);
  EXPECT_EQ(blocks[0].block_id, "2026-04-01T10:00:00.000Z");
  EXPECT_EQ(blocks[0].entries, 2);
  EXPECT_EQ(blocks[0].actual_end_ms, utc_ms("2026-04-01T12:00:00.000Z"));
  EXPECT_EQ(blocks[1].block_id, "2026-04-01T17:00:00.000Z");
  EXPECT_EQ(blocks[2].block_id, "gap-2026-04-01T22:00:00.000Z");
  EXPECT_EQ(blocks[2].end_ms, utc_ms("2026-04-01T22:00:00.001Z"));
  EXPECT_EQ(blocks[3].block_id, "2026-04-01T22:00:00.000Z");
  std::reverse(events.begin(), events.end());
  EXPECT_EQ(compute_blocks(events, kFiveHours, kLongAgo), blocks);
}

TEST(UsageBlocksTest, BlockLengthIsConfigurable) {
  // ccusage `blocks -n 2`: 12:00 is exactly 2 h after the 10:00 start and stays in its block.
  const auto blocks = compute_blocks(sonnet_at({"2026-04-01T22:00:00.001Z", "2026-04-01T17:00:00.000Z",
                                                "2026-04-01T12:00:00.000Z", "2026-04-01T10:00:00.000Z"}),
                                     hours(2), kLongAgo);
  std::vector<std::string> ids;
  for (const UsageBlock& b : blocks) ids.push_back(b.block_id);
  EXPECT_EQ(ids, (std::vector<std::string>{"2026-04-01T10:00:00.000Z", "gap-2026-04-01T14:00:00.000Z",
                                           "2026-04-01T17:00:00.000Z", "gap-2026-04-01T19:00:00.000Z",
                                           "2026-04-01T22:00:00.000Z"}));
  EXPECT_EQ(blocks[0].end_ms, utc_ms("2026-04-01T12:00:00.000Z"));
  EXPECT_EQ(blocks[0].entries, 2);
  EXPECT_EQ(blocks[3].end_ms, utc_ms("2026-04-01T22:00:00.001Z"));
}

TEST(UsageBlocksTest, ModelsInOrderOfFirstUseWithoutSynthetic) {
  std::vector<UsageEvent> events{
      usage_event(1, utc_ms("2026-03-01T10:30:00.000Z"), "claude-sonnet-4-20250514", 100, 10),
      usage_event(2, utc_ms("2026-03-01T10:40:00.000Z"), "claude-haiku-4-5", 0, 0),
      usage_event(3, utc_ms("2026-03-01T10:50:00.000Z"), "claude-sonnet-4-20250514", 0, 0),
      usage_event(4, utc_ms("2026-03-01T10:55:00.000Z"), "<synthetic>", 5, 5),
      usage_event(5, utc_ms("2026-03-01T10:56:00.000Z"), "claude-opus-4-6", 100, 10),
      usage_event(6, utc_ms("2026-03-01T10:57:00.000Z"), "claude-opus-4-6", 100, 10)};
  events[4].entry.speed = Speed::kFast;
  const auto blocks = compute_blocks(priced(events), kFiveHours, kLongAgo);
  ASSERT_EQ(blocks.size(), 1u);
  EXPECT_EQ(blocks[0].models, (std::vector<std::string>{"claude-sonnet-4-20250514", "claude-haiku-4-5",
                                                        "claude-opus-4-6-fast", "claude-opus-4-6"}));
  EXPECT_EQ(blocks[0].entries, 6);
  EXPECT_EQ(blocks[0].tokens.total(), 340);  // the synthetic entry's tokens count
  EXPECT_EQ(blocks[0].cost_usd, 0.0057);
}

TEST(UsageBlocksTest, EventsWithOneTimestampFollowLogOrder) {
  std::vector<UsageEvent> events{usage_event(1, 1000, "claude-opus-4-6", 1),
                                 usage_event(2, 1000, "claude-haiku-4-5", 1),
                                 usage_event(3, 1000, "claude-sonnet-4-5", 1)};
  events[0].file = "b/s.jsonl";
  events[1].file = "a/s.jsonl";
  events[1].line_offset = 200;
  events[2].file = "a/s.jsonl";
  events[2].line_offset = 100;
  const auto blocks = compute_blocks(events, kFiveHours, kLongAgo);
  ASSERT_EQ(blocks.size(), 1u);
  EXPECT_EQ(blocks[0].models, (std::vector<std::string>{"claude-sonnet-4-5", "claude-haiku-4-5", "claude-opus-4-6"}));
}

TEST(UsageBlocksTest, GapStartingAfterTheNextBlocksStartSortsAfterIt) {
  // 19:49:39.656 then 00:49:39.657 (5 h + 1 ms): ccusage prints the 00:00 block, then the gap.
  const auto blocks =
      compute_blocks(sonnet_at({"2026-01-10T19:49:39.656Z", "2026-01-11T00:49:39.657Z"}), kFiveHours, kLongAgo);
  ASSERT_EQ(blocks.size(), 3u);
  EXPECT_EQ(blocks[0].block_id, "2026-01-10T19:00:00.000Z");
  EXPECT_EQ(blocks[1].block_id, "2026-01-11T00:00:00.000Z");
  EXPECT_EQ(blocks[2].block_id, "gap-2026-01-11T00:49:39.656Z");
  EXPECT_EQ(blocks[2].end_ms, utc_ms("2026-01-11T00:49:39.657Z"));
}

TEST(UsageBlocksTest, SyntheticOnlyBlockHasNoModels) {
  const std::vector<UsageEvent> events{usage_event(1, utc_ms("2026-02-02T01:00:00.001Z"), "<synthetic>", 0)};
  const auto blocks = compute_blocks(events, kFiveHours, kLongAgo);
  ASSERT_EQ(blocks.size(), 1u);
  EXPECT_EQ(blocks[0].block_id, "2026-02-02T01:00:00.000Z");
  EXPECT_TRUE(blocks[0].models.empty());
  EXPECT_EQ(blocks[0].entries, 1);
}

TEST(UsageBlocksTest, SessionsAreDistinctProjectAndSessionPairs) {
  const std::vector<UsageEvent> events{
      usage_event(1, 1000, "m", 1, 0, "s1", "p"), usage_event(2, 2000, "m", 1, 0, "s1", "p"),
      usage_event(3, 3000, "m", 1, 0, "s1", "q"), usage_event(4, 4000, "m", 1, 0, "s2", "p")};
  const auto blocks = compute_blocks(events, kFiveHours, kLongAgo);
  ASSERT_EQ(blocks.size(), 1u);
  EXPECT_EQ(blocks[0].session_count, 3);
  EXPECT_EQ(blocks[0].block_id, "1970-01-01T00:00:00.000Z");
}

TEST(UsageBlocksTest, SumsAllFourTokenKindsAndCostsInTimeOrder) {
  std::vector<UsageEvent> events{usage_event(2, 2000, "m", 1, 2), usage_event(1, 1000, "m", 10, 20)};
  events[0].entry.tokens.cache_creation = 3;
  events[0].entry.tokens.cache_read = 4;
  events[0].cost_usd = 0.2;
  events[1].cost_usd = 0.1;
  const auto blocks = compute_blocks(events, kFiveHours, kLongAgo);
  ASSERT_EQ(blocks.size(), 1u);
  EXPECT_EQ(blocks[0].tokens, (TokenTotals{11, 22, 3, 4}));
  EXPECT_EQ(blocks[0].cost_usd, 0.1 + 0.2);
  EXPECT_EQ(blocks[0].first_event_ms, 1000);
  EXPECT_EQ(blocks[0].actual_end_ms, 2000);
}

TEST(UsageBlocksTest, ActiveWhileNowIsBeforeTheEnd) {
  const auto events = sonnet_at({"2026-11-23T10:08:56.602Z", "2026-11-23T10:38:56.602Z"});
  const auto active = compute_blocks(events, kFiveHours, utc_ms("2026-11-23T14:59:59.999Z"));
  ASSERT_EQ(active.size(), 1u);
  EXPECT_TRUE(active[0].is_active);
  EXPECT_EQ(active[0].status(), "active");
  const auto done = compute_blocks(events, kFiveHours, utc_ms("2026-11-23T15:00:00.000Z"));
  EXPECT_FALSE(done[0].is_active);
  EXPECT_EQ(done[0].status(), "completed");
  EXPECT_TRUE(block_is_active(done[0], kFiveHours, utc_ms("2026-11-23T12:00:00.000Z")));
}

TEST(UsageBlocksTest, OnlyTheLastBlockCanBeActive) {
  const auto blocks = compute_blocks(sonnet_at({"2026-03-01T10:57:00.000Z", "2026-03-01T23:57:00.000Z"}), kFiveHours,
                                     utc_ms("2026-03-02T01:00:00.000Z"));
  ASSERT_EQ(blocks.size(), 3u);
  EXPECT_FALSE(blocks[0].is_active);
  EXPECT_FALSE(blocks[1].is_active);
  EXPECT_TRUE(blocks[2].is_active);
}

TEST(UsageBlocksTest, NoEventsNoBlocks) { EXPECT_TRUE(compute_blocks({}, kFiveHours, kLongAgo).empty()); }

TEST(UsageBlocksTest, RejectsNonPositiveLength) {
  const auto events = sonnet_at({"2026-03-01T10:57:00.000Z"});
  EXPECT_THROW(compute_blocks(events, hours(0), kLongAgo), std::invalid_argument);
}

}  // namespace
}  // namespace cu
