#include <gtest/gtest.h>

#include <fstream>

#include "config/config.h"
#include "config/fake_environment.h"

namespace cu {
namespace {

namespace fs = std::filesystem;
using testing::fake_environment;
using Paths = std::vector<fs::path>;

Paths roots_for(const std::string& claude_config_dir) {
  return default_claude_roots(fake_environment({{"CLAUDE_CONFIG_DIR", claude_config_dir}}));
}

TEST(DefaultClaudeRoots, WithoutTheVariable) {
  EXPECT_EQ(default_claude_roots(fake_environment()),
            (Paths{"/home/ana/.config/claude", "/home/ana/.claude"}));
}

TEST(DefaultClaudeRoots, OneEntry) { EXPECT_EQ(roots_for("/data/claude"), Paths{"/data/claude"}); }

TEST(DefaultClaudeRoots, CommaSeparatedEntriesAreTrimmed) {
  EXPECT_EQ(roots_for(" /a ,\t/b/ , /c"), (Paths{"/a", "/b", "/c"}));
}

TEST(DefaultClaudeRoots, BlankEntriesAreSkipped) {
  EXPECT_EQ(roots_for(",/a,, ,/b,"), (Paths{"/a", "/b"}));
}

TEST(DefaultClaudeRoots, TildeIsExpanded) {
  EXPECT_EQ(roots_for("~/.claude-work, ~"), (Paths{"/home/ana/.claude-work", "/home/ana"}));
}

TEST(DefaultClaudeRoots, AProjectsEntryMeansItsParent) {
  EXPECT_EQ(roots_for("/a/projects,/b/projects/,~/.claude/projects"),
            (Paths{"/a", "/b", "/home/ana/.claude"}));
}

TEST(DefaultClaudeRoots, OnlyTheLastComponentCountsAsProjects) {
  EXPECT_EQ(roots_for("/projects/a,/a/my-projects"), (Paths{"/projects/a", "/a/my-projects"}));
}

TEST(DefaultClaudeRoots, ABlankVariableMeansTheDefaults) {
  EXPECT_EQ(roots_for(""), (Paths{"/home/ana/.config/claude", "/home/ana/.claude"}));
  EXPECT_EQ(roots_for(" , "), (Paths{"/home/ana/.config/claude", "/home/ana/.claude"}));
}

TEST(DefaultClaudeRoots, TheConfigFileOverridesTheVariable) {
  Environment env = fake_environment({{"CLAUDE_CONFIG_DIR", "/from/env"}});
  Config config = parse_config("sources:\n  claude_dirs: [/from/file, ~/other]\n", env);
  EXPECT_EQ(config.claude_dirs, (Paths{"/from/file", "/home/ana/other"}));
}

// A scratch tree below the test temp directory, removed afterwards.
class EffectiveClaudeRoots : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    base_ = fs::path(::testing::TempDir()) / (std::string("cu-config-roots-") + info->name());
    fs::remove_all(base_);
    fs::create_directories(base_);
  }
  void TearDown() override { fs::remove_all(base_); }

  fs::path root_with_projects(const std::string& name) {
    fs::create_directories(base_ / name / "projects");
    return base_ / name;
  }

  fs::path base_;
};

TEST_F(EffectiveClaudeRoots, KeepsOnlyRootsWithAProjectsDirectory) {
  fs::path good = root_with_projects("good");
  fs::create_directories(base_ / "empty");
  fs::create_directories(base_ / "file");
  std::ofstream(base_ / "file" / "projects") << "not a directory";
  Config config;
  config.claude_dirs = {base_ / "missing", base_ / "empty", base_ / "file", good};
  EXPECT_EQ(effective_claude_roots(config), Paths{good});
}

TEST_F(EffectiveClaudeRoots, RemovesDuplicatesKeepingTheFirstSpelling) {
  fs::path a = root_with_projects("a");
  fs::path b = root_with_projects("b");
  fs::create_directory_symlink(a, base_ / "link-to-a");
  Config config;
  config.claude_dirs = {a, b, base_ / "link-to-a", base_ / "b" / ".." / "a", b};
  EXPECT_EQ(effective_claude_roots(config), (Paths{a, b}));
}

// The daemon follows roots that do not exist yet too (it waits for them to appear).
TEST_F(EffectiveClaudeRoots, ConfiguredRootsKeepTheMissingOnesWithoutDuplicates) {
  fs::path a = root_with_projects("a");
  fs::create_directory_symlink(a, base_ / "link-to-a");
  Config config;
  config.claude_dirs = {base_ / "later", a, base_ / "link-to-a", base_ / "later", base_ / "empty"};
  EXPECT_EQ(configured_claude_roots(config), (Paths{base_ / "later", a, base_ / "empty"}));
}

TEST_F(EffectiveClaudeRoots, NoRootsWhenNoneExists) {
  Config config;
  config.claude_dirs = {base_ / "nothing"};
  EXPECT_TRUE(effective_claude_roots(config).empty());
}

}  // namespace
}  // namespace cu
