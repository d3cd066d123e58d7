// The pure part of retention: cut-offs, freeze steps, where events may be dropped, and a session's
// rows put together from its dropped and kept parts.
#include "rollup/retention.h"

#include <gtest/gtest.h>

#include <random>

#include "rollup/calendar.h"
#include "rollup/model_daily.h"
#include "rollup/summaries.h"
#include "rollup_test_events.h"

namespace cu {
namespace {

using test::usage_event;
using test::utc_ms;

TEST(Retention, TheCutOffIsTheFirstOfTheMonthSoManyMonthsBack) {
  EXPECT_EQ(retention_cutoff("2026-12-04", 3), "2026-09-01");
  EXPECT_EQ(retention_cutoff("2026-12-31", 1), "2026-11-01");
  EXPECT_EQ(retention_cutoff("2026-01-01", 1), "2025-12-01");
  EXPECT_EQ(retention_cutoff("2026-03-31", 13), "2025-02-01");
  EXPECT_THROW(retention_cutoff("2026-03-31", 0), std::invalid_argument);
  EXPECT_THROW(retention_cutoff("2026-02-30", 1), std::invalid_argument);
}

TEST(Retention, FreezeStepsGoADayAtATime) {
  EXPECT_EQ(freeze_steps(std::string("2026-02-26"), "2026-03-02"),
            (std::vector<std::string>{"2026-02-27", "2026-02-28", "2026-03-01", "2026-03-02"}));
  EXPECT_EQ(freeze_steps(std::string("2025-12-31"), "2026-01-01"), (std::vector<std::string>{"2026-01-01"}));
  EXPECT_EQ(freeze_steps(std::string("2024-02-28"), "2024-03-01"),
            (std::vector<std::string>{"2024-02-29", "2024-03-01"}));
  EXPECT_EQ(freeze_steps(std::string("2025-01-01"), "2026-01-01").size(), 365u);
  EXPECT_TRUE(freeze_steps(std::string("2026-04-01"), "2026-04-01").empty());
  EXPECT_TRUE(freeze_steps(std::string("2026-05-02"), "2026-04-01").empty());
  EXPECT_TRUE(freeze_steps(std::nullopt, "2026-04-01").empty());
  EXPECT_EQ(next_day("2026-12-31"), "2027-01-01");
}

TEST(Retention, EventsOfABlockOpenAcrossTheCutOffStay) {
  const std::int64_t cutoff = utc_ms("2026-03-01T00:00:00.000Z");
  UsageBlock across;
  across.start_ms = utc_ms("2026-02-28T21:00:00.000Z");
  across.end_ms = utc_ms("2026-03-01T02:00:00.000Z");
  UsageBlock before;
  before.start_ms = utc_ms("2026-02-28T10:00:00.000Z");
  before.end_ms = utc_ms("2026-02-28T15:00:00.000Z");
  UsageBlock ending_at_it;
  ending_at_it.start_ms = utc_ms("2026-02-28T19:00:00.000Z");
  ending_at_it.end_ms = cutoff;
  EXPECT_EQ(drop_before_ms(cutoff, std::vector{before, across}), across.start_ms);
  EXPECT_EQ(drop_before_ms(cutoff, std::vector{before, ending_at_it}), cutoff);
  EXPECT_EQ(drop_before_ms(cutoff, std::vector<UsageBlock>{}), cutoff);
}

SessionParts parts_of(const std::vector<UsageEvent>& events) {
  if (events.empty()) return {};
  return {summarize_session(events), summarize_models_of_day({}, events)};
}

// Split anywhere in time, the two parts merge to the rows of all the events.
TEST(Retention, MergedPartsEqualTheWholeSession) {
  std::mt19937 random(7);
  const std::vector<std::string> models{"claude-opus-4-5-20251101", "claude-sonnet-4-5-20250929",
                                        "claude-haiku-4-5-20251001", ""};
  for (int round = 0; round < 200; ++round) {
    std::vector<UsageEvent> events;
    const int n = 1 + static_cast<int>(random() % 30);
    for (int i = 0; i < n; ++i) {
      UsageEvent event = usage_event(i + 1, utc_ms("2026-02-01T00:00:00.000Z") + i * 3'600'000,
                                     models[random() % models.size()], random() % 5000, random() % 900);
      event.entry.tokens.cache_read = random() % 100'000;
      event.entry.tokens.cache_creation = random() % 10'000;
      event.cost_usd = static_cast<double>(random() % 100'000) / 1e6;
      if (random() % 3 == 0) event.entry.cwd = "/home/ana/project-" + std::to_string(random() % 3);
      events.push_back(event);
    }
    const std::size_t split = random() % (events.size() + 1);
    const std::vector<UsageEvent> before(events.begin(), events.begin() + static_cast<std::ptrdiff_t>(split));
    const std::vector<UsageEvent> after(events.begin() + static_cast<std::ptrdiff_t>(split), events.end());
    const SessionParts whole = parts_of(events);
    const SessionParts merged = merge_session(parts_of(before), parts_of(after));
    ASSERT_TRUE(merged.session);
    SessionRow row = *merged.session;
    EXPECT_NEAR(row.cost_usd, whole.session->cost_usd, 1e-12);
    row.cost_usd = whole.session->cost_usd;
    EXPECT_NEAR(row.efficiency_score, whole.session->efficiency_score, 1e-15);
    row.efficiency_score = whole.session->efficiency_score;
    EXPECT_EQ(row, *whole.session) << "round " << round << ", split " << split;
    ASSERT_EQ(merged.models.size(), whole.models.size());
    for (std::size_t i = 0; i < whole.models.size(); ++i) {
      EXPECT_EQ(merged.models[i].model, whole.models[i].model);
      EXPECT_EQ(merged.models[i].tokens, whole.models[i].tokens);
      EXPECT_EQ(merged.models[i].request_count, whole.models[i].request_count);
      EXPECT_NEAR(merged.models[i].cost_usd, whole.models[i].cost_usd, 1e-12);
    }
  }
}

}  // namespace
}  // namespace cu

namespace cu {
namespace {

// Days frozen in UTC up to 2026-01-01, seen from New York (west) and Tokyo (east).
TEST(Retention, AfterAZoneChangeTheFirstDayAfterTheFrozenOnesTakesWhatTheyLeft) {
  const std::int64_t cutoff = test::utc_ms("2026-01-01T00:00:00.000Z");
  const Calendar west = Calendar("America/New_York").with_frozen_days("2026-01-01", cutoff);
  // 02:00Z on 1 January is New York's 31 December, a frozen day: it goes to the first day after.
  EXPECT_EQ(west.date_of(test::utc_ms("2026-01-01T02:00:00.000Z")), "2026-01-01");
  EXPECT_EQ(west.date_of(test::utc_ms("2025-12-31T23:00:00.000Z")), "2025-12-31");
  EXPECT_EQ(west.day_range_ms("2026-01-01"),
            (std::pair{cutoff, test::utc_ms("2026-01-02T05:00:00.000Z")}));
  EXPECT_EQ(west.day_range_ms("2026-01-02").first, test::utc_ms("2026-01-02T05:00:00.000Z"));
  EXPECT_EQ(west.day_range_ms("2025-12-31").second, cutoff);

  const Calendar east = Calendar("Asia/Tokyo").with_frozen_days("2026-01-01", cutoff);
  // 20:00Z on 31 December is Tokyo's 1 January, but was counted in the frozen 31 December.
  EXPECT_EQ(east.date_of(test::utc_ms("2025-12-31T20:00:00.000Z")), "2025-12-31");
  EXPECT_EQ(east.date_of(test::utc_ms("2026-01-01T00:00:00.000Z")), "2026-01-01");
  EXPECT_EQ(east.day_range_ms("2026-01-01"), (std::pair{cutoff, test::utc_ms("2026-01-01T15:00:00.000Z")}));

  // In the zone the days were frozen in, nothing changes.
  const Calendar same = Calendar("UTC").with_frozen_days("2026-01-01", cutoff);
  for (const char* at : {"2025-12-31T23:59:59.999Z", "2026-01-01T00:00:00.000Z", "2026-03-04T05:06:07.000Z"}) {
    EXPECT_EQ(same.date_of(test::utc_ms(at)), Calendar("UTC").date_of(test::utc_ms(at))) << at;
  }
  EXPECT_EQ(same.day_range_ms("2026-01-01"), Calendar("UTC").day_range_ms("2026-01-01"));
}

}  // namespace
}  // namespace cu
