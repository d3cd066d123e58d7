// Differential tests of the rollup tables against ccusage 20.0.24 (issue: rollups): per-model
// daily rows against `claude daily --breakdown`, sessions against `claude session`, and non-gap
// usage blocks against `blocks`, on the real shared logs and on a generated corpus.
#include <gtest/gtest.h>

#include <map>

#include <fmt/format.h>

#include "core/time.h"
#include "integration/ccusage_reference.h"
#include "integration/daemon_runner.h"
#include "integration/generated_corpus.h"
#include "rollup/calendar.h"

namespace cu::test {
namespace {

namespace fs = std::filesystem;

// Sessions and blocks are compared on the corpora without subagent progress lines (see
// generated_corpus.h); per-model days on the full ones.
enum class Corpus { kShared, kGenerated };

class RollupsDiffTest : public ::testing::TestWithParam<Corpus> {
 protected:
  void SetUp() override {
    CU_REQUIRE_CCUSAGE();
    if (GetParam() == Corpus::kShared) {
      CU_REQUIRE_SHARED_LOGS();
      const std::filesystem::path logs = *shared_claude_logs();
      logs_ = logs;
      without_progress_ = *shared_logs_without_progress();
    } else {
      logs_ = generated_corpus();
      without_progress_ = generated_corpus_without_progress();
    }
  }

  // Runs --once over `logs` into a fresh database of this test.
  DaemonSetup ingest(const fs::path& logs) {
    DaemonSetup setup{work_.path() / std::to_string(runs_++), {logs}, "UTC"};
    fs::create_directories(setup.work);
    EXPECT_EQ(setup.run_once(), 0);
    return setup;
  }

  TempDir work_;
  fs::path logs_;
  fs::path without_progress_;
  int runs_ = 0;
};

TEST_P(RollupsDiffTest, ModelDailyEqualsDailyBreakdown) {
  std::map<std::pair<std::string, std::string>, ModelDailyRow> ours;
  for (auto& row : ingest(logs_).open_store().model_daily()) ours.emplace(std::pair(row.date, row.model), row);
  const auto reference = run_ccusage(logs_, "claude daily --breakdown -z UTC");
  std::size_t compared = 0;
  for (const auto& day : reference.at("daily")) {
    for (const auto& model : day.at("modelBreakdowns")) {
      const std::string date = day.at("date");
      const std::string name = model.at("modelName");
      SCOPED_TRACE(date + " " + name);
      const auto it = ours.find({date, name});
      ASSERT_NE(it, ours.end());
      EXPECT_EQ(it->second.tokens.input, model.at("inputTokens").get<std::int64_t>());
      EXPECT_EQ(it->second.tokens.output, model.at("outputTokens").get<std::int64_t>());
      EXPECT_EQ(it->second.tokens.cache_creation, model.at("cacheCreationTokens").get<std::int64_t>());
      EXPECT_EQ(it->second.tokens.cache_read, model.at("cacheReadTokens").get<std::int64_t>());
      EXPECT_NEAR(it->second.cost_usd, model.at("cost").get<double>(), 1e-6);
      ++compared;
    }
  }
  EXPECT_EQ(compared, ours.size());
  EXPECT_GT(compared, 0u);
}

TEST_P(RollupsDiffTest, SessionsEqualSessionReport) {
  std::map<std::pair<std::string, std::string>, SessionRow> ours;
  for (auto& row : ingest(without_progress_).open_store().sessions()) {
    ours.emplace(std::pair(row.project_path, row.session_id), row);
  }
  const auto reference = run_ccusage(without_progress_, "claude session");
  const auto& sessions = reference.at("sessions");
  EXPECT_EQ(sessions.size(), ours.size());
  for (const auto& session : sessions) {
    const std::string project = session.at("projectPath");
    const std::string id = session.at("sessionId");
    SCOPED_TRACE(project + "/" + id);
    const auto it = ours.find({project, id});
    ASSERT_NE(it, ours.end());
    const SessionRow& row = it->second;
    EXPECT_EQ(row.tokens.input, session.at("inputTokens").get<std::int64_t>());
    EXPECT_EQ(row.tokens.output, session.at("outputTokens").get<std::int64_t>());
    EXPECT_EQ(row.tokens.cache_creation, session.at("cacheCreationTokens").get<std::int64_t>());
    EXPECT_EQ(row.tokens.cache_read, session.at("cacheReadTokens").get<std::int64_t>());
    EXPECT_NEAR(row.cost_usd, session.at("totalCost").get<double>(), 1e-6);
    EXPECT_EQ(format_timestamp_ms(row.session_start_ms), session.at("firstActivity").get<std::string>());
    EXPECT_EQ(format_timestamp_ms(row.session_end_ms), session.at("lastActivity").get<std::string>());
  }
}

TEST_P(RollupsDiffTest, BlocksEqualBlocksReport) {
  const auto ours = ingest(without_progress_).open_store().usage_blocks();
  const auto reference = run_ccusage(without_progress_, "blocks");
  std::vector<nlohmann::json> blocks;
  for (const auto& block : reference.at("blocks")) {
    if (!block.at("isGap").get<bool>()) blocks.push_back(block);
  }
  ASSERT_EQ(ours.size(), blocks.size());
  for (std::size_t i = 0; i < ours.size(); ++i) {
    const UsageBlock& row = ours[i];
    const auto& block = blocks[i];
    SCOPED_TRACE(row.block_id);
    EXPECT_EQ(row.block_id, block.at("id").get<std::string>());
    EXPECT_EQ(format_timestamp_ms(row.start_ms), block.at("startTime").get<std::string>());
    EXPECT_EQ(format_timestamp_ms(row.end_ms), block.at("endTime").get<std::string>());
    EXPECT_EQ(format_timestamp_ms(row.actual_end_ms), block.at("actualEndTime").get<std::string>());
    EXPECT_EQ(row.entries, block.at("entries").get<std::int64_t>());
    const auto& tokens = block.at("tokenCounts");
    EXPECT_EQ(row.tokens.input, tokens.at("inputTokens").get<std::int64_t>());
    EXPECT_EQ(row.tokens.output, tokens.at("outputTokens").get<std::int64_t>());
    EXPECT_EQ(row.tokens.cache_creation, tokens.at("cacheCreationInputTokens").get<std::int64_t>());
    EXPECT_EQ(row.tokens.cache_read, tokens.at("cacheReadInputTokens").get<std::int64_t>());
    EXPECT_NEAR(row.cost_usd, block.at("costUSD").get<double>(), 1e-6);
  }
}

INSTANTIATE_TEST_SUITE_P(Corpora, RollupsDiffTest, ::testing::Values(Corpus::kShared, Corpus::kGenerated),
                         [](const auto& info) { return info.param == Corpus::kShared ? "Shared" : "Generated"; });

}  // namespace
}  // namespace cu::test
