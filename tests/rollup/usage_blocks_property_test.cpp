// Properties of compute_blocks over random event sequences: computing from any block's first
// event gives the same blocks as the full computation, and resuming at block_resume_point after
// a change gives the same blocks as recomputing everything.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <limits>
#include <optional>
#include <random>
#include <vector>

#include "rollup/usage_blocks.h"
#include "rollup_test_events.h"

namespace cu {
namespace {

using test::usage_event;

constexpr std::int64_t kHourMs = 3'600'000;
constexpr std::int64_t kHalfHourMs = kHourMs / 2;
constexpr std::int64_t kBaseMs = 472'223 * kHourMs;  // 2023-11-14T23:00:00Z, on a UTC hour
constexpr std::chrono::hours kFiveHours{5};
constexpr int kRounds = 2000;

class RandomEvents {
 public:
  explicit RandomEvents(std::uint64_t seed) : rng_(seed) {}

  // Steps that hit the rule's edges often: exact hours, exactly the block length, one
  // millisecond more, and ordinary minutes to days.
  std::int64_t step() {
    switch (pick(9)) {
      case 0:
        return 0;
      case 1:
        return kHourMs * (1 + pick(6));
      case 2:
        return 5 * kHourMs;
      case 3:
        return 5 * kHourMs + 1;
      case 4:
        return 1;
      case 5:
        return pick(48 * kHourMs);
      case 6:
        return pick(90 * 60'000);
      default:
        return kHalfHourMs * (1 + pick(4));
    }
  }

  UsageEvent event(std::int64_t id, std::int64_t timestamp_ms) {
    static const char* const kModels[] = {"claude-sonnet-4-20250514", "claude-opus-4-6", "<synthetic>", ""};
    static const char* const kSessions[] = {"s0", "s1", "s2"};
    static const char* const kProjects[] = {"p0", "p1"};
    UsageEvent e =
        usage_event(id, timestamp_ms, kModels[pick(4)], pick(1000), pick(100), kSessions[pick(3)], kProjects[pick(2)]);
    e.entry.tokens.cache_read = pick(5000);
    if (pick(4) == 0) e.entry.speed = Speed::kFast;
    e.cost_usd = static_cast<double>(pick(1'000'000)) * 1e-7;
    return e;
  }

  // `count` events from `start_ms` on, shuffled, with ids from `first_id`.
  std::vector<UsageEvent> events(std::int64_t count, std::int64_t start_ms, std::int64_t first_id) {
    std::vector<UsageEvent> out;
    std::int64_t ts = start_ms;
    for (std::int64_t i = 0; i < count; ++i) {
      ts += step();
      out.push_back(event(first_id + i, ts));
    }
    std::shuffle(out.begin(), out.end(), rng_);
    return out;
  }

  // Timestamps near `kBaseMs`, often on an hour or half hour so that events land exactly on
  // block starts and ends.
  std::int64_t time_point(std::int64_t within_hours) {
    const std::int64_t base = kBaseMs + kHourMs * pick(within_hours);
    switch (pick(3)) {
      case 0:
        return base;
      case 1:
        return base + kHalfHourMs;
      default:
        return base + pick(kHourMs);
    }
  }

  std::int64_t pick(std::int64_t bound) { return std::uniform_int_distribution<std::int64_t>(0, bound - 1)(rng_); }

 private:
  std::mt19937_64 rng_;
};

std::vector<UsageEvent> after(const std::vector<UsageEvent>& events, std::int64_t after_ms) {
  std::vector<UsageEvent> out;
  for (const UsageEvent& e : events) {
    if (e.entry.timestamp_ms > after_ms) out.push_back(e);
  }
  return out;
}

// The kept old blocks followed by the recomputed ones (BlockResumePoint's contract).
std::vector<UsageBlock> resumed(const std::vector<UsageBlock>& old_blocks, const BlockResumePoint& point,
                                const std::vector<UsageEvent>& new_events, std::int64_t now) {
  std::vector<UsageBlock> out;
  for (const UsageBlock& b : old_blocks) {
    if (keeps_block(point, b)) out.push_back(b);
  }
  for (UsageBlock& b :
       compute_blocks(after(new_events, point.events_after_ms), kFiveHours, now, point.previous_event_ms)) {
    out.push_back(std::move(b));
  }
  return out;
}

std::vector<UsageBlock> non_gap(std::vector<UsageBlock> blocks) {
  std::erase_if(blocks, [](const UsageBlock& b) { return b.is_gap; });
  return blocks;
}

// Old events before `change_ms` stay; at or after it some are dropped, some move, some are new.
std::vector<UsageEvent> changed(RandomEvents& random, const std::vector<UsageEvent>& old, std::int64_t change_ms) {
  std::vector<UsageEvent> out;
  std::int64_t next_id = 1'000'000;
  for (UsageEvent e : old) {
    if (e.entry.timestamp_ms >= change_ms) {
      const std::int64_t fate = random.pick(4);
      if (fate == 0) continue;
      if (fate == 1) e.entry.timestamp_ms = change_ms + random.step();
    }
    out.push_back(e);
  }
  for (UsageEvent& e : random.events(random.pick(6), change_ms - 1, next_id)) out.push_back(std::move(e));
  return out;
}

TEST(UsageBlocksPropertyTest, RecomputingFromAnyBlockGivesTheSameBlocks) {
  RandomEvents random(20260201);
  for (int round = 0; round < kRounds; ++round) {
    const auto events = random.events(1 + random.pick(40), random.time_point(1), 1);
    const std::int64_t now = random.time_point(20 * 24);
    const auto full = compute_blocks(events, kFiveHours, now);
    std::optional<std::int64_t> previous_event;
    for (const UsageBlock& block : full) {
      if (block.is_gap) continue;
      std::vector<UsageBlock> joined;
      for (const UsageBlock& b : full) {
        if (previous_event && (b.is_gap ? b.end_ms : b.actual_end_ms) <= *previous_event) joined.push_back(b);
      }
      for (UsageBlock& b : compute_blocks(after(events, block.first_event_ms - 1), kFiveHours, now, previous_event)) {
        joined.push_back(std::move(b));
      }
      ASSERT_EQ(joined, full) << "round " << round << " block " << block.block_id;
      previous_event = block.actual_end_ms;
    }
  }
}

TEST(UsageBlocksPropertyTest, ResumingAfterAChangeEqualsRecomputingEverything) {
  RandomEvents random(20261123);
  for (int round = 0; round < kRounds; ++round) {
    const auto old_events = random.events(random.pick(40), random.time_point(1), 1);
    const std::int64_t change =
        random.pick(4) == 0 && !old_events.empty()
            ? old_events[static_cast<std::size_t>(random.pick(static_cast<std::int64_t>(old_events.size())))]
                  .entry.timestamp_ms
            : random.time_point(72);
    const auto new_events = changed(random, old_events, change);
    const std::int64_t now = random.time_point(100);

    const auto old_blocks = compute_blocks(old_events, kFiveHours, now);
    const auto expected = compute_blocks(new_events, kFiveHours, now);
    ASSERT_EQ(resumed(old_blocks, block_resume_point(old_blocks, change), new_events, now), expected)
        << "round " << round << " change " << change;
    // The stored table has no gap blocks: resuming from those alone gives the same non-gap blocks.
    const auto old_stored = non_gap(old_blocks);
    ASSERT_EQ(non_gap(resumed(old_stored, block_resume_point(old_stored, change), new_events, now)), non_gap(expected))
        << "round " << round << " change " << change;
  }
}

TEST(UsageBlocksPropertyTest, ResumePointStartsAtTheLastBlockOpenedBeforeTheChange) {
  // 10:00 block ending exactly at 15:00:00.000, then a block opened at 15:00:00.001: a change at
  // 16:30 resumes at the second block, whose events are the ones after 15:00:00.000.
  const std::vector<UsageEvent> events{usage_event(1, 10 * kHourMs, "m", 1), usage_event(2, 15 * kHourMs, "m", 1),
                                       usage_event(3, 15 * kHourMs + 1, "m", 1)};
  const auto blocks = compute_blocks(events, kFiveHours, 0);
  ASSERT_EQ(blocks.size(), 2u);
  const auto point = block_resume_point(blocks, 16 * kHourMs + 30 * 60'000);
  EXPECT_EQ(point.events_after_ms, 15 * kHourMs);
  EXPECT_EQ(point.keep_through_ms, 15 * kHourMs);
  EXPECT_EQ(point.previous_event_ms, 15 * kHourMs);
  EXPECT_TRUE(keeps_block(point, blocks[0]));
  EXPECT_FALSE(keeps_block(point, blocks[1]));
  // Within the first hour of the second block its first event may be at or after the change.
  EXPECT_EQ(block_resume_point(blocks, 15 * kHourMs + 1).events_after_ms, 10 * kHourMs - 1);
  EXPECT_EQ(block_resume_point(blocks, 15 * kHourMs + 2).events_after_ms, 15 * kHourMs);
  const auto none = block_resume_point(blocks, 10 * kHourMs);
  EXPECT_EQ(none.events_after_ms, std::numeric_limits<std::int64_t>::min());
  EXPECT_FALSE(none.previous_event_ms);
  EXPECT_FALSE(keeps_block(none, blocks[0]));
}

TEST(UsageBlocksPropertyTest, ABlockWhoseStartHourIsOverOpenedBeforeTheChange) {
  // Blocks 10:00 (10:30, 13:00) and 15:00 (15:59:59.999, 17:00).
  const std::vector<UsageEvent> events{usage_event(1, 10 * kHourMs + 30 * 60'000, "m", 1),
                                       usage_event(2, 13 * kHourMs, "m", 1), usage_event(3, 16 * kHourMs - 1, "m", 1),
                                       usage_event(4, 17 * kHourMs, "m", 1)};
  const auto blocks = compute_blocks(events, kFiveHours, 0);
  ASSERT_EQ(blocks.size(), 2u);
  EXPECT_EQ(block_resume_point(blocks, 16 * kHourMs).events_after_ms, 15 * kHourMs - 1);
  EXPECT_EQ(block_resume_point(blocks, 16 * kHourMs - 1).events_after_ms, 10 * kHourMs - 1);
}

TEST(UsageBlocksPropertyTest, GapBlockBeforeTheResumedBlockIsRecomputed) {
  // 10:57 then 23:57: gap [15:57, 23:57) before the 23:00 block; a change at 23:59 resumes there.
  const std::vector<UsageEvent> events{usage_event(1, 10 * kHourMs + 57 * 60'000, "m", 1),
                                       usage_event(2, 23 * kHourMs + 57 * 60'000, "m", 1)};
  const auto blocks = compute_blocks(events, kFiveHours, 0);
  ASSERT_EQ(blocks.size(), 3u);
  const auto point = block_resume_point(blocks, 23 * kHourMs + 59 * 60'000);
  EXPECT_TRUE(keeps_block(point, blocks[0]));
  EXPECT_FALSE(keeps_block(point, blocks[1]));
  EXPECT_EQ(compute_blocks(after(events, point.events_after_ms), kFiveHours, 0, point.previous_event_ms),
            std::vector<UsageBlock>(blocks.begin() + 1, blocks.end()));
}

}  // namespace
}  // namespace cu
