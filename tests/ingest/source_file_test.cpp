// Path-derived project and session ids, and discovery (SPEC §2).
#include <gtest/gtest.h>

#include <filesystem>

#include "ingest/source_file.h"
#include "support/test_support.h"

namespace cu {
namespace {

namespace fs = std::filesystem;

TEST(SourceFileTest, TopLevelSessionFile) {
  const auto file = classify_source("/r/projects", "-home-ana-api/0f1e.jsonl");
  ASSERT_TRUE(file);
  EXPECT_EQ(file->project, "-home-ana-api");
  EXPECT_EQ(file->session_id, "0f1e");
  EXPECT_EQ(file->path, fs::path("/r/projects/-home-ana-api/0f1e.jsonl"));
}

TEST(SourceFileTest, SubagentFilesBelongToTheirParentSession) {
  EXPECT_EQ(classify_source("/r/projects", "p/sess/subagents/agent-a1.jsonl")->session_id, "sess");
  EXPECT_EQ(classify_source("/r/projects", "p/sess/subagents/workflows/wf_1/agent-b.jsonl")->session_id,
            "sess");
}

TEST(SourceFileTest, OtherDepthsUseTheFileDirectory) {
  EXPECT_EQ(classify_source("/r/projects", "p/x/y/log.jsonl")->session_id, "y");
  EXPECT_EQ(classify_source("/r/projects", "p/x/log.jsonl")->session_id, "x");
}

TEST(SourceFileTest, NonTranscriptsAreIgnored) {
  EXPECT_FALSE(classify_source("/r/projects", "p/notes.txt"));
  EXPECT_FALSE(classify_source("/r/projects", "top.jsonl"));
  EXPECT_FALSE(classify_source("/r/projects", "p/.jsonl"));
}

TEST(SourceFileTest, DiscoveryIsRecursiveSortedAndSkipsSymlinks) {
  test::TempDir dir;
  const fs::path projects = dir.path() / "projects";
  test::write_file(projects / "b/s2.jsonl", "");
  test::write_file(projects / "a/s1.jsonl", "");
  test::write_file(projects / "a/s1/subagents/agent-x.jsonl", "");
  test::write_file(projects / "a/readme.md", "");
  fs::create_symlink(projects / "b/s2.jsonl", projects / "a/link.jsonl");
  const auto files = discover_sources({dir.path()});
  std::vector<std::string> relative;
  for (const auto& file : files) relative.push_back(file.relative);
  EXPECT_EQ(relative, (std::vector<std::string>{"a/s1.jsonl", "a/s1/subagents/agent-x.jsonl", "b/s2.jsonl"}));
}

TEST(SourceFileTest, MissingRootIsReportedNotFatal) {
  std::vector<std::string> errors;
  EXPECT_TRUE(discover_sources({"/nonexistent-cu-root"}, &errors).empty());
  EXPECT_EQ(errors.size(), 1u);
}

}  // namespace
}  // namespace cu
