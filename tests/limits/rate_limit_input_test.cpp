#include "limits/rate_limit_input.h"

#include <gtest/gtest.h>

#include <fstream>
#include <limits>

namespace cu {
namespace {

using Json = nlohmann::json;
using enum RateLimitProblem;

// 2026-12-03T14:00:00Z: two hours before the five_hour reset of the shared example hook
// (resets_at 1796313600 = 16:00:00Z), 98 hours before its seven_day reset (1796659200).
constexpr std::int64_t kCapturedMs = 1'796'306'400'000;
constexpr std::int64_t kFiveHourResetS = 1'796'313'600;
constexpr std::int64_t kHourS = 3600;

Json five_hour(const Json& used_percentage, const Json& resets_at) {
  return Json{{"five_hour", {{"used_percentage", used_percentage}, {"resets_at", resets_at}}}};
}

// The one problem reading `rate_limits` at kCapturedMs found, or a failure.
RateLimitProblem only_problem(const Json& rate_limits) {
  const RateLimitReading reading = read_rate_limits(rate_limits, kCapturedMs);
  EXPECT_TRUE(reading.snapshots.empty());
  EXPECT_EQ(reading.rejected.size(), 1u);
  return reading.rejected.empty() ? kMalformed : reading.rejected.front().second;
}

// The five_hour snapshot reading `rate_limits` at kCapturedMs gave, or a failure.
RateLimitSnapshot only_snapshot(const Json& rate_limits) {
  const RateLimitReading reading = read_rate_limits(rate_limits, kCapturedMs);
  EXPECT_TRUE(reading.rejected.empty());
  EXPECT_EQ(reading.snapshots.size(), 1u);
  return reading.snapshots.empty() ? RateLimitSnapshot{} : reading.snapshots.front();
}

TEST(ReadRateLimits, TheHookExampleGivesBothWindows) {
  std::ifstream in(std::string(CU_SHARED_DATA_DIR) + "/statusline-hook/statusline-rate-limits.json");
  const Json hook = Json::parse(in);
  const RateLimitReading reading = read_rate_limits(hook.at("rate_limits"), kCapturedMs);
  // resets_at seconds × 1000.
  const std::vector<RateLimitSnapshot> expected{
      {RateLimitWindow::kFiveHour, kCapturedMs, 23.5, 1'796'313'600'000},
      {RateLimitWindow::kSevenDay, kCapturedMs, 41.2, 1'796'659'200'000}};
  EXPECT_EQ(reading.snapshots, expected);
  EXPECT_EQ(reading.absent, 0);
  EXPECT_TRUE(reading.rejected.empty());
}

TEST(ReadRateLimits, AnAbsentObjectIsTwoAbsentWindows) {
  for (const Json& absent : {Json(), Json(Json::value_t::discarded)}) {
    const RateLimitReading reading = read_rate_limits(absent, kCapturedMs);
    EXPECT_TRUE(reading.snapshots.empty());
    EXPECT_TRUE(reading.rejected.empty());
    EXPECT_EQ(reading.absent, 2);
  }
  EXPECT_EQ(read_rate_limits(Json::object(), kCapturedMs).absent, 2);
}

TEST(ReadRateLimits, OneWindowAbsentOrNull) {
  const Json only_five = five_hour(42, kFiveHourResetS);
  EXPECT_EQ(read_rate_limits(only_five, kCapturedMs).absent, 1);
  EXPECT_EQ(only_snapshot(only_five).used_percentage, 42);
  Json null_seven = only_five;
  null_seven["seven_day"] = nullptr;
  EXPECT_EQ(read_rate_limits(null_seven, kCapturedMs).absent, 1);
  EXPECT_EQ(read_rate_limits(null_seven, kCapturedMs).snapshots.size(), 1u);
}

TEST(ReadRateLimits, ATextPercentageIsMalformed) {
  EXPECT_EQ(only_problem(five_hour("42", kFiveHourResetS)), kMalformed);
  EXPECT_EQ(only_problem(five_hour(true, kFiveHourResetS)), kMalformed);
  EXPECT_EQ(only_problem(five_hour(nullptr, kFiveHourResetS)), kMalformed);
}

TEST(ReadRateLimits, MissingFieldsAndWrongShapesAreMalformed) {
  EXPECT_EQ(only_problem(Json{{"five_hour", {{"used_percentage", 1}}}}), kMalformed);
  EXPECT_EQ(only_problem(Json{{"five_hour", {{"resets_at", kFiveHourResetS}}}}), kMalformed);
  EXPECT_EQ(only_problem(Json{{"five_hour", 42}}), kMalformed);
  EXPECT_EQ(only_problem(five_hour(1, "tomorrow")), kMalformed);
  EXPECT_EQ(only_problem(five_hour(1, Json::array())), kMalformed);
  // Not an object at all: both windows are rejected, neither is absent.
  const RateLimitReading reading = read_rate_limits(Json("5h 42%"), kCapturedMs);
  EXPECT_EQ(reading.rejected.size(), 2u);
  EXPECT_EQ(reading.absent, 0);
}

TEST(ReadRateLimits, NegativePercentageIsRejected) {
  EXPECT_EQ(only_problem(five_hour(-0.5, kFiveHourResetS)), kBadPercentage);
  EXPECT_EQ(only_snapshot(five_hour(0, kFiveHourResetS)).used_percentage, 0);
}

TEST(ReadRateLimits, AboveTheSlackIsRejected) {
  // 100 + kPercentageSlack = 101 is the most accepted.
  EXPECT_EQ(only_problem(five_hour(101.5, kFiveHourResetS)), kBadPercentage);
  EXPECT_EQ(only_snapshot(five_hour(101, kFiveHourResetS)).used_percentage, 101);
  EXPECT_EQ(only_snapshot(five_hour(100, kFiveHourResetS)).used_percentage, 100);
}

TEST(ReadRateLimits, NonFiniteNumbersAreRejected) {
  // JSON text cannot carry them, but a json value built in code can.
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double infinity = std::numeric_limits<double>::infinity();
  EXPECT_EQ(only_problem(five_hour(nan, kFiveHourResetS)), kBadPercentage);
  EXPECT_EQ(only_problem(five_hour(infinity, kFiveHourResetS)), kBadPercentage);
  EXPECT_EQ(only_problem(five_hour(10, nan)), kMalformed);
  EXPECT_EQ(only_problem(five_hour(10, -infinity)), kMalformed);
}

TEST(ReadRateLimits, AResetInThePastIsRejected) {
  const std::int64_t captured_s = kCapturedMs / 1000;
  EXPECT_EQ(only_problem(five_hour(10, captured_s - kHourS)), kResetInPast);
  // kClockSlackMs = 60 s: a reset exactly 60 s before the capture is past, 59 s before is not.
  EXPECT_EQ(only_problem(five_hour(10, captured_s - 60)), kResetInPast);
  EXPECT_EQ(only_snapshot(five_hour(10, captured_s - 59)).resets_at_ms, kCapturedMs - 59'000);
  EXPECT_EQ(only_problem(five_hour(10, -1e300)), kResetInPast);
}

TEST(ReadRateLimits, AResetYearsAwayIsRejected) {
  const std::int64_t captured_s = kCapturedMs / 1000;
  EXPECT_EQ(only_problem(five_hour(10, captured_s + 3 * 365 * 24 * kHourS)), kResetTooFar);
  EXPECT_EQ(only_problem(five_hour(10, 1e300)), kResetTooFar);
  // The latest accepted: capture + 5 h + 60 s of slack; one second more is too far.
  EXPECT_EQ(only_snapshot(five_hour(10, captured_s + 5 * kHourS + 60)).resets_at_ms,
            kCapturedMs + 5 * kHourS * 1000 + 60'000);
  EXPECT_EQ(only_problem(five_hour(10, captured_s + 5 * kHourS + 61)), kResetTooFar);
  // The seven_day window may reset up to 7 days (168 h) after the capture, not 169 h.
  EXPECT_EQ(read_rate_limits(Json{{"seven_day", {{"used_percentage", 1}, {"resets_at", captured_s + 168 * kHourS}}}},
                             kCapturedMs).snapshots.size(),
            1u);
  EXPECT_EQ(read_rate_limits(Json{{"seven_day", {{"used_percentage", 1}, {"resets_at", captured_s + 169 * kHourS}}}},
                             kCapturedMs).rejected,
            (std::vector<std::pair<RateLimitWindow, RateLimitProblem>>{{RateLimitWindow::kSevenDay, kResetTooFar}}));
}

TEST(ReadRateLimits, FractionalSecondsBecomeMilliseconds) {
  // 1796313600.5 s = 1796313600500 ms; .1234 rounds to the nearest ms.
  EXPECT_EQ(only_snapshot(five_hour(10, 1'796'313'600.5)).resets_at_ms, 1'796'313'600'500);
  EXPECT_EQ(only_snapshot(five_hour(10, 1'796'313'600.1234)).resets_at_ms, 1'796'313'600'123);
}

TEST(ReadRateLimits, AnIsoStringIsAccepted) {
  // 2026-12-03T16:00:00Z = 1796313600 s (date -u -d @1796313600); +01:00 is an hour earlier.
  EXPECT_EQ(only_snapshot(five_hour(10, "2026-12-03T16:00:00Z")).resets_at_ms, 1'796'313'600'000);
  EXPECT_EQ(only_snapshot(five_hour(10, "2026-12-03T16:00:00.250+01:00")).resets_at_ms,
            1'796'313'600'250 - 3'600'000);
}

TEST(ReadRateLimits, BothWindowsAreJudgedApart) {
  Json both = five_hour(-1, kFiveHourResetS);
  both["seven_day"] = {{"used_percentage", 41.2}, {"resets_at", 1'796'659'200}};
  const RateLimitReading reading = read_rate_limits(both, kCapturedMs);
  ASSERT_EQ(reading.snapshots.size(), 1u);
  EXPECT_EQ(reading.snapshots.front().window, RateLimitWindow::kSevenDay);
  EXPECT_EQ(reading.rejected,
            (std::vector<std::pair<RateLimitWindow, RateLimitProblem>>{{RateLimitWindow::kFiveHour, kBadPercentage}}));
}

TEST(ReadRateLimits, ProblemNamesAreTheStatusKeys) {
  EXPECT_EQ(to_string(kMalformed), "malformed");
  EXPECT_EQ(to_string(kBadPercentage), "bad_percentage");
  EXPECT_EQ(to_string(kResetInPast), "reset_in_past");
  EXPECT_EQ(to_string(kResetTooFar), "reset_too_far");
}

}  // namespace
}  // namespace cu
