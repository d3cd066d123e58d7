// The reports ccusage does not have, from the real daemon on the shared logs (subagent transcripts
// included): hourly sums to daily, project groups sum to their members, subagent rows sum to
// their session, and --csv carries every row of the --json answer.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "integration/daemon_runner.h"
#include "integration/live_daemon.h"
#include "support/test_support.h"

namespace cu::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kWholeHistory = "--since 20000101 --until 20991231";

// Lines of CSV text split into fields; no field of these reports holds a comma, quote or newline.
std::vector<std::vector<std::string>> csv_lines(const std::string& text) {
  std::vector<std::vector<std::string>> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> fields;
    std::istringstream cells(line);
    for (std::string field; std::getline(cells, field, ',');) fields.push_back(field);
    if (line.ends_with(',')) fields.emplace_back();
    lines.push_back(std::move(fields));
  }
  return lines;
}

std::map<std::string, std::size_t> columns_of(const std::vector<std::string>& header) {
  std::map<std::string, std::size_t> columns;
  for (std::size_t i = 0; i < header.size(); ++i) columns[header[i]] = i;
  return columns;
}

class ExtraReportsTest : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    CU_REQUIRE_SHARED_LOGS();
    const std::filesystem::path logs = *shared_claude_logs();
    setup_ = DaemonSetup{temp_.path(), {logs}, GetParam()};
    // A folder glob, a path glob (its '/' read as '-'), a folder as written, a group matching nothing.
    setup_.extra_config =
        "projects:\n"
        "  groups:\n"
        "    duck: [\"R3zil__duck_town__-home-gastown-gt-*\"]\n"
        "    users: [\"*/user/app\", \"chaspy__ccstats\"]\n"
        "    empty: [\"-nowhere-*\"]\n";
    setup_.write_config();
    daemon_ = std::make_unique<LiveDaemon>(setup_.config_path(), temp_.path() / "daemon.log");
    ASSERT_TRUE(wait_until([&] { return setup_.watching(); })) << read_file(temp_.path() / "daemon.log");
  }

  json ctl_json(const std::string& args) {
    const CommandResult result = setup_.ctl(args + " --json");
    EXPECT_EQ(result.exit_code, 0) << args << ": " << result.output;
    return json::parse(result.output);
  }

  TempDir temp_;
  DaemonSetup setup_;
  std::unique_ptr<LiveDaemon> daemon_;
};

TEST_P(ExtraReportsTest, HourlySumsToDaily) {
  const json daily = ctl_json(fmt::format("daily {}", kWholeHistory));
  const json hourly = ctl_json(fmt::format("hourly {}", kWholeHistory));
  ASSERT_GT(daily.at("daily").size(), 10u);
  ASSERT_GT(hourly.at("hourly").size(), daily.at("daily").size());
  struct Sums {
    std::map<std::string, std::int64_t> tokens;
    double cost = 0;
    std::set<std::string> models;
  };
  std::map<std::string, Sums> by_day;
  std::string previous;
  for (const json& hour : hourly.at("hourly")) {
    const std::string key = hour.at("hour").get<std::string>();
    ASSERT_EQ(key.size(), 16u) << key;
    EXPECT_EQ(key.substr(13), ":00") << key;
    EXPECT_LT(previous, key);
    previous = key;
    Sums& sums = by_day[key.substr(0, 10)];
    for (const char* field : {"inputTokens", "outputTokens", "cacheCreationTokens", "cacheReadTokens", "totalTokens"}) {
      sums.tokens[field] += hour.at(field).get<std::int64_t>();
    }
    sums.cost += hour.at("totalCost").get<double>();
    for (const json& model : hour.at("modelsUsed")) sums.models.insert(model.get<std::string>());
  }
  ASSERT_EQ(by_day.size(), daily.at("daily").size());
  for (const json& day : daily.at("daily")) {
    const std::string date = day.at("date").get<std::string>();
    SCOPED_TRACE(date);
    ASSERT_TRUE(by_day.contains(date));
    const Sums& sums = by_day.at(date);
    for (const auto& [field, total] : sums.tokens) EXPECT_EQ(day.at(field).get<std::int64_t>(), total) << field;
    EXPECT_NEAR(day.at("totalCost").get<double>(), sums.cost, 1e-9);
    EXPECT_EQ(day.at("modelsUsed").get<std::set<std::string>>(), sums.models);
  }
  EXPECT_EQ(hourly.at("totals").at("totalTokens"), daily.at("totals").at("totalTokens"));
  EXPECT_NEAR(hourly.at("totals").at("totalCost").get<double>(), daily.at("totals").at("totalCost").get<double>(), 1e-9);
  // One day's hours are that day's hourly rows.
  const std::string first = daily.at("daily").at(0).at("date").get<std::string>();
  const json one_day = ctl_json(fmt::format("hourly --since {0} --until {0}", first));
  EXPECT_EQ(one_day.at("totals").at("totalTokens"), daily.at("daily").at(0).at("totalTokens"));
}

