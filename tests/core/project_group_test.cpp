// Project groups: globs over paths or folders, the first matching group, members.
#include "core/project_group.h"

#include <gtest/gtest.h>

namespace cu {
namespace {

const std::vector<ProjectGroup> kGroups{
    {"work", {"/home/ana/work/*", "-home-ana-clients-*"}},
    {"apis", {"*-api"}},  // work's api projects stay in work: the first group wins
    {"dotted", {"/home/ana/my.app"}},
};

TEST(ProjectGroup, PathGlobsReadAsFolderGlobs) {
  EXPECT_EQ(folder_glob("/home/ana/work/*"), "-home-ana-work-*");
  EXPECT_EQ(folder_glob("/home/ana/my_app.v2"), "-home-ana-my-app-v2");
  EXPECT_EQ(folder_glob("-home-ana-src-[ab]?"), "-home-ana-src-[ab]?");
  EXPECT_EQ(folder_glob("/srv/[!x]*"), "-srv-[!x]*");
}

TEST(ProjectGroup, AProjectIsInTheFirstGroupThatMatches) {
  EXPECT_EQ(group_of(kGroups, "-home-ana-work-api")->name, "work");
  EXPECT_EQ(group_of(kGroups, "-home-ana-work-deep-nested")->name, "work");  // '*' crosses what was '/'
  EXPECT_EQ(group_of(kGroups, "-home-ana-clients-acme")->name, "work");
  EXPECT_EQ(group_of(kGroups, "-home-bob-api")->name, "apis");
  EXPECT_EQ(group_of(kGroups, "-home-ana-my-app")->name, "dotted");
  EXPECT_EQ(group_of(kGroups, "-home-ana-workshop"), nullptr);
  EXPECT_EQ(group_of(kGroups, "-home-ana-work"), nullptr);
  EXPECT_EQ(group_of({}, "-home-ana-work-api"), nullptr);
  // A folder that keeps characters Claude Code would replace matches the glob as written.
  EXPECT_EQ(group_of({{"odd", {"team_a.*"}}}, "team_a.api")->name, "odd");
  EXPECT_EQ(group_of({{"odd", {"team_a.*"}}}, "team-a-api")->name, "odd");
}

TEST(ProjectGroup, MembersPartitionTheProjects) {
  const std::vector<std::string> projects{"-home-ana-work-api", "-home-bob-api", "-home-ana-notes", "-home-ana-work-web"};
  EXPECT_EQ(group_members(kGroups, "work", projects), (std::vector<std::string>{"-home-ana-work-api", "-home-ana-work-web"}));
  EXPECT_EQ(group_members(kGroups, "apis", projects), (std::vector<std::string>{"-home-bob-api"}));
  EXPECT_EQ(group_members(kGroups, kUngroupedName, projects), (std::vector<std::string>{"-home-ana-notes"}));
  EXPECT_TRUE(group_members(kGroups, "dotted", projects).empty());
  EXPECT_TRUE(group_members(kGroups, "nope", projects).empty());
  EXPECT_EQ(find_group(kGroups, "apis"), &kGroups[1]);
  EXPECT_EQ(find_group(kGroups, "nope"), nullptr);
}

}  // namespace
}  // namespace cu
