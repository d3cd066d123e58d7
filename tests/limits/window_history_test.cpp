#include "limits/window_history.h"

#include <gtest/gtest.h>

#include <vector>

#include "limits/limits_test_support.h"

namespace cu {
namespace {

using namespace cu::test;

// Instance A: [minute 0, 300). Instance B: [360, 660), an hour after A's reset. A seven_day
// instance starting at minute 60 overlaps both.
constexpr std::int64_t kResetBMs = kResetMs + 6 * kHourMs;
constexpr std::int64_t kSevenDayResetMs = kStartMs + kHourMs + 7 * 24 * kHourMs;

TEST(WindowHistory, TwoInstancesTheirPeaksAndImpliedLimits) {
  const std::vector<RateLimitSnapshot> snapshots{
      five_hour_reading(400, 20, kResetBMs),
      five_hour_reading(90, 40),
      {RateLimitWindow::kSevenDay, at(400), 0, kSevenDayResetMs},
      five_hour_reading(30, 10),
      five_hour_reading(120, 35),
      five_hour_reading(60, 40),
      five_hour_reading(380, 5, kResetBMs),
  };
  // $100 before A (never counted); A: $1 at 10, $3 at 50, $2 at 80, $4 at 200; B: $0.5 at 370,
  // $1.5 at 390, and $9 at 410, after now (405).
  const std::vector<UsagePoint> points{point(-1, 100), point(10, 1),    point(50, 3),   point(80, 2),
                                       point(200, 4),  point(370, 0.5), point(390, 1.5), point(410, 9)};
  const std::vector<WindowHistory> history = window_history(snapshots, points, at(405));
  ASSERT_EQ(history.size(), 3u);

  // A: four readings, peak 40 first at minute 60 (the tie at 90 is later); cost 1+3+2+4 = 10,
  // tokens 100 input + output and 1000 in all per dollar; 100 % = cost by minute 60 (1 + 3 = 4)
  // × 100 / 40 = $10.
  const WindowHistory& a = history[0];
  EXPECT_EQ(a.window, RateLimitWindow::kFiveHour);
  EXPECT_EQ(a.start_ms, kStartMs);
  EXPECT_EQ(a.resets_at_ms, kResetMs);
  EXPECT_EQ(a.readings, 4);
  EXPECT_EQ(a.peak_percentage, 40);
  EXPECT_EQ(a.peak_at_ms, at(60));
  EXPECT_DOUBLE_EQ(a.cost_usd, 10);
  EXPECT_EQ(a.input_output_tokens, 1000);
  EXPECT_EQ(a.total_tokens, 10'000);
  ASSERT_TRUE(a.implied_limit_usd);
  EXPECT_DOUBLE_EQ(*a.implied_limit_usd, 10);

  // The seven_day instance starts at minute 60, between A and B: cost from 60 to now (405):
  // 2 + 4 + 0.5 + 1.5 = 8; its only reading is 0 %, so no implied limit.
  const WindowHistory& week = history[1];
  EXPECT_EQ(week.window, RateLimitWindow::kSevenDay);
  EXPECT_EQ(week.start_ms, at(60));
  EXPECT_EQ(week.readings, 1);
  EXPECT_DOUBLE_EQ(week.cost_usd, 8);
  EXPECT_EQ(week.input_output_tokens, 800);
  EXPECT_FALSE(week.implied_limit_usd);

  // B, with now inside it: cost until now, 0.5 + 1.5 = 2 (the $9 at 410 not yet); peak 20 at
  // 400, by which $2 was spent: 2 × 100 / 20 = $10.
  const WindowHistory& b = history[2];
  EXPECT_EQ(b.start_ms, at(360));
  EXPECT_EQ(b.resets_at_ms, kResetBMs);
  EXPECT_EQ(b.readings, 2);
  EXPECT_EQ(b.peak_percentage, 20);
  EXPECT_EQ(b.peak_at_ms, at(400));
  EXPECT_DOUBLE_EQ(b.cost_usd, 2);
  EXPECT_EQ(b.input_output_tokens, 200);
  EXPECT_EQ(b.total_tokens, 2000);
  EXPECT_DOUBLE_EQ(*b.implied_limit_usd, 10);
}

TEST(WindowHistory, ACompletedInstanceStopsAtItsReset) {
  // Now long after A: A's cost is [0, 300), the $7 at minute 300 is not A's.
  const std::vector<RateLimitSnapshot> snapshots{five_hour_reading(250, 50)};
  const std::vector<UsagePoint> points{point(10, 1), point(299, 2), point(300, 7)};
  const std::vector<WindowHistory> history = window_history(snapshots, points, at(10'000));
  ASSERT_EQ(history.size(), 1u);
  EXPECT_DOUBLE_EQ(history[0].cost_usd, 3);
  // By the peak at 250 only $1 was spent: 1 × 100 / 50 = $2.
  EXPECT_DOUBLE_EQ(*history[0].implied_limit_usd, 2);
}

TEST(WindowHistory, NoSnapshotsNoHistory) {
  EXPECT_TRUE(window_history({}, std::vector<UsagePoint>{point(10, 1)}, at(20)).empty());
}

}  // namespace
}  // namespace cu