// Each group's days are its members' days summed; the groups and the ungrouped sum to the whole.
TEST_P(ExtraReportsTest, ProjectGroupsSumToTheirMembers) {
  const json by_group = ctl_json("daily --by-group");
  const json& groups = by_group.at("groups");
  EXPECT_FALSE(groups.contains("empty"));
  ASSERT_TRUE(groups.contains("duck") && groups.contains("users") && groups.contains("(ungrouped)")) << by_group.dump(1).substr(0, 2000);
  const json by_project = ctl_json("daily --instances").at("projects");
  std::map<std::string, std::int64_t> expected_tokens;
  std::map<std::string, double> expected_cost;
  for (const auto& [project, days] : by_project.items()) {
    const std::string group = project.starts_with("R3zil__duck_town__-home-gastown-gt-")                ? "duck"
                              : project.ends_with("-home-user-app") || project == "chaspy__ccstats" ? "users"
                                                                                                      : "(ungrouped)";
    for (const json& day : days) {
      expected_tokens[group] += day.at("totalTokens").get<std::int64_t>();
      expected_cost[group] += day.at("totalCost").get<double>();
    }
  }
  std::int64_t all_tokens = 0;
  for (const auto& [group, days] : groups.items()) {
    SCOPED_TRACE(group);
    std::int64_t tokens = 0;
    double cost = 0;
    for (const json& day : days) {
      EXPECT_EQ(day.at("group"), group);
      tokens += day.at("totalTokens").get<std::int64_t>();
      cost += day.at("totalCost").get<double>();
    }
    EXPECT_EQ(tokens, expected_tokens[group]);
    EXPECT_NEAR(cost, expected_cost[group], 1e-9);
    all_tokens += tokens;
    // --group NAME is that group's list, and its sessions hold the same tokens.
    const json one = ctl_json(fmt::format("daily --group '{}'", group));
    EXPECT_EQ(one.at("totals").at("totalTokens"), tokens);
    EXPECT_EQ(one.at("daily").size(), days.size());
    EXPECT_EQ(ctl_json(fmt::format("session --group '{}'", group)).at("totals").at("totalTokens"), tokens);
  }
  EXPECT_EQ(all_tokens, ctl_json("daily").at("totals").at("totalTokens").get<std::int64_t>());
  const CommandResult unknown = setup_.ctl("daily --group nope");
  EXPECT_EQ(unknown.exit_code, 1);
}

// faaec7b0…: one main-thread entry (sonnet-4-5) and one subagent entry (haiku-4-5, in
// subagents/agent-a096adb.jsonl), figures read off the two files by hand and priced by hand.
constexpr const char* kSubagentSession = "faaec7b0-06cd-4243-9e4e-ddf5722e4a0b";
constexpr const char* kSubagentProject = "R3zil__duck_town__-home-gastown-gt-deacon-dogs-boot";

