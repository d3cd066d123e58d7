// The real daemon answering claude-usagectl --json equals ccusage 20.0.24's --json for the same
// flags (SPEC §8), on the shared logs (without subagent progress lines, which ccusage's session and
// blocks reports ignore: SPEC §4) and a generated corpus, in two time zones.
#include <gtest/gtest.h>

#include <algorithm>

#include <fmt/format.h>

#include "integration/ccusage_reference.h"
#include "integration/daemon_runner.h"
#include "integration/generated_corpus.h"
#include "integration/live_daemon.h"
#include "support/test_support.h"

namespace cu::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// Model lists: ccusage prints them in order of first use, we sort them (docs/PROTOCOL.md).
bool is_model_list(const std::string& key) { return key == "modelsUsed" || key == "models"; }

// Breakdowns by cost, descending; ccusage keeps equal costs in order of first use, we in name order
// (docs/PROTOCOL.md): compared in one order.
json by_cost_then_name(json breakdowns) {
  std::stable_sort(breakdowns.begin(), breakdowns.end(), [](const json& a, const json& b) {
    const double ca = a.value("cost", 0.0), cb = b.value("cost", 0.0);
    return ca != cb ? ca > cb : a.value("modelName", "") < b.value("modelName", "");
  });
  return breakdowns;
}

void expect_same(const json& ours, const json& theirs, const std::string& path) {
  if (theirs.is_number_float() || ours.is_number_float()) {
    ASSERT_TRUE(ours.is_number()) << path;
    EXPECT_NEAR(ours.get<double>(), theirs.get<double>(), 1e-6) << path;
    return;
  }
  ASSERT_EQ(ours.type(), theirs.type()) << path << ": " << ours.dump() << " vs " << theirs.dump();
  if (ours.is_object()) {
    for (const auto& [key, value] : theirs.items()) {
      ASSERT_TRUE(ours.contains(key)) << path << "." << key;
      if (is_model_list(key)) {
        auto a = ours.at(key).get<std::vector<std::string>>();
        auto b = value.get<std::vector<std::string>>();
        std::sort(a.begin(), a.end());
        std::sort(b.begin(), b.end());
        EXPECT_EQ(a, b) << path << "." << key;
      } else if (key == "modelBreakdowns" && value.is_array() && ours.at(key).is_array()) {
        expect_same(by_cost_then_name(ours.at(key)), by_cost_then_name(value), path + "." + key);
      } else {
        expect_same(ours.at(key), value, path + "." + key);
      }
    }
    EXPECT_EQ(ours.size(), theirs.size()) << path << " has other keys: " << ours.dump().substr(0, 300);
  } else if (ours.is_array()) {
    ASSERT_EQ(ours.size(), theirs.size()) << path;
    for (std::size_t i = 0; i < ours.size(); ++i) expect_same(ours[i], theirs[i], fmt::format("{}[{}]", path, i));
  } else {
    EXPECT_EQ(ours, theirs) << path;
  }
}

struct Case {
  const char* corpus;  // "shared" or "generated"
  const char* timezone;
};

class CtlCcusageDiffTest : public ::testing::TestWithParam<Case> {
 protected:
  void SetUp() override {
    CU_REQUIRE_CCUSAGE();
    if (std::string(GetParam().corpus) == "shared") {
      const auto logs = shared_logs_without_progress();
      if (!logs) {
        if (running_in_ci()) FAIL() << "../shared/data/claude-logs is missing";
        GTEST_SKIP() << "shared logs not present";
      }
      logs_ = *logs;
    } else {
      logs_ = generated_corpus_without_progress();
    }
    setup_ = DaemonSetup{temp_.path(), {logs_}, GetParam().timezone};
    setup_.write_config();
    daemon_ = std::make_unique<LiveDaemon>(setup_.config_path(), temp_.path() / "daemon.log");
    ASSERT_TRUE(wait_until([&] { return setup_.watching(); })) << read_file(temp_.path() / "daemon.log");
  }

  CommandResult ctl(const std::string& args) { return setup_.ctl(args); }

  void compare(const std::string& ours_args, const std::string& ccusage_args) {
    compare_as_given(ours_args, ccusage_args + " -z " + GetParam().timezone);
  }

  // ccusage_args with their own -z, if any.
  void compare_as_given(const std::string& ours_args, const std::string& ccusage_args) {
    SCOPED_TRACE(ours_args);
    const CommandResult result = ctl(ours_args + " --json");
    ASSERT_EQ(result.exit_code, 0) << result.output;
    const json theirs = run_ccusage(logs_, ccusage_args);
    expect_same(json::parse(result.output), theirs, "$");
  }

