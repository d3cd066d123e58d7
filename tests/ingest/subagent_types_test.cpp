// Subagent types from .meta.json files below the roots: kept once found, looked for again a
// minute after a miss.
#include "ingest/subagent_types.h"

#include <gtest/gtest.h>

#include "support/test_support.h"
#include "tail/fake_clock.h"

namespace cu {
namespace {

namespace fs = std::filesystem;

constexpr const char* kFile = "p/s1/subagents/agent-a1.jsonl";

class SubagentTypesTest : public ::testing::Test {
 protected:
  void write_meta(const fs::path& root, const std::string& text) {
    const fs::path meta = root / "projects" / "p/s1/subagents/agent-a1.meta.json";
    fs::create_directories(meta.parent_path());
    test::write_file(meta, text);
  }

  test::TempDir temp_;
  fs::path first_ = temp_.path() / "first";
  fs::path second_ = temp_.path() / "second";
  test::FakeClock clock_;
  SubagentTypes types_{{first_, second_}, real_file_system(), clock_};
};

TEST_F(SubagentTypesTest, FoundInAnyRootAndKept) {
  write_meta(second_, R"({"agentType":"Explore"})");
  EXPECT_EQ(types_.type_of(kFile), "Explore");
  fs::remove_all(second_);
  EXPECT_EQ(types_.type_of(kFile), "Explore");  // a type never changes: not read again
}

TEST_F(SubagentTypesTest, AMissIsLookedForAgainAfterAMinute) {
  EXPECT_EQ(types_.type_of(kFile), std::nullopt);
  write_meta(first_, R"({"agentType":"Plan"})");
  clock_.advance(SubagentTypes::kRetryAfter - std::chrono::seconds(1));
  EXPECT_EQ(types_.type_of(kFile), std::nullopt);
  clock_.advance(std::chrono::seconds(1));
  EXPECT_EQ(types_.type_of(kFile), "Plan");
}

TEST_F(SubagentTypesTest, BadMetadataIsNoType) {
  write_meta(first_, "{\"agentType\":");
  write_meta(second_, std::string(SubagentTypes::kMaxMetaBytes, ' '));
  EXPECT_EQ(types_.type_of(kFile), std::nullopt);
  EXPECT_EQ(types_.type_of("p/s1/subagents/agent-none.jsonl"), std::nullopt);
}

}  // namespace
}  // namespace cu
