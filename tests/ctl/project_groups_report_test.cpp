// --group and daily --by-group through the request dispatch, on hand-made events.
#include <gtest/gtest.h>

#include "dispatch.h"
#include "event_report_source.h"

namespace cu::ctl {
namespace {

using Json = nlohmann::json;
using test::make_event;

class ProjectGroupsReportTest : public ::testing::Test {
 protected:
  ProjectGroupsReportTest()
      : source_({
            make_event(1, "-home-ana-work-api", "s1", "2026-03-02T10:00:00.000Z", "claude-sonnet-4-20250514", 100, 10),
            make_event(2, "-home-ana-work-web", "s2", "2026-03-02T11:00:00.000Z", "claude-opus-4-20250514", 200, 20),
            make_event(3, "-home-ana-work-web", "s2", "2026-03-03T11:00:00.000Z", "claude-opus-4-20250514", 300, 30),
            make_event(4, "-home-ana-notes", "s3", "2026-03-02T12:00:00.000Z", "claude-sonnet-4-20250514", 400, 40),
            make_event(5, "-home-bob-api", "s4", "2026-03-03T12:00:00.000Z", "claude-sonnet-4-20250514", 800, 80),
        }) {
    source_.groups = {{"work", {"/home/ana/work/*"}}, {"apis", {"*-api"}}};
  }

  Response ask(const std::string& cmd, const Json& args) { return test::ask(source_, cmd, args); }
  Json data(const std::string& cmd, const Json& args) {
    const Response response = ask(cmd, args);
    EXPECT_TRUE(response.ok) << response.error;
    return response.data;
  }

  test::EventReportSource source_;
};

TEST_F(ProjectGroupsReportTest, AGroupIsItsMembersOnly) {
  const Json daily = data("daily", {{"group", "work"}});
  ASSERT_EQ(daily.at("daily").size(), 2u);
  EXPECT_EQ(daily.at("daily").at(0).at("date"), "2026-03-02");
  EXPECT_EQ(daily.at("daily").at(0).at("inputTokens"), 300);  // api + web, one row for the day
  EXPECT_EQ(daily.at("daily").at(0).at("modelsUsed"), Json({"claude-opus-4-20250514", "claude-sonnet-4-20250514"}));
  EXPECT_EQ(daily.at("daily").at(0).at("modelBreakdowns").size(), 2u);
  EXPECT_EQ(daily.at("daily").at(1).at("inputTokens"), 300);
  EXPECT_EQ(daily.at("totals").at("inputTokens"), 600);
  EXPECT_EQ(data("monthly", {{"group", "apis"}}).at("totals").at("inputTokens"), 800);  // bob's only: ana's is in work
  EXPECT_EQ(data("weekly", {{"group", "(ungrouped)"}}).at("totals").at("inputTokens"), 400);
  EXPECT_EQ(data("hourly", {{"group", "work"}, {"since", "20260302"}, {"until", "20260303"}}).at("hourly").size(), 3u);
  const Json sessions = data("session", {{"group", "work"}}).at("sessions");
  ASSERT_EQ(sessions.size(), 2u);
  EXPECT_EQ(sessions.at(0).at("sessionId"), "s2");  // the costliest first
  // With --project: the project if it is a member, else nothing.
  EXPECT_EQ(data("daily", {{"group", "work"}, {"project", "-home-ana-work-web"}}).at("totals").at("inputTokens"), 500);
  EXPECT_TRUE(data("daily", {{"group", "work"}, {"project", "-home-bob-api"}}).at("daily").empty());
  // With a query's own zone, still the members.
  EXPECT_EQ(data("daily", {{"group", "work"}, {"timezone", "Pacific/Auckland"}}).at("totals").at("inputTokens"), 600);
}

TEST_F(ProjectGroupsReportTest, ByGroupSumsToTheWhole) {
  const Json report = data("daily", {{"by_group", true}});
  const Json& groups = report.at("groups");
  ASSERT_EQ(groups.size(), 3u);
  EXPECT_EQ(groups.at("work").size(), 2u);
  EXPECT_EQ(groups.at("work").at(0).at("group"), "work");
  EXPECT_EQ(groups.at("apis").at(0).at("inputTokens"), 800);
  EXPECT_EQ(groups.at("(ungrouped)").at(0).at("inputTokens"), 400);
  EXPECT_EQ(report.at("totals"), data("daily", Json::object()).at("totals"));
  EXPECT_EQ(data("daily", {{"by_group", true}, {"since", "20260303"}}).at("groups").size(), 2u);  // no empty groups
}

TEST_F(ProjectGroupsReportTest, UnknownGroupsAndExclusiveFlagsAreErrors) {
  Response response = ask("daily", {{"group", "play"}});
  EXPECT_FALSE(response.ok);
  EXPECT_EQ(response.error, "unknown project group \"play\" (projects.groups has \"work\", \"apis\")");
  response = ask("daily", {{"by_group", true}, {"instances", true}});
  EXPECT_FALSE(response.ok);
  EXPECT_EQ(response.error, "instances and by_group exclude each other");
  source_.groups.clear();
  EXPECT_EQ(ask("session", {{"group", "work"}}).error, "unknown project group \"work\": projects.groups is empty");
  // Without groups, by-group is everything under "(ungrouped)".
  EXPECT_EQ(data("daily", {{"by_group", true}}).at("groups").at("(ungrouped)").size(), 2u);
}

}  // namespace
}  // namespace cu::ctl
