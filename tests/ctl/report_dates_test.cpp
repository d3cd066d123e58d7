#include "ctl/report_dates.h"

#include <gtest/gtest.h>

namespace cu::ctl {
namespace {

TEST(ReportDates, ParsesBothForms) {
  EXPECT_EQ(parse_date_arg("20260131"), "2026-01-31");
  EXPECT_EQ(parse_date_arg("2026-01-31"), "2026-01-31");
  EXPECT_EQ(parse_date_arg("20240229"), "2024-02-29");
}

TEST(ReportDates, RejectsWhatIsNotADate) {
  for (const char* text : {"", "2026131", "2026-1-31", "20260230", "20230229", "2026-00-10", "2026-12-32",
                           "2026/01/31", "x0260131", "202601311", " 20260131"}) {
    EXPECT_FALSE(parse_date_arg(text)) << text;
  }
}

TEST(ReportDates, Arithmetic) {
  EXPECT_EQ(add_days("2026-02-28", 1), "2026-03-01");
  EXPECT_EQ(add_days("2026-01-01", -1), "2025-12-31");
  EXPECT_EQ(weekday_of("2026-02-01"), 0);  // a Sunday
  EXPECT_EQ(weekday_of("2026-02-02"), 1);
  EXPECT_EQ(week_start("2026-02-01", 0), "2026-02-01");
  EXPECT_EQ(week_start("2026-01-31", 0), "2026-01-25");
  EXPECT_EQ(week_start("2026-02-01", 1), "2026-01-26");
  EXPECT_EQ(week_start("2026-02-02", 1), "2026-02-02");
  EXPECT_EQ(week_start("2026-02-02", 6), "2026-01-31");
  EXPECT_EQ(month_of("2026-02-02"), "2026-02");
  EXPECT_EQ(month_start_before("2026-03-15", 0), "2026-03-01");
  EXPECT_EQ(month_start_before("2026-03-15", 3), "2025-12-01");
}

}  // namespace
}  // namespace cu::ctl