void expect_agent(const json& agent, const char* name, std::int64_t input, std::int64_t output, std::int64_t creation,
                  std::int64_t read, double cost) {
  SCOPED_TRACE(agent.dump());
  EXPECT_EQ(agent.at("agent"), name);
  EXPECT_EQ(agent.at("inputTokens"), input);
  EXPECT_EQ(agent.at("outputTokens"), output);
  EXPECT_EQ(agent.at("cacheCreationTokens"), creation);
  EXPECT_EQ(agent.at("cacheReadTokens"), read);
  EXPECT_NEAR(agent.at("cost").get<double>(), cost, 1e-12);
  EXPECT_EQ(agent.at("requests"), 1);
}

// Each session's and day's agent rows sum to it; one session's rows are what its files hold.
TEST_P(ExtraReportsTest, SubagentRowsSumToTheSession) {
  for (const auto& [args, list_key] : {std::pair<std::string, std::string>{"session --breakdown subagent", "sessions"},
                                       {"daily --by-subagent", "daily"}}) {
    SCOPED_TRACE(args);
    const json rows = ctl_json(args).at(list_key);
    ASSERT_FALSE(rows.empty());
    std::set<std::string> agents;
    for (const json& row : rows) {
      std::int64_t tokens = 0;
      double cost = 0;
      for (const json& agent : row.at("agentBreakdowns")) {
        tokens += agent.at("totalTokens").get<std::int64_t>();
        cost += agent.at("cost").get<double>();
        agents.insert(agent.at("agent").get<std::string>());
      }
      EXPECT_EQ(tokens, row.at("totalTokens").get<std::int64_t>()) << row.dump().substr(0, 300);
      EXPECT_NEAR(cost, row.at("totalCost").get<double>(), 1e-9);
    }
    EXPECT_EQ(agents, (std::set<std::string>{"main", "subagent"}));  // the shared logs have no .meta.json
  }
  const json sessions = ctl_json(fmt::format("session --breakdown subagent --project {}", kSubagentProject)).at("sessions");
  const auto session = std::find_if(sessions.begin(), sessions.end(),
                                    [](const json& s) { return s.at("sessionId") == kSubagentSession; });
  ASSERT_NE(session, sessions.end());
  const json& agents = session->at("agentBreakdowns");
  ASSERT_EQ(agents.size(), 2u);
  // sonnet-4-5: 9 × $3 + 5 × $15 + 2,789 × $3.75 + 15,346 × $0.30 per million tokens.
  expect_agent(agents.at(0), "main", 9, 5, 2789, 15346, 0.01516455);
  // haiku-4-5: 2 × $1 + 1 × $5 + 10,235 × $1.25 per million tokens.
  expect_agent(agents.at(1), "subagent", 2, 1, 10235, 0, 0.01280075);
}

