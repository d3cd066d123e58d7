// `timezone: local` through the real daemon (SPEC §6, §9): resolved to the machine's IANA name at
// each start, recorded as that name, and the date-keyed tables rebuilt when it changes; a zone that
// cannot be resolved is a config error, not a crash loop.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include "integration/daemon_runner.h"
#include "support/test_support.h"

namespace cu::test {
namespace {

namespace fs = std::filesystem;

// One line per day: date, tokens, cost, models (readable when two runs differ).
std::string days_of(SqliteStore store) {
  std::string text;
  for (const DailySummaryRow& row : store.daily_summaries()) {
    text += fmt::format("{} {} {:.6f} {}\n", row.date, row.tokens.total(), row.cost_usd, row.models_used);
  }
  return text;
}

class LocalTimeZoneTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CU_REQUIRE_SHARED_LOGS();
    logs_ = shared_claude_logs();
    local_ = DaemonSetup{temp_.path() / "local", {*logs_}, "local"};
    fs::create_directories(local_.work);
  }

  TempDir temp_;
  std::optional<fs::path> logs_;
  DaemonSetup local_;
};

// The laptop travels: one database, the first run in UTC, the second in Tokyo. Every day (and model
// and cache row) must equal a run made in Tokyo from the start.
TEST_F(LocalTimeZoneTest, ZoneChangeBetweenRunsRebuildsEveryDay) {
  CommandResult run = local_.run_daemon("TZ=UTC");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const std::string utc_days = days_of(local_.open_store());
  run = local_.run_daemon("TZ=Asia/Tokyo");
  ASSERT_EQ(run.exit_code, 0) << run.output;

  DaemonSetup tokyo{temp_.path() / "tokyo", {*logs_}, "Asia/Tokyo"};
  fs::create_directories(tokyo.work);
  ASSERT_EQ(tokyo.run_once(), 0);
  EXPECT_NE(utc_days, days_of(tokyo.open_store()));  // the corpus does tell the zones apart
  EXPECT_EQ(days_of(local_.open_store()), days_of(tokyo.open_store()));
  auto reference = tokyo.open_store();
  auto travelled = local_.open_store();
  EXPECT_TRUE(travelled.daily_summaries() == reference.daily_summaries());
  EXPECT_TRUE(travelled.model_daily() == reference.model_daily());
  EXPECT_TRUE(travelled.cache_analytics() == reference.cache_analytics());
  EXPECT_TRUE(travelled.usage_blocks() == reference.usage_blocks());
}

TEST_F(LocalTimeZoneTest, CheckConfigShowsTheResolvedName) {
  const CommandResult run = local_.run_daemon("TZ=:Asia/Kolkata", "--check-config");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("\ntimezone: Asia/Kolkata\n"), std::string::npos) << run.output;
}

TEST_F(LocalTimeZoneTest, UnresolvableZoneIsAConfigError) {
  const CommandResult run = local_.run_daemon("TZ=Mars/Olympus_Mons");
  EXPECT_EQ(run.exit_code, 78) << run.output;
  EXPECT_NE(run.output.find("timezone: \"local\" cannot be resolved: TZ=\"Mars/Olympus_Mons\""), std::string::npos)
      << run.output;
}

}  // namespace
}  // namespace cu::test
