// The rescan's walk finds exactly the transcripts discovery finds, with their stat.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <sys/stat.h>

#include "ingest/source_file.h"
#include "ingest/transcript_walk.h"
#include "support/test_support.h"

namespace cu {
namespace {

namespace fs = std::filesystem;

std::map<std::string, std::string> walked(const std::vector<fs::path>& roots, const ProjectFilter& include = {}) {
  std::map<std::string, std::string> found;  // path -> project
  walk_transcripts(roots, include, [&](const std::string& path, std::string_view project, std::string_view entry,
                                       const FileStat& stat) {
    EXPECT_NE(path.find(std::string(project) + "/" + std::string(entry)), std::string::npos) << path;
    struct stat st {};
    EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
    EXPECT_EQ(stat, (FileStat{st.st_dev, st.st_ino, st.st_size})) << path;
    EXPECT_TRUE(found.emplace(path, std::string(project)).second) << path << " twice";
  });
  return found;
}

TEST(TranscriptWalkTest, FindsWhatDiscoveryFinds) {
  test::TempDir dir;
  const fs::path projects = dir.path() / "projects";
  test::write_file(projects / "b/s2.jsonl", "{}\n");
  test::write_file(projects / "a/s1.jsonl", "");
  test::write_file(projects / "a/s1/subagents/agent-x.jsonl", "x");
  test::write_file(projects / "a/deep/er/still.jsonl", "");
  test::write_file(projects / "a/readme.md", "");
  test::write_file(projects / "a/.jsonl", "");
  test::write_file(projects / "top.jsonl", "");  // not in a project folder
  fs::create_symlink(projects / "b/s2.jsonl", projects / "a/link.jsonl");
  fs::create_directory_symlink(projects / "b", projects / "c");
  fs::create_directory_symlink(projects / "a/s1", projects / "b/linked-dir");
  std::map<std::string, std::string> expected;
  for (const SourceFile& file : discover_sources({dir.path()})) expected.emplace(file.path, file.project);
  EXPECT_EQ(expected.size(), 4u);
  EXPECT_EQ(walked({dir.path()}), expected);
}

TEST(TranscriptWalkTest, AFilterWalksOnlyTheProjectsItAccepts) {
  test::TempDir dir;
  const fs::path projects = dir.path() / "projects";
  test::write_file(projects / "a/s1.jsonl", "");
  test::write_file(projects / "b/s2.jsonl", "");
  test::write_file(projects / "b/s2/subagents/agent-y.jsonl", "");
  test::write_file(projects / "c/s3.jsonl", "");
  std::vector<std::string> asked;
  const auto found = walked({dir.path()}, [&](std::string_view project) {
    asked.push_back(std::string(project));
    return project == "b";
  });
  EXPECT_EQ(found, (std::map<std::string, std::string>{{(projects / "b/s2.jsonl").string(), "b"},
                                                       {(projects / "b/s2/subagents/agent-y.jsonl").string(), "b"}}));
  std::sort(asked.begin(), asked.end());
  EXPECT_EQ(asked, (std::vector<std::string>{"a", "b", "c"}));  // each folder once; its entries never
}

TEST(TranscriptWalkTest, AMissingRootIsReportedNotFatal) {
  std::vector<std::string> errors;
  walk_transcripts({"/nonexistent-cu-root"}, {}, [](const std::string& path, std::string_view, std::string_view,
                                                    const FileStat&) {
    ADD_FAILURE() << path;
  }, &errors);
  EXPECT_EQ(errors.size(), 1u);
}

}  // namespace
}  // namespace cu
