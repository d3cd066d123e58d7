// Report builders on small hand-made event lists: edges the ccusage fixtures do not reach.
#include "core/time.h"
#include "ctl/reports.h"

#include <cmath>

#include <gtest/gtest.h>

#include "ctl/protocol.h"
#include "event_report_source.h"
#include "parse/line_parser.h"

namespace cu::ctl {
namespace {

using Json = nlohmann::json;
using test::make_event;

constexpr std::int64_t kHourMs = 3'600'000;

std::int64_t at(const char* iso) {
  std::int64_t ms = 0;
  EXPECT_TRUE(parse_timestamp_ms(iso, ms)) << iso;
  return ms;
}

test::EventReportSource week_of_usage() {
  return test::EventReportSource({
      make_event(1, "p", "s1", "2026-03-02T10:00:00.000Z", "claude-sonnet-4-20250514", 100, 10),
      make_event(2, "p", "s1", "2026-03-09T10:00:00.000Z", "claude-sonnet-4-20250514", 200, 20),
      make_event(3, "q", "s2", "2026-03-14T10:00:00.000Z", "claude-opus-4-20250514", 300, 30),
      make_event(4, "q", "s2", "2026-03-15T10:00:00.000Z", "claude-opus-4-20250514", 400, 40),
  });
}

std::vector<std::string> keys_of(const Json& rows, const char* key) {
  std::vector<std::string> keys;
  for (const Json& row : rows) keys.push_back(row.at(key).get<std::string>());
  return keys;
}

TEST(Reports, EmptyReportsSumToNegativeZeroLikeCcusage) {
  test::EventReportSource source({});
  const CommandArgs args;
  for (const Json& report : {daily_report(source, args, 0), weekly_report(source, args, 0),
                             monthly_report(source, args, 0), session_report(source, args)}) {
    const double cost = report.at("totals").at("totalCost").get<double>();
    EXPECT_EQ(cost, 0.0);
    EXPECT_TRUE(std::signbit(cost)) << report.dump();
    EXPECT_EQ(report.at("totals").at("totalTokens"), 0);
  }
  EXPECT_EQ(blocks_report(source, args, 0), Json({{"blocks", Json::array()}}));
}

// Hours are local: in Asia/Kolkata (+05:30) 10:05Z is 15:35 and 10:40Z and 11:10Z are both 16:xx.
TEST(Reports, HourlyGroupsEventsByLocalHour) {
  test::EventReportSource source(
      {
          make_event(1, "p", "s1", "2026-03-02T10:05:00.000Z", "claude-sonnet-4-20250514", 100, 10),
          make_event(2, "p", "s1", "2026-03-02T10:40:00.000Z", "claude-opus-4-20250514", 200, 20),
          make_event(3, "q", "s2", "2026-03-02T11:10:00.000Z", "claude-sonnet-4-20250514", 300, 30),
          make_event(4, "q", "s2", "2026-03-02T19:00:00.000Z", "claude-sonnet-4-20250514", 400, 40),  // 00:30 next day
      },
      "Asia/Kolkata");
  CommandArgs args;
  args.since = "2026-03-02";
  args.until = "2026-03-02";
  const Json report = hourly_report(source, args, 0);
  const Json& hours = report.at("hourly");
  ASSERT_EQ(keys_of(hours, "hour"), (std::vector<std::string>{"2026-03-02 15:00", "2026-03-02 16:00"}));
  EXPECT_EQ(hours.at(0).at("inputTokens"), 100);
  EXPECT_EQ(hours.at(1).at("inputTokens"), 500);
  EXPECT_EQ(hours.at(1).at("outputTokens"), 50);
  EXPECT_EQ(hours.at(1).at("modelsUsed"), Json({"claude-opus-4-20250514", "claude-sonnet-4-20250514"}));
  EXPECT_EQ(hours.at(1).at("modelBreakdowns").size(), 2u);
  EXPECT_EQ(report.at("totals").at("inputTokens"), 600);
  // The same events' daily row for that day holds exactly what its hours hold.
  const Json day = daily_report(source, args, 0).at("daily").at(0);
  EXPECT_EQ(day.at("inputTokens"), 600);
  EXPECT_DOUBLE_EQ(day.at("totalCost").get<double>(),
                   hours.at(0).at("totalCost").get<double>() + hours.at(1).at("totalCost").get<double>());
  args.order = SortOrder::kDesc;
  args.project = "q";
  EXPECT_EQ(keys_of(hourly_report(source, args, 0).at("hourly"), "hour"), (std::vector<std::string>{"2026-03-02 16:00"}));
}

TEST(Reports, HourlyWithoutARangeIsTodaysLocalHours) {
  test::EventReportSource source(
      {
          make_event(1, "p", "s1", "2026-03-01T23:30:00.000Z", "claude-sonnet-4-20250514", 100),  // 2026-03-02 09:30 +10
          make_event(2, "p", "s1", "2026-03-02T13:59:00.000Z", "claude-sonnet-4-20250514", 200),  // 2026-03-02 23:59 +10
          make_event(3, "p", "s1", "2026-03-02T14:00:00.000Z", "claude-sonnet-4-20250514", 400),  // 2026-03-03 00:00 +10
      },
      "Australia/Brisbane");
  const Json report = hourly_report(source, CommandArgs{}, at("2026-03-02T05:00:00.000Z"));
  EXPECT_EQ(keys_of(report.at("hourly"), "hour"), (std::vector<std::string>{"2026-03-02 09:00", "2026-03-02 23:00"}));
  EXPECT_EQ(report.at("totals").at("inputTokens"), 300);
}

TEST(Reports, LastCountsPeriodsBackFromToday) {
  auto source = week_of_usage();
  CommandArgs args;
  args.last = 2;
  const std::int64_t now = at("2026-03-15T12:00:00.000Z");  // a Sunday
  EXPECT_EQ(keys_of(daily_report(source, args, now).at("daily"), "date"),
            (std::vector<std::string>{"2026-03-14", "2026-03-15"}));
  EXPECT_EQ(keys_of(weekly_report(source, args, now).at("weekly"), "week"),
            (std::vector<std::string>{"2026-03-08", "2026-03-15"}));
  args.last = 1;
  EXPECT_EQ(keys_of(monthly_report(source, args, now).at("monthly"), "month"), (std::vector<std::string>{"2026-03"}));
  args.since = "2026-03-15";
  args.last = 3;
  EXPECT_EQ(keys_of(daily_report(source, args, now).at("daily"), "date"), (std::vector<std::string>{"2026-03-15"}));
}

TEST(Reports, InstancesHonourTheProjectFilter) {
  auto source = week_of_usage();
  CommandArgs args;
  args.instances = true;
  args.project = "q";
  const Json report = daily_report(source, args, 0);
  ASSERT_EQ(report.at("projects").size(), 1u);
  EXPECT_EQ(report.at("projects").at("q").size(), 2u);
  EXPECT_EQ(report.at("projects").at("q").at(0).at("project"), "q");
  EXPECT_EQ(report.at("totals").at("inputTokens"), 700);
}

TEST(Reports, WeeklyStartsWeeksOnTheChosenDay) {
  auto source = week_of_usage();
  CommandArgs args;
  args.start_of_week = 6;  // Saturday
  EXPECT_EQ(keys_of(weekly_report(source, args, 0).at("weekly"), "week"),
            (std::vector<std::string>{"2026-02-28", "2026-03-07", "2026-03-14"}));
}

TEST(Reports, SessionsAreCostliestFirstWhateverTheOrder) {
  auto source = week_of_usage();
  CommandArgs args;
  for (const SortOrder order : {SortOrder::kAsc, SortOrder::kDesc}) {
    args.order = order;
    EXPECT_EQ(keys_of(session_report(source, args).at("sessions"), "sessionId"), (std::vector<std::string>{"s2", "s1"}));
  }
}

TEST(Reports, SessionLengthMustBeTheDaemons) {
  auto source = week_of_usage();
  CommandArgs args;
  args.session_length = 5;
  EXPECT_NO_THROW(blocks_report(source, args, 0));
  args.session_length = 3;
  try {
    blocks_report(source, args, 0);
    FAIL() << "accepted another block length";
  } catch (const ProtocolError& error) {
    EXPECT_EQ(error.code(), ErrorCode::kInvalidArgs);
    EXPECT_NE(std::string(error.what()).find("rollup.block_hours"), std::string::npos);
  }
}

test::EventReportSource active_usage() {
  return test::EventReportSource({
      make_event(1, "p", "old", "2026-03-11T08:00:00.000Z", "claude-sonnet-4-20250514", 5000, 500),
      make_event(2, "p", "now", "2026-03-14T10:10:00.000Z", "claude-sonnet-4-20250514", 1000, 100),
      make_event(3, "p", "now", "2026-03-14T10:40:00.000Z", "claude-opus-4-20250514", 2000, 200),
  });
}

TEST(Reports, TokenLimitMaxWithActiveOnlyHasNoStatus) {
  auto source = active_usage();
  CommandArgs args;
  args.active = true;
  args.token_limit = TokenLimit{true, 0};
  const Json report = blocks_report(source, args, at("2026-03-14T11:00:00.000Z"));
  ASSERT_EQ(report.at("blocks").size(), 1u);
  EXPECT_FALSE(report.at("blocks").at(0).contains("tokenLimitStatus"));
  EXPECT_TRUE(report.at("blocks").at(0).at("projection").is_object());
}

TEST(Reports, TokenLimitP90UsesEveryBlockWhateverTheFilters) {
  auto source = active_usage();
  CommandArgs args;
  args.active = true;
  args.token_limit = TokenLimit{.use_p90 = true};
  // The one completed block (2026-03-11, 75 h before now, within 192 h) has 5000 + 500 = 5500
  // input + output tokens: no block hit a limit, so all count; P90 of one block is its size,
  // below the floor of 19000. Unlike `max`, --active does not hide it.
  const std::int64_t now = at("2026-03-14T11:00:00.000Z");
  Json block = blocks_report(source, args, now).at("blocks").at(0);
  EXPECT_EQ(block.at("tokenLimitStatus").at("limit"), 19'000);
  source.limits.p90_floor = 0;
  block = blocks_report(source, args, now).at("blocks").at(0);
  EXPECT_EQ(block.at("tokenLimitStatus").at("limit"), 5'500);
  // A window of 74 h leaves out the old block (started 75 h before now): no limit, no status.
  source.limits.p90_window_hours = 74;
  EXPECT_FALSE(blocks_report(source, args, now).at("blocks").at(0).contains("tokenLimitStatus"));
}

TEST(Reports, TokenLimitStatusOnTheActiveBlockOnly) {
  auto source = active_usage();
  CommandArgs args;
  args.token_limit = TokenLimit{false, 10000};
  const Json report = blocks_report(source, args, at("2026-03-14T11:00:00.000Z"));
  int with_status = 0;
  for (const Json& block : report.at("blocks")) {
    if (block.contains("tokenLimitStatus")) {
      ++with_status;
      EXPECT_TRUE(block.at("isActive").get<bool>());
      EXPECT_EQ(block.at("tokenLimitStatus").at("limit"), 10000);
    } else {
      EXPECT_TRUE(block.at("burnRate").is_null());
    }
  }
  EXPECT_EQ(with_status, 1);
}

TEST(Reports, RecentKeepsThreeDaysAndTheActiveBlock) {
  auto source = active_usage();
  CommandArgs args;
  args.recent = true;
  const std::vector<std::string> ids = keys_of(blocks_report(source, args, at("2026-03-14T11:00:00.000Z")).at("blocks"), "id");
  EXPECT_EQ(ids, (std::vector<std::string>{"gap-2026-03-11T13:00:00.000Z", "2026-03-14T10:00:00.000Z"}));
}

UsageBlock block_of(std::int64_t start, std::int64_t first, std::int64_t last) {
  UsageBlock block;
  block.start_ms = start;
  block.end_ms = start + 5 * kHourMs;
  block.first_event_ms = first;
  block.actual_end_ms = last;
  block.entries = 1;
  return block;
}

TEST(Reports, GapBlocksOnlyBeyondTheBlockLength) {
  const std::int64_t h = kHourMs;
  const std::vector<UsageBlock> exactly{block_of(0, 0, h), block_of(6 * h, 6 * h, 6 * h)};
  EXPECT_EQ(with_gap_blocks(exactly, 5 * h).size(), 2u);
  const std::vector<UsageBlock> beyond{block_of(0, 0, h), block_of(6 * h, 6 * h + 1, 6 * h + 1)};
  const auto blocks = with_gap_blocks(beyond, 5 * h);
  ASSERT_EQ(blocks.size(), 3u);
  EXPECT_TRUE(blocks[1].is_gap);
  EXPECT_EQ(blocks[1].start_ms, 6 * h);
  EXPECT_EQ(blocks[1].end_ms, 6 * h + 1);
  EXPECT_EQ(blocks[1].block_id, "gap-1970-01-01T06:00:00.000Z");
  EXPECT_EQ(blocks[0].start_ms, 0);
}

TEST(Reports, AGapStartingAfterTheNextBlockSortsAfterIt) {
  const std::int64_t h = kHourMs;
  // Last event 00:10, next event 05:10:00.001: the gap starts at 05:10, the next block at 05:00.
  const std::vector<UsageBlock> blocks{block_of(0, 0, h / 6), block_of(5 * h, 5 * h + h / 6 + 1, 5 * h + h / 6 + 1)};
  const auto all = with_gap_blocks(blocks, 5 * h);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_FALSE(all[1].is_gap);
  EXPECT_TRUE(all[2].is_gap);
}

TEST(Reports, StatuslineSumsSessionTodayAndTheActiveBlock) {
  auto source = active_usage();
  CommandArgs args;
  args.session_id = "now";
  const Json data = statusline_report(source, args, at("2026-03-14T11:00:00.000Z"));
  EXPECT_EQ(data.at("date"), "2026-03-14");
  const double session = data.at("session_cost_usd").get<double>();
  EXPECT_NEAR(session, data.at("today_cost_usd").get<double>(), 1e-12);
  EXPECT_GT(session, 0);
  const Json& block = data.at("block");
  ASSERT_TRUE(block.is_object());
  EXPECT_NEAR(block.at("cost_usd").get<double>(), session, 1e-12);
  EXPECT_EQ(block.at("remaining_minutes"), 240);
  EXPECT_EQ(block.at("end_time"), "2026-03-14T15:00:00.000Z");
  EXPECT_NEAR(block.at("burn_rate").at("tokens_per_minute_for_indicator").get<double>(), 3300.0 / 30, 1e-9);
}

TEST(Reports, StatuslineWithoutSessionOrBlock) {
  auto source = active_usage();
  CommandArgs args;
  args.session_id = "unknown";
  const Json data = statusline_report(source, args, at("2026-03-20T11:00:00.000Z"));
  EXPECT_TRUE(data.at("session_cost_usd").is_null());
  EXPECT_EQ(data.at("today_cost_usd"), 0.0);
  EXPECT_TRUE(data.at("block").is_null());
}

}  // namespace
}  // namespace cu::ctl