  // A zone other than the daemon's, far from both cases' zones.
  static std::string other_zone() { return "Pacific/Auckland"; }

  TempDir temp_;
  fs::path logs_;
  DaemonSetup setup_;
  std::unique_ptr<LiveDaemon> daemon_;
};

TEST_P(CtlCcusageDiffTest, Daily) { compare("daily", "claude daily"); }
TEST_P(CtlCcusageDiffTest, DailyRangeBreakdownDescending) {
  compare("daily --since 20250901 --until 2026-03-01 --breakdown --order desc",
          "claude daily --since 20250901 --until 20260301 --breakdown --order desc");
}
TEST_P(CtlCcusageDiffTest, Monthly) { compare("monthly", "claude monthly"); }
TEST_P(CtlCcusageDiffTest, WeeklyFromMonday) {
  compare("weekly --start-of-week monday", "claude weekly --start-of-week monday");
}
TEST_P(CtlCcusageDiffTest, Session) { compare("session", "claude session"); }
// A range that cuts through both corpora: sessions are summed from usage_events, not read from
// claude_sessions.
TEST_P(CtlCcusageDiffTest, SessionRange) {
  compare("session --since 20251101 --until 2026-02-24", "claude session --since 20251101 --until 20260224");
}
TEST_P(CtlCcusageDiffTest, Blocks) { compare("blocks", "blocks"); }
TEST_P(CtlCcusageDiffTest, BlocksTokenLimitMax) { compare("blocks --token-limit max", "blocks --token-limit max"); }

// A query's own -z: the daemon keeps its dates in the case's zone and answers in another one.
TEST_P(CtlCcusageDiffTest, DailyInTheQuerysZone) {
  compare_as_given("daily --breakdown -z " + other_zone(), "claude daily --breakdown -z " + other_zone());
}
TEST_P(CtlCcusageDiffTest, MonthlyAndWeeklyInTheQuerysZone) {
  compare_as_given("monthly --timezone " + other_zone(), "claude monthly --timezone " + other_zone());
  compare_as_given("weekly -z " + other_zone(), "claude weekly -z " + other_zone());
}
TEST_P(CtlCcusageDiffTest, SessionsAndBlocksInTheQuerysZone) {
  compare_as_given("session -z " + other_zone(), "claude session -z " + other_zone());
  compare_as_given("session --since 20251101 --until 2026-02-24 -z " + other_zone(),
                   "claude session --since 20251101 --until 20260224 -z " + other_zone());
  compare_as_given("blocks --since 20251201 -z " + other_zone(), "blocks --since 20251201 -z " + other_zone());
}
// -m: costs computed from the tokens whatever was logged, or only what was logged.
TEST_P(CtlCcusageDiffTest, CostModes) {
  for (const char* mode : {"calculate", "display", "auto"}) {
    compare(fmt::format("daily -m {}", mode), fmt::format("claude daily -m {}", mode));
    compare(fmt::format("session --mode {}", mode), fmt::format("claude session --mode {}", mode));
    compare(fmt::format("blocks -m {}", mode), fmt::format("blocks -m {}", mode));
  }
}
// session --id: one session's entries and totals; an unknown id is null.
TEST_P(CtlCcusageDiffTest, SessionById) {
  const CommandResult sessions = ctl("session --json");
  ASSERT_EQ(sessions.exit_code, 0);
  const json list = json::parse(sessions.output).at("sessions");
  ASSERT_FALSE(list.empty());
  for (const json& session : {list.front(), list.back()}) {
    const std::string id = session.at("sessionId").get<std::string>();
    compare("session --id " + id, "claude session --id " + id);
  }
  compare("session -i no-such-session", "claude session -i no-such-session");
}

INSTANTIATE_TEST_SUITE_P(CorporaAndZones, CtlCcusageDiffTest,
                         ::testing::Values(Case{"shared", "UTC"}, Case{"shared", "America/New_York"},
                                           Case{"generated", "UTC"}, Case{"generated", "Asia/Kolkata"}),
                         [](const auto& info) {
                           std::string name = std::string(info.param.corpus) + "_" + info.param.timezone;
                           std::replace(name.begin(), name.end(), '/', '_');
                           return name;
                         });

}  // namespace
}  // namespace cu::test
