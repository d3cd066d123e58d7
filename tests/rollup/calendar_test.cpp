// Local dates and day boundaries in IANA zones, including DST transitions (SPEC §6).
#include <gtest/gtest.h>

#include "core/time.h"
#include "parse/line_parser.h"
#include "rollup/calendar.h"

namespace cu {
namespace {

std::int64_t ms(const char* text) {
  std::int64_t value = 0;
  EXPECT_TRUE(parse_timestamp_ms(text, value)) << text;
  return value;
}

TEST(CalendarTest, DateOfInUtcAndOffsets) {
  const Calendar utc("UTC");
  EXPECT_EQ(utc.date_of(ms("2026-02-01T23:59:59.999Z")), "2026-02-01");
  const Calendar new_york("America/New_York");
  EXPECT_EQ(new_york.date_of(ms("2026-02-02T04:59:59.999Z")), "2026-02-01");
  EXPECT_EQ(new_york.date_of(ms("2026-02-02T05:00:00.000Z")), "2026-02-02");
}

TEST(CalendarTest, DayRangesAcrossDstChanges) {
  const Calendar new_york("America/New_York");
  // 2026-03-08: clocks jump from 02:00 to 03:00, a 23-hour day.
  const auto [start, end] = new_york.day_range_ms("2026-03-08");
  EXPECT_EQ(start, ms("2026-03-08T05:00:00.000Z"));
  EXPECT_EQ(end - start, 23LL * 3600 * 1000);
  const Calendar berlin("Europe/Berlin");
  // 2026-10-25: clocks fall back from 03:00 to 02:00, a 25-hour day.
  const auto [b_start, b_end] = berlin.day_range_ms("2026-10-25");
  EXPECT_EQ(b_start, ms("2026-10-24T22:00:00.000Z"));
  EXPECT_EQ(b_end - b_start, 25LL * 3600 * 1000);
}

TEST(CalendarTest, UnknownZoneThrows) { EXPECT_ANY_THROW(Calendar("Mars/Olympus")); }

TEST(CalendarTest, FormatsUtcMilliseconds) {
  EXPECT_EQ(format_timestamp_ms(ms("2026-02-01T10:08:00.5Z")), "2026-02-01T10:08:00.500Z");
  EXPECT_EQ(format_timestamp_ms(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_timestamp_ms(-1), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(format_timestamp_ms(ms("2024-02-29T23:59:59.999Z")), "2024-02-29T23:59:59.999Z");
}

}  // namespace
}  // namespace cu
