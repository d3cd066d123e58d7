// The `limits` command and the statusline's recording over a hand-made source: the report's JSON
// against fits and projections computed by hand, and the exit codes scripts read.
#include "ctl/reports.h"

#include <gtest/gtest.h>

#include "core/time.h"
#include "ctl/command_registry.h"
#include "event_report_source.h"

namespace cu::ctl {
namespace {

using Json = nlohmann::json;
using test::make_event;

std::int64_t at(const char* iso) {
  std::int64_t ms = 0;
  EXPECT_TRUE(parse_timestamp_ms(iso, ms)) << iso;
  return ms;
}

UsageEvent costing(UsageEvent event, double cost_usd) {
  event.cost_usd = cost_usd;
  return event;
}

constexpr const char* kModel = "claude-sonnet-4-20250514";

// A 5-hour window 10:00–15:00Z: $1 at 10:30, $2 at 11:30, $1 at 12:30, and readings of 10 % at
// 11:00 (window cost $1), 30 % at 12:00 ($3) and 40 % at 13:00 ($4).
// k = Σ p·c / Σ c² = (10·1 + 30·3 + 40·4) / (1 + 9 + 16) = 260 / 26 = 10 % per dollar: $10 is 100 %.
test::EventReportSource window_source(std::vector<UsageEvent> extra = {}) {
  std::vector<UsageEvent> events{
      costing(make_event(1, "p", "s", "2026-12-03T10:30:00.000Z", kModel, 1000, 100), 1.0),
      costing(make_event(2, "p", "s", "2026-12-03T11:30:00.000Z", kModel, 1000, 100), 2.0),
      costing(make_event(3, "p", "s", "2026-12-03T12:30:00.000Z", kModel, 1000, 100), 1.0)};
  for (UsageEvent& event : extra) events.push_back(std::move(event));
  test::EventReportSource source(std::move(events));
  const std::int64_t resets = at("2026-12-03T15:00:00.000Z");
  source.snapshots = {{RateLimitWindow::kFiveHour, at("2026-12-03T11:00:00.000Z"), 10, resets},
                      {RateLimitWindow::kFiveHour, at("2026-12-03T12:00:00.000Z"), 30, resets},
                      {RateLimitWindow::kFiveHour, at("2026-12-03T13:00:00.000Z"), 40, resets}};
  return source;
}

const Json& only_window(const Json& report) {
  EXPECT_EQ(report.at("windows").size(), 1u) << report.dump();
  return report.at("windows").at(0);
}

TEST(LimitsReport, FitsTheLimitAndProjectsWhenItFills) {
  auto source = window_source();
  const Json report = limits_report(source, CommandArgs{}, at("2026-12-03T13:05:00.000Z"));
  const Json& window = only_window(report);
  EXPECT_EQ(window.at("window"), "five_hour");
  EXPECT_EQ(window.at("usedPercentage"), 40.0);
  EXPECT_EQ(window.at("resetsAt"), "2026-12-03T15:00:00.000Z");
  EXPECT_EQ(window.at("capturedAt"), "2026-12-03T13:00:00.000Z");
  EXPECT_EQ(window.at("ageSeconds"), 300);
  EXPECT_EQ(window.at("stale"), false);
  EXPECT_DOUBLE_EQ(window.at("windowCostUSD").get<double>(), 4.0);
  EXPECT_DOUBLE_EQ(window.at("estimatedLimitUSD").get<double>(), 10.0);
  // Burn: $1 in the last hour (12:05–13:05) = $1/60 per minute = 10/60 % per minute; 60 % to go
  // from the 13:00 reading takes 360 minutes: 19:00, after the 15:00 reset.
  EXPECT_DOUBLE_EQ(window.at("burnRateUSDPerHour").get<double>(), 1.0);
  EXPECT_EQ(window.at("projectedFullAt"), "2026-12-03T19:00:00.000Z");
  EXPECT_EQ(window.at("hitsBeforeReset"), false);
  EXPECT_EQ(report.at("p90Tokens"), nullptr);  // the only block is still active
  EXPECT_EQ(limits_exit_code(report), 0);
}

TEST(LimitsReport, AFasterBurnFillsBeforeTheResetAndExitsNear) {
  // $5 more at 13:02: burn $6 in 12:05–13:05 = $0.1/min = 1 % per minute; 60 % from the 13:00
  // reading: 14:00, before 15:00. The fit is unchanged: the event came after the last reading.
  auto source = window_source({costing(make_event(4, "p", "s", "2026-12-03T13:02:00.000Z", kModel, 1000, 100), 5.0)});
  const Json report = limits_report(source, CommandArgs{}, at("2026-12-03T13:05:00.000Z"));
  const Json& window = only_window(report);
  EXPECT_DOUBLE_EQ(window.at("windowCostUSD").get<double>(), 9.0);
  EXPECT_DOUBLE_EQ(window.at("estimatedLimitUSD").get<double>(), 10.0);
  EXPECT_EQ(window.at("projectedFullAt"), "2026-12-03T14:00:00.000Z");
  EXPECT_EQ(window.at("hitsBeforeReset"), true);
  EXPECT_EQ(limits_exit_code(report), kLimitsNear);
}

TEST(LimitsReport, NoBurnNoProjection) {
  auto source = window_source();
  const Json report = limits_report(source, CommandArgs{}, at("2026-12-03T13:45:00.000Z"));  // nothing since 12:45
  const Json& window = only_window(report);
  EXPECT_DOUBLE_EQ(window.at("burnRateUSDPerHour").get<double>(), 0.0);
  EXPECT_EQ(window.at("projectedFullAt"), nullptr);
  EXPECT_EQ(window.at("hitsBeforeReset"), false);
  EXPECT_EQ(window.at("stale"), true);  // 45 minutes old
  EXPECT_EQ(limits_exit_code(report), 0);
}

TEST(LimitsReport, AResetBetweenReadingsFitsOnlyTheCurrentInstance) {
  // An earlier instance (05:00–10:00) read 90 % at $1 (k would be 90): it must not pull the fit.
  auto source = window_source({costing(make_event(5, "p", "s", "2026-12-03T08:00:00.000Z", kModel, 10, 1), 1.0)});
  source.snapshots.insert(source.snapshots.begin(),
                          {RateLimitWindow::kFiveHour, at("2026-12-03T09:00:00.000Z"), 90, at("2026-12-03T10:00:00.000Z")});
  const Json report = limits_report(source, CommandArgs{}, at("2026-12-03T13:05:00.000Z"));
  const Json& window = only_window(report);
  EXPECT_DOUBLE_EQ(window.at("estimatedLimitUSD").get<double>(), 10.0);
  EXPECT_DOUBLE_EQ(window.at("windowCostUSD").get<double>(), 4.0);
}

TEST(LimitsReport, OneReadingFitsThroughIt) {
  // 25 % at $4 (13:00): k = 25·4 / 16 = 6.25, limit $16.
  auto source = window_source();
  source.snapshots = {{RateLimitWindow::kFiveHour, at("2026-12-03T13:00:00.000Z"), 25, at("2026-12-03T15:00:00.000Z")}};
  const Json report = limits_report(source, CommandArgs{}, at("2026-12-03T13:05:00.000Z"));
  const Json& window = only_window(report);
  EXPECT_DOUBLE_EQ(window.at("estimatedLimitUSD").get<double>(), 16.0);
  // 75 % to go at 6.25 %/$ × $1/60 per minute: 720 minutes after 13:00.
  EXPECT_EQ(window.at("projectedFullAt"), "2026-12-04T01:00:00.000Z");
}

TEST(LimitsReport, ExitCodesForScripts) {
  auto source = window_source();
  const std::int64_t now = at("2026-12-03T13:05:00.000Z");
  source.snapshots.back().used_percentage = 90;
  EXPECT_EQ(limits_exit_code(limits_report(source, CommandArgs{}, now)), kLimitsNear);
  source.snapshots.back().used_percentage = 100;
  const Json full = limits_report(source, CommandArgs{}, now);
  EXPECT_EQ(limits_exit_code(full), kLimitsFull);
  EXPECT_EQ(only_window(full).at("projectedFullAt"), "2026-12-03T13:00:00.000Z");
  // After the reset the reading says nothing about the window now.
  const Json after = limits_report(source, CommandArgs{}, at("2026-12-03T15:30:00.000Z"));
  EXPECT_EQ(only_window(after).at("resetPassed"), true);
  EXPECT_EQ(only_window(after).at("stale"), true);
  EXPECT_EQ(limits_exit_code(after), kLimitsNoData);
  source.snapshots.clear();
  const Json none = limits_report(source, CommandArgs{}, now);
  EXPECT_EQ(none.at("windows"), Json::array());
  EXPECT_EQ(limits_exit_code(none), kLimitsNoData);
}

TEST(LimitsReport, ListsBothWindowsInOrder) {
  auto source = window_source();
  source.snapshots.push_back({RateLimitWindow::kSevenDay, at("2026-12-03T12:59:00.000Z"), 20, at("2026-12-07T16:00:00.000Z")});
  const Json report = limits_report(source, CommandArgs{}, at("2026-12-03T13:05:00.000Z"));
  ASSERT_EQ(report.at("windows").size(), 2u);
  EXPECT_EQ(report.at("windows").at(0).at("window"), "five_hour");
  EXPECT_EQ(report.at("windows").at(1).at("window"), "seven_day");
  // The 7-day window began 2026-11-30T16:00Z: every event is in it.
  EXPECT_DOUBLE_EQ(report.at("windows").at(1).at("windowCostUSD").get<double>(), 4.0);
}

TEST(LimitsReport, HistoryShowsEachInstanceBesideItsCost) {
  auto source = window_source({costing(make_event(5, "p", "s", "2026-12-03T08:00:00.000Z", kModel, 10, 1), 1.0)});
  source.snapshots.insert(source.snapshots.begin(),
                          {RateLimitWindow::kFiveHour, at("2026-12-03T09:00:00.000Z"), 90, at("2026-12-03T10:00:00.000Z")});
  CommandArgs args;
  args.history = true;
  const Json report = limits_report(source, args, at("2026-12-03T13:05:00.000Z"));
  EXPECT_EQ(report.at("snapshots").size(), 4u);
  ASSERT_EQ(report.at("windows").size(), 2u);
  const Json& earlier = report.at("windows").at(0);
  EXPECT_EQ(earlier.at("start"), "2026-12-03T05:00:00.000Z");
  EXPECT_EQ(earlier.at("peakPercentage"), 90.0);
  EXPECT_DOUBLE_EQ(earlier.at("costUSD").get<double>(), 1.0);
  EXPECT_EQ(earlier.at("inputOutputTokens"), 11);
  const Json& current = report.at("windows").at(1);
  EXPECT_EQ(current.at("readings"), 3);
  EXPECT_EQ(current.at("peakAt"), "2026-12-03T13:00:00.000Z");
  EXPECT_DOUBLE_EQ(current.at("impliedLimitUSD").get<double>(), 10.0);  // $4 at 40 %
  EXPECT_EQ(limits_exit_code(report), 0);
  args.since = "2026-12-04";
  EXPECT_EQ(limits_exit_code(limits_report(source, args, at("2026-12-03T13:05:00.000Z"))), kLimitsNoData);
}

TEST(LimitsReport, TheStatuslineRecordsWhatTheHookCarriedAndShowsIt) {
  test::EventReportSource source({}, "Asia/Tokyo");
  std::vector<RateLimitReading> recorded;
  ControlHooks hooks;
  hooks.now_ms = [] { return at("2026-12-03T13:00:30.000Z"); };
  hooks.record_rate_limits = [&](const RateLimitReading& reading) { recorded.push_back(reading); };
  const std::string answer = handle_request_line(
      R"({"v":1,"cmd":"statusline","args":{"session_id":"s","rate_limits":{"five_hour":{"used_percentage":23.5,"resets_at":1796313600},"seven_day":{"used_percentage":"x"}}}})",
      source, hooks);
  const Json response = Json::parse(answer);
  ASSERT_EQ(response.at("ok"), true) << answer;
  ASSERT_EQ(recorded.size(), 1u);
  ASSERT_EQ(recorded[0].snapshots.size(), 1u);
  EXPECT_EQ(recorded[0].snapshots[0],
            (RateLimitSnapshot{RateLimitWindow::kFiveHour, at("2026-12-03T13:00:30.000Z"), 23.5, 1'796'313'600'000}));
  EXPECT_EQ(recorded[0].rejected.size(), 1u);
  // 2026-12-03T16:00Z is 01:00 the next day in Tokyo.
  EXPECT_EQ(response.at("data").at("rate_limits"),
            Json({{"five_hour", {{"used_percentage", 23.5}, {"resets_at", "2026-12-03T16:00:00.000Z"},
                                 {"resets_at_local", "01:00"}}}}));
  // Without rate_limits: both windows absent, nothing shown.
  const Json plain = Json::parse(handle_request_line(R"({"v":1,"cmd":"statusline","args":{}})", source, hooks));
  EXPECT_EQ(plain.at("data").at("rate_limits"), nullptr);
  ASSERT_EQ(recorded.size(), 2u);
  EXPECT_EQ(recorded[1].absent, 2);
}

}  // namespace
}  // namespace cu::ctl
