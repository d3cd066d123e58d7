#include <cstdint>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "core/time.h"

namespace cu {
namespace {

constexpr std::int64_t kJuly27 = 1753659721481;  // 2025-07-27T23:42:01.481Z

std::int64_t parsed(std::string_view text) {
  std::int64_t ms = -12345;
  EXPECT_TRUE(parse_timestamp_ms(text, ms)) << text;
  return ms;
}

bool rejects(std::string_view text) {
  std::int64_t ms = 0;
  return !parse_timestamp_ms(text, ms);
}

TEST(IsoTimestamp, ClaudeCodeForm) { EXPECT_EQ(parsed("2025-07-27T23:42:01.481Z"), kJuly27); }

TEST(IsoTimestamp, EpochAndBeforeEpoch) {
  EXPECT_EQ(parsed("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(parsed("1969-12-31T23:59:59.999Z"), -1);
}

TEST(IsoTimestamp, CalendarDates) {
  EXPECT_EQ(parsed("2024-02-29T12:00:00Z"), 1709208000000);
  EXPECT_EQ(parsed("2000-03-01T00:00:00Z"), 951868800000);
  EXPECT_EQ(parsed("2026-01-24T23:59:06.354Z"), 1769299146354);
}

TEST(IsoTimestamp, NoFraction) { EXPECT_EQ(parsed("2025-07-27T23:42:01Z"), kJuly27 - 481); }

TEST(IsoTimestamp, OneToNineFractionDigitsTruncateToMilliseconds) {
  const std::int64_t second = kJuly27 - 481;
  EXPECT_EQ(parsed("2025-07-27T23:42:01.4Z"), second + 400);
  EXPECT_EQ(parsed("2025-07-27T23:42:01.48Z"), second + 480);
  EXPECT_EQ(parsed("2025-07-27T23:42:01.4819Z"), second + 481);
  EXPECT_EQ(parsed("2025-07-27T23:42:01.48199Z"), second + 481);
  EXPECT_EQ(parsed("2025-07-27T23:42:01.481999Z"), second + 481);
  EXPECT_EQ(parsed("2025-07-27T23:42:01.4819999Z"), second + 481);
  EXPECT_EQ(parsed("2025-07-27T23:42:01.48199999Z"), second + 481);
  EXPECT_EQ(parsed("2025-07-27T23:42:01.999999999Z"), second + 999);
}

TEST(IsoTimestamp, Offsets) {
  EXPECT_EQ(parsed("2025-07-28T01:42:01.481+02:00"), kJuly27);
  EXPECT_EQ(parsed("2025-07-27T18:12:01.481-05:30"), kJuly27);
  EXPECT_EQ(parsed("2025-07-27T23:42:01.481+00:00"), kJuly27);
  EXPECT_EQ(parsed("2025-07-27T23:42:01.481-00:00"), kJuly27);
  EXPECT_EQ(parsed("2025-07-28T23:41:01.481+23:59"), kJuly27);
}

TEST(IsoTimestamp, RejectsInvalidFields) {
  EXPECT_TRUE(rejects("2025-13-01T00:00:00Z"));
  EXPECT_TRUE(rejects("2025-00-01T00:00:00Z"));
  EXPECT_TRUE(rejects("2025-01-00T00:00:00Z"));
  EXPECT_TRUE(rejects("2025-01-32T00:00:00Z"));
  EXPECT_TRUE(rejects("2023-02-29T00:00:00Z"));
  EXPECT_TRUE(rejects("2025-04-31T00:00:00Z"));
  EXPECT_TRUE(rejects("2025-01-01T24:00:00Z"));
  EXPECT_TRUE(rejects("2025-01-01T00:60:00Z"));
  EXPECT_TRUE(rejects("2025-01-01T00:00:60Z"));
  EXPECT_TRUE(rejects("2025-01-01T00:00:00+24:00"));
  EXPECT_TRUE(rejects("2025-01-01T00:00:00+01:60"));
}

TEST(IsoTimestamp, RejectsOtherLayouts) {
  for (std::string_view text :
       {"", "2025-07-27", "2025-07-27T23:42:01", "2025-07-27T23:42:01.481", "2025-07-27 23:42:01Z",
        "2025-07-27t23:42:01Z", "2025-07-27T23:42:01z", "2025-07-27T23:42:01.Z",
        "2025-07-27T23:42:01.4811111111Z", "2025-07-27T23:42:01.481Z ", " 2025-07-27T23:42:01Z",
        "2025-07-27T23:42:01+0200", "2025-07-27T23:42:01+02", "2025-07-27T23:42:01+02:00Z",
        "2025-7-27T23:42:01Z", "25-07-27T23:42:01Z", "+2025-07-27T23:42:01Z", "2025-07-27T23:42Z",
        "2025/07/27T23:42:01Z", "2025-07-27T23:42:01.48a1Z", "1753659721481"}) {
    EXPECT_TRUE(rejects(text)) << text;
  }
}

TEST(IsoTimestamp, RejectsEveryTruncation) {
  const std::string full = "2025-07-27T23:42:01.481+02:00";
  for (std::size_t length = 0; length < full.size(); ++length) {
    EXPECT_TRUE(rejects(full.substr(0, length))) << full.substr(0, length);
  }
}

TEST(IsoTimestamp, FormatsClaudeCodesForm) {
  EXPECT_EQ(format_timestamp_ms(kJuly27), "2025-07-27T23:42:01.481Z");
  EXPECT_EQ(format_timestamp_ms(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_timestamp_ms(-1), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(format_timestamp_ms(951782400000), "2000-02-29T00:00:00.000Z");
  EXPECT_EQ(format_timestamp_ms(253402300799999), "9999-12-31T23:59:59.999Z");
  EXPECT_EQ(format_timestamp_ms(-62167219200000), "0000-01-01T00:00:00.000Z");
  // Outside what four digits hold: still a readable time, never a truncated one.
  EXPECT_EQ(format_timestamp_ms(253402300800000), "10000-01-01T00:00:00.000Z");
  EXPECT_EQ(format_timestamp_ms(-62167219200001), "-001-12-31T23:59:59.999Z");
}

TEST(IsoTimestamp, FormattedTimesParseBack) {
  for (std::int64_t ms = -86'400'000LL * 800; ms < 86'400'000LL * 40'000; ms += 7'777'777'777LL + ms % 1000) {
    EXPECT_EQ(parsed(format_timestamp_ms(ms)), ms) << format_timestamp_ms(ms);
  }
}

}  // namespace
}  // namespace cu
