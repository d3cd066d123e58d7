#include "limits/window_estimate.h"

#include <gtest/gtest.h>

#include <vector>

#include "limits/limits_test_support.h"

namespace cu {
namespace {

using namespace cu::test;

// $1 at minute 10, $2 at 30, $3 at 60 (and $50 before the window starts, never counted).
const std::vector<UsagePoint> kPoints{point(-1, 50), point(10, 1), point(30, 2), point(60, 3)};

TEST(EstimateWindow, AnExactFitProjectsBeforeTheReset) {
  // Readings 30 % at minute 40 (cost so far 1 + 2 = 3) and 60 % at 70 (cost 6): p = 10 × c, so
  // k = (30·3 + 60·6) / (3² + 6²) = 450 / 45 = 10 and the limit is 100 / 10 = $10.
  const std::vector<RateLimitSnapshot> readings{five_hour_reading(40, 30), five_hour_reading(70, 60)};
  const WindowEstimate estimate = estimate_window(readings, kPoints, at(75), LimitSettings{});
  EXPECT_EQ(estimate.window, RateLimitWindow::kFiveHour);
  EXPECT_EQ(estimate.used_percentage, 60);
  EXPECT_EQ(estimate.captured_at_ms, at(70));
  EXPECT_EQ(estimate.resets_at_ms, kResetMs);
  EXPECT_EQ(estimate.age_ms, 5 * kMinuteMs);
  EXPECT_FALSE(estimate.stale);
  EXPECT_FALSE(estimate.reset_passed);
  EXPECT_DOUBLE_EQ(estimate.window_cost_usd, 6);  // 1 + 2 + 3; the $50 before the start excluded
  ASSERT_TRUE(estimate.estimated_limit_usd);
  EXPECT_DOUBLE_EQ(*estimate.estimated_limit_usd, 10);
  // Burn: [minute 15, 75) holds $2 + $3 = $5 → 5/60 $ per minute.
  EXPECT_DOUBLE_EQ(estimate.burn_usd_per_minute, 5.0 / 60);
  // (100 − 60) / (10 × 5/60) = 48 minutes after the capture at 70: minute 118 < 300.
  EXPECT_EQ(estimate.projected_full_at_ms, at(118));
  EXPECT_TRUE(estimate.hits_before_reset);
}

TEST(EstimateWindow, AFitOverThreeReadings) {
  // $1 at 10, $2 at 30, $3 at 60, $4 at 100. Readings 6 % at 40 (c = 3), 11 % at 70 (c = 6),
  // 19 % at 110 (c = 10): k = (6·3 + 11·6 + 19·10) / (9 + 36 + 100) = 274 / 145,
  // limit = 14500 / 274 = $52.919708...
  const std::vector<UsagePoint> points{point(10, 1), point(30, 2), point(60, 3), point(100, 4)};
  const std::vector<RateLimitSnapshot> readings{five_hour_reading(40, 6), five_hour_reading(70, 11),
                                                five_hour_reading(110, 19)};
  const WindowEstimate estimate = estimate_window(readings, points, at(115), LimitSettings{});
  ASSERT_TRUE(estimate.estimated_limit_usd);
  EXPECT_NEAR(*estimate.estimated_limit_usd, 14500.0 / 274, 1e-12);
  EXPECT_DOUBLE_EQ(estimate.window_cost_usd, 10);
  // Burn: [55, 115) holds $3 + $4 → 7/60 $/min. (100 − 19) / (274/145 × 7/60) = 704700 / 1918
  // = 367.41397... minutes = 22044838.37 ms (python3 -c 'print(81*145*60/(274*7)*60000)'),
  // from minute 110: past the reset at 300.
  EXPECT_NEAR(estimate.burn_usd_per_minute, 7.0 / 60, 1e-15);
  EXPECT_EQ(estimate.projected_full_at_ms, at(110) + 22'044'838);
  EXPECT_FALSE(estimate.hits_before_reset);
}

TEST(EstimateWindow, ProjectionAfterTheResetDoesNotHitBeforeIt) {
  // $0.5 more at minute 250: 65 % at 260 over c = 6.5 gives k = 10 again. Burn [205, 265) =
  // $0.5 → 0.5/60; (100 − 65) / (10 × 0.5/60) = 420 minutes: minute 680, after the reset at 300.
  std::vector<UsagePoint> points = kPoints;
  points.push_back(point(250, 0.5));
  const std::vector<RateLimitSnapshot> readings{five_hour_reading(260, 65)};
  const WindowEstimate estimate = estimate_window(readings, points, at(265), LimitSettings{});
  EXPECT_DOUBLE_EQ(*estimate.estimated_limit_usd, 10);
  EXPECT_EQ(estimate.projected_full_at_ms, at(680));
  EXPECT_FALSE(estimate.hits_before_reset);
}

TEST(EstimateWindow, OneReadingIsItsOwnFit) {
  // 30 % at minute 40 over c = 3: k = 30·3 / 3² = 10, limit $10. Burn [−15, 45) within the
  // window, [0, 45): $1 + $2 over the 45 minutes it has run = 1/15 $/min; (100 − 30) / (10 / 15)
  // = 105 minutes: minute 145.
  const std::vector<RateLimitSnapshot> readings{five_hour_reading(40, 30)};
  const WindowEstimate estimate = estimate_window(readings, kPoints, at(45), LimitSettings{});
  EXPECT_DOUBLE_EQ(*estimate.estimated_limit_usd, 10);
  EXPECT_DOUBLE_EQ(estimate.burn_usd_per_minute, 3.0 / 45);
  EXPECT_EQ(estimate.projected_full_at_ms, at(145));
  EXPECT_TRUE(estimate.hits_before_reset);
}

TEST(EstimateWindow, NoBurnNoProjection) {
  // Nothing in [140, 200): burn 0. The fit (k = 10) stands, the projection does not.
  const std::vector<RateLimitSnapshot> readings{five_hour_reading(40, 30), five_hour_reading(70, 60)};
  const WindowEstimate estimate = estimate_window(readings, kPoints, at(200), LimitSettings{});
  EXPECT_DOUBLE_EQ(*estimate.estimated_limit_usd, 10);
  EXPECT_EQ(estimate.burn_usd_per_minute, 0);
  EXPECT_FALSE(estimate.projected_full_at_ms);
  EXPECT_FALSE(estimate.hits_before_reset);
}

TEST(EstimateWindow, NoCostNoFit) {
  // No event before the reading: Σ c² = 0.
  const std::vector<RateLimitSnapshot> readings{five_hour_reading(5, 3)};
  const WindowEstimate estimate = estimate_window(readings, kPoints, at(6), LimitSettings{});
  EXPECT_FALSE(estimate.estimated_limit_usd);
  EXPECT_FALSE(estimate.projected_full_at_ms);
  // A 0 % reading over cost: k = 0, no fit either.
  const std::vector<RateLimitSnapshot> zero{five_hour_reading(40, 0)};
  EXPECT_FALSE(estimate_window(zero, kPoints, at(45), LimitSettings{}).estimated_limit_usd);
}

TEST(EstimateWindow, StaleAfterStaleMinutes) {
  const std::vector<RateLimitSnapshot> readings{five_hour_reading(70, 60)};
  // Exactly 10 minutes old is not stale yet; 10 minutes and 1 ms is.
  EXPECT_FALSE(estimate_window(readings, kPoints, at(80), LimitSettings{}).stale);
  const WindowEstimate old = estimate_window(readings, kPoints, at(80) + 1, LimitSettings{});
  EXPECT_TRUE(old.stale);
  EXPECT_EQ(old.age_ms, 10 * kMinuteMs + 1);
  LimitSettings patient;
  patient.stale_minutes = 11;
  EXPECT_FALSE(estimate_window(readings, kPoints, at(80) + 1, patient).stale);
}

TEST(EstimateWindow, AReadingOfAnInstanceThatHasReset) {
  // Now is minute 301, past the reset at 300: stale, no projection, and the cost stops at the
  // reset ($9 at minute 305 is the next instance's): 1 + 2 + 3 = 6.
  std::vector<UsagePoint> points = kPoints;
  points.push_back(point(305, 9));
  const std::vector<RateLimitSnapshot> readings{five_hour_reading(40, 30), five_hour_reading(70, 60)};
  const WindowEstimate estimate = estimate_window(readings, points, at(306), LimitSettings{});
  EXPECT_TRUE(estimate.reset_passed);
  EXPECT_TRUE(estimate.stale);
  EXPECT_DOUBLE_EQ(estimate.window_cost_usd, 6);
  EXPECT_DOUBLE_EQ(*estimate.estimated_limit_usd, 10);
  EXPECT_EQ(estimate.burn_usd_per_minute, 0);  // [246, 300) holds nothing
  EXPECT_FALSE(estimate.projected_full_at_ms);
  EXPECT_FALSE(estimate.hits_before_reset);
}

TEST(EstimateWindow, AtOrAboveOneHundredIsFullAtTheCapture) {
  // Full at the capture itself, even without burn (minute 200) or a fit (no cost before 5).
  for (const double percentage : {100.0, 100.5}) {
    const std::vector<RateLimitSnapshot> readings{five_hour_reading(40, 30), five_hour_reading(70, percentage)};
    const WindowEstimate estimate = estimate_window(readings, kPoints, at(200), LimitSettings{});
    EXPECT_EQ(estimate.projected_full_at_ms, at(70));
    EXPECT_TRUE(estimate.hits_before_reset);
  }
  const std::vector<RateLimitSnapshot> no_fit{five_hour_reading(5, 100)};
  EXPECT_EQ(estimate_window(no_fit, kPoints, at(6), LimitSettings{}).projected_full_at_ms, at(5));
}

TEST(EstimateWindow, BurnMinutesWidensTheBurnWindow) {
  // burn_minutes 120 at minute 75: [−45, 75) clipped to the window start, so the $6 spent are over
  // the 75 minutes the window has run: 0.08 $/min; (100 − 60) / (10 × 0.08) = 50 minutes after the
  // minute-70 reading: minute 120. (Divided by 120 the pace would look 0.05 $/min, and full at 150.)
  LimitSettings settings;
  settings.burn_minutes = 120;
  const std::vector<RateLimitSnapshot> readings{five_hour_reading(40, 30), five_hour_reading(70, 60)};
  const WindowEstimate estimate = estimate_window(readings, kPoints, at(75), settings);
  EXPECT_DOUBLE_EQ(estimate.burn_usd_per_minute, 0.08);
  EXPECT_EQ(estimate.projected_full_at_ms, at(120));
}

TEST(EstimateWindow, EarlyInTheWindowTheBurnIsOverTheMinutesSinceItBegan) {
  // At minute 40 of the window, the $1 of minute 10 and the $2 of minute 30 (kPoints) are $3 over
  // the 40 minutes it has run, not over 60.
  const std::vector<RateLimitSnapshot> readings{five_hour_reading(35, 30)};
  EXPECT_DOUBLE_EQ(estimate_window(readings, kPoints, at(40), LimitSettings{}).burn_usd_per_minute, 3.0 / 40);
  // Half a minute in, $1 spent at its start: over at least a minute.
  const std::vector<UsagePoint> first{point(0, 1)};
  const std::vector<RateLimitSnapshot> early{five_hour_reading(0, 1)};
  EXPECT_DOUBLE_EQ(estimate_window(early, first, at(0) + 30'000, LimitSettings{}).burn_usd_per_minute, 1.0);
}

}  // namespace
}  // namespace cu