// Every report's --csv has a line per row of its --json, with the same figures.
TEST_P(ExtraReportsTest, CsvCarriesEveryRowOfTheJson) {
  struct Report {
    std::string args;
    std::string list_key;
    std::string key;       // the row's key field
    std::string cost_key;  // the row's cost field
  };
  const std::vector<Report> reports{
      {"daily", "daily", "date", "totalCost"},
      {"weekly", "weekly", "week", "totalCost"},
      {"monthly --order desc", "monthly", "month", "totalCost"},
      {fmt::format("hourly {}", kWholeHistory), "hourly", "hour", "totalCost"},
      {"session", "sessions", "sessionId", "totalCost"},
      {"blocks", "blocks", "id", "costUSD"},
  };
  for (const Report& report : reports) {
    SCOPED_TRACE(report.args);
    const json rows = ctl_json(report.args).at(report.list_key);
    const CommandResult csv = setup_.ctl(report.args + " --csv");
    ASSERT_EQ(csv.exit_code, 0) << csv.output;
    const auto lines = csv_lines(csv.output);
    ASSERT_EQ(lines.size(), rows.size() + 1);
    const auto columns = columns_of(lines.front());
    ASSERT_TRUE(columns.contains(report.key) && columns.contains(report.cost_key) && columns.contains("totalTokens"));
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const auto& line = lines[i + 1];
      ASSERT_EQ(line.size(), lines.front().size()) << i;
      EXPECT_EQ(line[columns.at(report.key)], rows[i].at(report.key).get<std::string>());
      EXPECT_EQ(std::stoll(line[columns.at("totalTokens")]), rows[i].at("totalTokens").get<std::int64_t>());
      EXPECT_EQ(std::stod(line[columns.at(report.cost_key)]), rows[i].at(report.cost_key).get<double>());
    }
  }
  // --breakdown: the model lines of each session sum to the session.
  const json sessions = ctl_json("session").at("sessions");
  const auto lines = csv_lines(setup_.ctl("session --csv --breakdown").output);
  const auto columns = columns_of(lines.front());
  std::map<std::string, std::int64_t> tokens;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    tokens[lines[i][columns.at("sessionId")]] += std::stoll(lines[i][columns.at("totalTokens")]);
  }
  ASSERT_EQ(tokens.size(), sessions.size());
  for (const json& session : sessions) {
    EXPECT_EQ(tokens[session.at("sessionId").get<std::string>()], session.at("totalTokens").get<std::int64_t>());
  }
  EXPECT_EQ(setup_.ctl("daily --csv --json").exit_code, 2);
}

// A subagent's type comes from the .meta.json beside its transcript (newer Claude Code versions).
TEST(SubagentTypes, TheMetadataNamesTheAgent) {
  CU_REQUIRE_SHARED_LOGS();
  const std::filesystem::path logs = *shared_claude_logs();
  TempDir temp;
  const fs::path from = logs / "projects" / kSubagentProject;
  const fs::path to = temp.path() / "claude" / "projects" / kSubagentProject;
  fs::create_directories(to / kSubagentSession / "subagents");
  const std::string session = std::string(kSubagentSession) + ".jsonl";
  const std::string subagent = std::string(kSubagentSession) + "/subagents/agent-a096adb.jsonl";
  fs::copy_file(from / session, to / session);
  fs::copy_file(from / subagent, to / subagent);
  write_file(to / kSubagentSession / "subagents" / "agent-a096adb.meta.json",
             R"({"agentType":"Explore","description":"Explore the boot project"})");
  DaemonSetup setup{temp.path() / "work", {temp.path() / "claude"}, "UTC"};
  fs::create_directories(setup.work);
  setup.write_config();
  LiveDaemon daemon(setup.config_path(), temp.path() / "daemon.log");
  json sessions;
  ASSERT_TRUE(wait_until([&] {
    const CommandResult result = setup.ctl("session --breakdown subagent --json");
    if (result.exit_code != 0) return false;
    sessions = json::parse(result.output).at("sessions");
    return sessions.size() == 1 && sessions.at(0).at("agentBreakdowns").size() == 2;
  })) << read_file(temp.path() / "daemon.log");
  expect_agent(sessions.at(0).at("agentBreakdowns").at(0), "main", 9, 5, 2789, 15346, 0.01516455);
  expect_agent(sessions.at(0).at("agentBreakdowns").at(1), "Explore", 2, 1, 10235, 0, 0.01280075);
  const CommandResult csv = setup.ctl("daily --csv --breakdown subagent");
  EXPECT_NE(csv.output.find("2026-01-24,Explore,2,1,10235,0,10238,"), std::string::npos) << csv.output;
}

INSTANTIATE_TEST_SUITE_P(Zones, ExtraReportsTest, ::testing::Values("UTC", "Asia/Kolkata"),
                         [](const auto& info) { return std::string(info.param) == "UTC" ? "UTC" : "Asia_Kolkata"; });

}  // namespace
}  // namespace cu::test
