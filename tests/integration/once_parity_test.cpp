// `claude-usaged --once` on the real shared logs equals ccusage's reference totals (SPEC §4, §5),
// is idempotent, and resumes from checkpoints when logs grow.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "integration/daemon_runner.h"

namespace cu::test {
namespace {

namespace fs = std::filesystem;

struct Totals {
  std::int64_t days = 0;
  TokenTotals tokens;
  double cost = 0;
};

Totals totals_of(const std::vector<DailySummaryRow>& rows) {
  Totals totals;
  for (const DailySummaryRow& row : rows) {
    ++totals.days;
    totals.tokens.input += row.tokens.input;
    totals.tokens.output += row.tokens.output;
    totals.tokens.cache_creation += row.tokens.cache_creation;
    totals.tokens.cache_read += row.tokens.cache_read;
    totals.cost += row.cost_usd;
  }
  return totals;
}

class OnceParityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CU_REQUIRE_SHARED_LOGS();
    logs_ = shared_claude_logs();
    setup_.work = temp_.path();
    setup_.claude_dirs = {*logs_};
  }

  TempDir temp_;
  std::optional<fs::path> logs_;
  DaemonSetup setup_;
};

// The reference totals of ../shared/data/claude-logs/README.md (ccusage 20.0.24, -z UTC).
TEST_F(OnceParityTest, SharedCorpusEqualsReferenceTotals) {
  ASSERT_EQ(setup_.run_once(), 0);
  const Totals totals = totals_of(setup_.open_store().daily_summaries());
  EXPECT_EQ(totals.days, 16);
  EXPECT_EQ(totals.tokens.input, 97022);
  EXPECT_EQ(totals.tokens.output, 167590);
  EXPECT_EQ(totals.tokens.cache_creation, 5496872);
  EXPECT_EQ(totals.tokens.cache_read, 172527826);
  EXPECT_EQ(totals.tokens.total(), 178289310);
  EXPECT_NEAR(totals.cost, 88.311034, 1e-6);
}

TEST_F(OnceParityTest, SecondRunChangesNothing) {
  ASSERT_EQ(setup_.run_once(), 0);
  auto store = setup_.open_store();
  const auto daily = store.daily_summaries();
  const auto sessions = store.sessions();
  const auto events = store.event_count();
  ASSERT_EQ(setup_.run_once(), 0);
  auto again = setup_.open_store();
  EXPECT_EQ(again.daily_summaries(), daily);
  EXPECT_EQ(again.sessions(), sessions);
  EXPECT_EQ(again.event_count(), events);
}

// Claude Code deletes transcripts after 30 days: the history must outlive them.
TEST_F(OnceParityTest, HistorySurvivesDeletedTranscripts) {
  TempDir copy;
  fs::copy(*logs_ / "projects", copy.path() / "projects", fs::copy_options::recursive);
  setup_.claude_dirs = {copy.path()};
  ASSERT_EQ(setup_.run_once(), 0);
  auto before = setup_.open_store();
  const auto daily = before.daily_summaries();
  const auto sessions = before.sessions();
  const auto blocks = before.usage_blocks();
  const auto events = before.event_count();
  fs::permissions(copy.path(), fs::perms::owner_all, fs::perm_options::add);
  for (const auto& entry : fs::recursive_directory_iterator(copy.path())) {
    fs::permissions(entry.path(), fs::perms::owner_write, fs::perm_options::add);
  }
  fs::remove_all(copy.path() / "projects");
  fs::create_directories(copy.path() / "projects");
  ASSERT_EQ(setup_.run_once(), 0);
  auto after = setup_.open_store();
  EXPECT_EQ(after.daily_summaries(), daily);
  EXPECT_EQ(after.sessions(), sessions);
  EXPECT_EQ(after.usage_blocks(), blocks);
  EXPECT_EQ(after.event_count(), events);
  EXPECT_FALSE(daily.empty());
}

// Replays the growth/ snapshots (byte prefixes of files in projects/) as earlier states of those
// files: ingesting each prefix, then the final logs, must equal ingesting the final logs once.
TEST_F(OnceParityTest, GrowingLogsResumeFromCheckpoints) {
  TempDir copy;
  fs::copy(*logs_ / "projects", copy.path() / "projects", fs::copy_options::recursive);
  fs::permissions(copy.path(), fs::perms::owner_all, fs::perm_options::add);
  for (const auto& entry : fs::recursive_directory_iterator(copy.path())) {
    fs::permissions(entry.path(), fs::perms::owner_write, fs::perm_options::add);
  }
  setup_.claude_dirs = {copy.path()};

  // Map each growth snapshot "<session>@<date>-<hash>.jsonl" to its final file in projects/.
  std::vector<std::pair<fs::path, fs::path>> snapshots;  // (snapshot, final file in the copy)
  for (const auto& entry : fs::recursive_directory_iterator(*logs_ / "growth")) {
    if (!entry.is_regular_file()) continue;
    const std::string name = entry.path().filename().string();
    const std::string session = name.substr(0, name.find('@')) + ".jsonl";
    for (const auto& candidate : fs::recursive_directory_iterator(copy.path() / "projects")) {
      if (candidate.path().filename() == session) snapshots.emplace_back(entry.path(), candidate.path());
    }
  }
  ASSERT_FALSE(snapshots.empty());
  std::sort(snapshots.begin(), snapshots.end(), [](const auto& a, const auto& b) {
    return fs::file_size(a.first) < fs::file_size(b.first);
  });
  std::map<fs::path, std::string> finals;
  for (const auto& [snapshot, final_file] : snapshots) finals.emplace(final_file, read_file(final_file));
  // Start each grown file at its smallest snapshot, then grow it through the larger ones.
  std::set<fs::path> started;
  for (const auto& [snapshot, final_file] : snapshots) {
    if (started.insert(final_file).second) write_file(final_file, read_file(snapshot));
  }
  ASSERT_EQ(setup_.run_once(), 0);
  for (const auto& [snapshot, final_file] : snapshots) {
    write_file(final_file, read_file(snapshot));
    ASSERT_EQ(setup_.run_once(), 0);
  }
  for (const auto& [final_file, text] : finals) write_file(final_file, text);
  ASSERT_EQ(setup_.run_once(), 0);

  TempDir fresh;
  DaemonSetup reference{fresh.path(), {*logs_}};
  ASSERT_EQ(reference.run_once(), 0);
  auto grown = setup_.open_store();
  auto direct = reference.open_store();
  EXPECT_EQ(grown.event_count(), direct.event_count());
  const auto grown_daily = grown.daily_summaries();
  const auto direct_daily = direct.daily_summaries();
  ASSERT_EQ(grown_daily.size(), direct_daily.size());
  for (std::size_t i = 0; i < grown_daily.size(); ++i) {
    EXPECT_EQ(grown_daily[i].tokens, direct_daily[i].tokens) << grown_daily[i].date;
    EXPECT_NEAR(grown_daily[i].cost_usd, direct_daily[i].cost_usd, 1e-9) << grown_daily[i].date;
  }
  EXPECT_EQ(grown.sessions().size(), direct.sessions().size());
}

}  // namespace
}  // namespace cu::test
