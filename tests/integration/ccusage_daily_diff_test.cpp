// Differential test: daily_usage_summary equals `ccusage claude daily --json` day by day, on the
// real shared logs and on a generated corpus, in several time zones (SPEC §4–§6).
#include <gtest/gtest.h>

#include <map>
#include <set>

#include <fmt/format.h>

#include "integration/ccusage_reference.h"
#include "integration/daemon_runner.h"
#include "integration/generated_corpus.h"

namespace cu::test {
namespace {

namespace fs = std::filesystem;

void expect_daily_equal(const fs::path& claude_dir, const std::string& timezone) {
  TempDir work;
  DaemonSetup setup{work.path(), {claude_dir}, timezone};
  ASSERT_EQ(setup.run_once(), 0);
  std::map<std::string, DailySummaryRow> ours;
  for (auto& row : setup.open_store().daily_summaries()) ours.emplace(row.date, row);

  const nlohmann::json reference = run_ccusage(claude_dir, "claude daily -z " + timezone);
  ASSERT_TRUE(reference.is_object());
  const auto& days = reference.at("daily");
  ASSERT_EQ(ours.size(), days.size());
  ASSERT_FALSE(days.empty());
  for (const auto& day : days) {
    const std::string date = day.at("date");
    SCOPED_TRACE(date + " " + timezone);
    const auto it = ours.find(date);
    ASSERT_NE(it, ours.end());
    const DailySummaryRow& row = it->second;
    EXPECT_EQ(row.tokens.input, day.at("inputTokens").get<std::int64_t>());
    EXPECT_EQ(row.tokens.output, day.at("outputTokens").get<std::int64_t>());
    EXPECT_EQ(row.tokens.cache_creation, day.at("cacheCreationTokens").get<std::int64_t>());
    EXPECT_EQ(row.tokens.cache_read, day.at("cacheReadTokens").get<std::int64_t>());
    EXPECT_EQ(row.tokens.total(), day.at("totalTokens").get<std::int64_t>());
    EXPECT_NEAR(row.cost_usd, day.at("totalCost").get<double>(), 1e-6);
    // ccusage lists models in order of appearance; models_used is sorted (SPEC §7).
    std::set<std::string> names;
    for (const auto& model : day.at("modelsUsed")) names.insert(model.get<std::string>());
    std::string models;
    for (const std::string& name : names) models += (models.empty() ? "" : ",") + name;
    EXPECT_EQ(row.models_used, models);
  }
}

class DailyDiffTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override { CU_REQUIRE_CCUSAGE(); }
};

TEST_P(DailyDiffTest, SharedCorpus) {
  CU_REQUIRE_SHARED_LOGS();
  const std::filesystem::path logs = *shared_claude_logs();
  expect_daily_equal(logs, GetParam());
}

TEST_P(DailyDiffTest, GeneratedCorpus) { expect_daily_equal(generated_corpus(), GetParam()); }

INSTANTIATE_TEST_SUITE_P(TimeZones, DailyDiffTest,
                         ::testing::Values("UTC", "America/New_York", "Asia/Kolkata"),
                         [](const auto& info) {
                           std::string name = info.param;
                           std::replace(name.begin(), name.end(), '/', '_');
                           return name;
                         });

}  // namespace
}  // namespace cu::test
