// Blocks as their totals: the figures of the window estimate from window_points equal those from
// every event, for the readings it keeps; a long window needs far fewer points.
#include "limits/window_points.h"

#include <gtest/gtest.h>

#include <random>

#include "limits/limits_test_support.h"
#include "limits/point_sums.h"
#include "limits/window_estimate.h"
#include "rollup/usage_blocks.h"

namespace cu {
namespace {

using namespace cu::test;

constexpr std::int64_t kDayMs = 24 * kHourMs;

struct History {
  std::vector<UsageEvent> events;
  std::vector<UsagePoint> points;  // the same, as usage points, ascending
};

// Sessions of events a few seconds to minutes apart with gaps of minutes to hours, from
// `first_ms` to `last_ms`.
History history(std::mt19937_64& random, std::int64_t first_ms, std::int64_t last_ms) {
  History out;
  std::int64_t at_ms = first_ms;
  std::uniform_int_distribution<std::int64_t> step(2'000, 4 * kMinuteMs);
  std::uniform_int_distribution<std::int64_t> gap(10 * kMinuteMs, 9 * kHourMs);
  std::uniform_int_distribution<int> session_length(5, 80);
  std::uniform_int_distribution<int> cents(1, 90);
  while (at_ms < last_ms) {
    for (int n = session_length(random); n > 0 && at_ms < last_ms; --n, at_ms += step(random)) {
      UsageEvent event;
      event.id = static_cast<std::int64_t>(out.events.size()) + 1;
      event.entry.timestamp_ms = at_ms;
      event.entry.model = "claude-sonnet-4-20250514";
      event.entry.tokens.input = cents(random) * 100;
      event.entry.tokens.output = cents(random) * 10;
      event.cost_usd = cents(random) / 100.0;
      out.events.push_back(event);
      out.points.push_back({at_ms, event.cost_usd, event.entry.tokens.input + event.entry.tokens.output,
                            event.entry.tokens.total()});
    }
    at_ms += gap(random);
  }
  return out;
}

std::vector<UsageBlock> non_gap(std::vector<UsageBlock> blocks) {
  std::erase_if(blocks, [](const UsageBlock& block) { return block.is_gap; });
  return blocks;
}

std::vector<UsagePoint> points_in(const std::vector<UsagePoint>& points, std::int64_t from_ms, std::int64_t to_ms) {
  std::vector<UsagePoint> out;
  for (const UsagePoint& point : points) {
    if (point.timestamp_ms >= from_ms && point.timestamp_ms < to_ms) out.push_back(point);
  }
  return out;
}

// A reading every `every_ms` from the window's start to `now_ms`.
std::vector<RateLimitSnapshot> readings_of(RateLimitWindow window, std::int64_t resets_ms, std::int64_t now_ms,
                                           std::int64_t every_ms) {
  std::vector<RateLimitSnapshot> readings;
  for (std::int64_t at_ms = resets_ms - window_length_ms(window) + every_ms; at_ms <= now_ms; at_ms += every_ms) {
    readings.push_back({window, at_ms, 10, resets_ms});
  }
  return readings;
}

TEST(WindowPoints, EveryKeptReadingSeesTheCostOfAllTheEvents) {
  std::mt19937_64 random(7);
  for (int round = 0; round < 40; ++round) {
    const RateLimitWindow window = round % 2 == 0 ? RateLimitWindow::kSevenDay : RateLimitWindow::kFiveHour;
    const std::int64_t resets_ms = kStartMs + 10 * kDayMs + (round * 7919 % 1440) * kMinuteMs;
    const std::int64_t start_ms = resets_ms - window_length_ms(window);
    const std::int64_t now_ms = start_ms + (resets_ms - start_ms) * (round % 5 + 1) / 6;
    const History all = history(random, start_ms - 2 * kDayMs, now_ms);
    const std::vector<UsageBlock> blocks = non_gap(compute_blocks(all.events, std::chrono::hours(5), now_ms));
    const auto readings = readings_of(window, resets_ms, now_ms, 7 * kMinuteMs + round * 1000);
    ASSERT_FALSE(readings.empty());
    const LimitSettings settings;
    const auto ranges = window_detail_ranges(blocks, readings.back(), now_ms, now_ms, settings);
    std::vector<UsagePoint> detail;
    for (const auto& [from_ms, to_ms] : ranges) {
      const auto part = points_in(all.points, from_ms, to_ms);
      detail.insert(detail.end(), part.begin(), part.end());
    }
    const WindowPoints reduced = window_points(readings, blocks, ranges, detail, now_ms);
    ASSERT_FALSE(reduced.readings.empty());
    EXPECT_EQ(reduced.readings.back(), readings.back());
    const PointSums every(all.points);
    const PointSums fewer(reduced.points);
    for (const RateLimitSnapshot& reading : reduced.readings) {
      EXPECT_NEAR(fewer.cost_between(start_ms, reading.captured_at_ms + 1),
                  every.cost_between(start_ms, reading.captured_at_ms + 1), 1e-9)
          << "round " << round << " reading at " << reading.captured_at_ms - start_ms;
    }
    // The estimate's other figures: the window's cost, the burn, the latest reading's cost.
    const WindowEstimate from_fewer = estimate_window(reduced.readings, reduced.points, now_ms, settings);
    const WindowEstimate from_every = estimate_window(reduced.readings, points_in(all.points, start_ms, now_ms), now_ms, settings);
    EXPECT_NEAR(from_fewer.window_cost_usd, from_every.window_cost_usd, 1e-9) << "round " << round;
    EXPECT_NEAR(from_fewer.burn_usd_per_minute, from_every.burn_usd_per_minute, 1e-12) << "round " << round;
    ASSERT_EQ(from_fewer.estimated_limit_usd.has_value(), from_every.estimated_limit_usd.has_value());
    if (from_every.estimated_limit_usd) {
      EXPECT_NEAR(*from_fewer.estimated_limit_usd, *from_every.estimated_limit_usd, 1e-9 * *from_every.estimated_limit_usd);
    }
    EXPECT_EQ(from_fewer.projected_full_at_ms.has_value(), from_every.projected_full_at_ms.has_value());
  }
}

TEST(WindowPoints, ALongWindowNeedsFewPoints) {
  std::mt19937_64 random(11);
  const std::int64_t resets_ms = kStartMs + 10 * kDayMs;
  const std::int64_t start_ms = resets_ms - 7 * kDayMs;
  const std::int64_t now_ms = start_ms + 6 * kDayMs;
  const History all = history(random, start_ms, now_ms);
  const std::vector<UsageBlock> blocks = non_gap(compute_blocks(all.events, std::chrono::hours(5), now_ms));
  const auto readings = readings_of(RateLimitWindow::kSevenDay, resets_ms, now_ms, kMinuteMs);
  const auto ranges = window_detail_ranges(blocks, readings.back(), now_ms, now_ms, LimitSettings{});
  std::vector<UsagePoint> detail;
  for (const auto& [from_ms, to_ms] : ranges) {
    const auto part = points_in(all.points, from_ms, to_ms);
    detail.insert(detail.end(), part.begin(), part.end());
  }
  const WindowPoints reduced = window_points(readings, blocks, ranges, detail, now_ms);
  // Six days of sessions: every block but the last few counts as one point.
  EXPECT_LT(reduced.points.size() * 5, all.points.size()) << reduced.points.size() << " of " << all.points.size();
  EXPECT_GT(reduced.readings.size(), 10u);
  EXPECT_LT(reduced.readings.size(), readings.size());
}

TEST(WindowPoints, ABlockEndingInTheBurnSpanIsReadEventByEvent) {
  // $0.10 every 2 minutes from the window's start (on the hour) for 5 h 30 min: one block of 5
  // hours, then the next. The burn's hour, [4:30, 5:30), holds 30 events of both: $3, 0.05 $/min.
  const std::int64_t resets_ms = kStartMs + 7 * kDayMs;
  const std::int64_t start_ms = resets_ms - 7 * kDayMs;
  const std::int64_t now_ms = start_ms + 330 * kMinuteMs;
  History all;
  for (std::int64_t at_ms = start_ms; at_ms < now_ms; at_ms += 2 * kMinuteMs) {
    UsageEvent event;
    event.id = static_cast<std::int64_t>(all.events.size()) + 1;
    event.entry.timestamp_ms = at_ms;
    event.cost_usd = 0.1;
    all.events.push_back(event);
    all.points.push_back({at_ms, 0.1, 0, 0});
  }
  const std::vector<UsageBlock> blocks = non_gap(compute_blocks(all.events, std::chrono::hours(5), now_ms));
  ASSERT_EQ(blocks.size(), 2u);
  const std::vector<RateLimitSnapshot> readings{{RateLimitWindow::kSevenDay, now_ms - 1000, 5, resets_ms}};
  const auto ranges = window_detail_ranges(blocks, readings.back(), now_ms, now_ms, LimitSettings{});
  std::vector<UsagePoint> detail;
  for (const auto& [from_ms, to_ms] : ranges) {
    const auto part = points_in(all.points, from_ms, to_ms);
    detail.insert(detail.end(), part.begin(), part.end());
  }
  const WindowPoints reduced = window_points(readings, blocks, ranges, detail, now_ms);
  EXPECT_NEAR(estimate_window(reduced.readings, reduced.points, now_ms, LimitSettings{}).burn_usd_per_minute, 0.05, 1e-12);
}

TEST(WindowPoints, WithoutBlocksTheWholeWindowIsRead) {
  const RateLimitSnapshot latest = five_hour_reading(100, 20);
  const auto ranges = window_detail_ranges({}, latest, at(120), at(120), LimitSettings{});
  ASSERT_EQ(ranges.size(), 1u);
  EXPECT_EQ(ranges[0], std::pair(at(0), at(120)));
}

}  // namespace
}  // namespace cu
