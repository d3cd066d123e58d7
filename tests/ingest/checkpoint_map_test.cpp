#include "ingest/checkpoint_map.h"

#include <gtest/gtest.h>

#include <map>
#include <random>

#include <fmt/format.h>

namespace cu {
namespace {

Checkpoint checkpoint(std::uint64_t inode, std::int64_t offset, std::string fingerprint = fingerprint_bytes("abc")) {
  return Checkpoint{{}, 2049, inode, std::move(fingerprint), offset};
}

TEST(CheckpointMapTest, GivesBackWhatWasSetPerPath) {
  CheckpointMap map;
  EXPECT_FALSE(map.find("/r/projects/p/s.jsonl"));
  map.set("/r/projects/p/s.jsonl", checkpoint(1, 10));
  map.set("/r/projects/p/s/subagents/agent-a.jsonl", checkpoint(2, 20, fingerprint_bytes({})));
  map.set("/r/projects/p/s/subagents/agent-b.jsonl", checkpoint(3, 30));
  EXPECT_EQ(map.size(), 3u);
  EXPECT_EQ(map.find("/r/projects/p/s.jsonl"), checkpoint(1, 10));
  EXPECT_EQ(map.find("/r/projects/p/s/subagents/agent-a.jsonl"), checkpoint(2, 20, "0:cbf29ce484222325"));
  EXPECT_FALSE(map.find("/r/projects/p/s/subagents/agent-c.jsonl"));
  EXPECT_FALSE(map.find("/r/projects/p/s"));  // a prefix of a path is not it
  EXPECT_FALSE(map.find("/r/projects/p/s.jsonl2"));
  map.set("/r/projects/p/s.jsonl", checkpoint(1, 15));
  EXPECT_EQ(map.size(), 3u);
  EXPECT_EQ(map.find("/r/projects/p/s.jsonl")->offset, 15);
  EXPECT_TRUE(map.holds("/r/projects/p/s.jsonl", 2049, 1, 15));
  EXPECT_FALSE(map.holds("/r/projects/p/s.jsonl", 2049, 1, 16));
  EXPECT_FALSE(map.holds("/r/projects/p/s.jsonl", 2049, 7, 15));
  EXPECT_FALSE(map.holds("/r/projects/p/s.jsonl", 2050, 1, 15));
  map.erase("/r/projects/p/s/subagents/agent-a.jsonl");
  map.erase("/r/projects/p/never.jsonl");
  EXPECT_EQ(map.size(), 2u);
  EXPECT_FALSE(map.contains("/r/projects/p/s/subagents/agent-a.jsonl"));
  EXPECT_TRUE(map.contains("/r/projects/p/s/subagents/agent-b.jsonl"));
  map.set("/r/projects/p/s/subagents/agent-0.jsonl", checkpoint(4, 40));
  const auto chosen = map.where([](std::string_view path) { return path.ends_with("jsonl") && path.find("agent") != path.npos; });
  ASSERT_EQ(chosen.size(), 2u);  // in path order, with their checkpoints
  EXPECT_EQ(chosen[0].first, "/r/projects/p/s/subagents/agent-0.jsonl");
  EXPECT_EQ(chosen[0].second, checkpoint(4, 40));
  EXPECT_EQ(chosen[1].first, "/r/projects/p/s/subagents/agent-b.jsonl");
}

// A fingerprint not in fingerprint_bytes' form (a database written by hand, or by another
// version) comes back exactly as it was recorded.
TEST(CheckpointMapTest, KeepsAFingerprintOfAnotherFormAsItWas) {
  CheckpointMap map;
  for (const std::string odd : {"", "1024:ABCDEF0123456789", "01:0000000000000000", "12:abc", "x:0123456789abcdef",
                                "5:0123456789abcdef0", "99999999999:0123456789abcdef"}) {
    map.set("/p/" + odd, checkpoint(1, 1, odd));
  }
  map.set("/p/plain", checkpoint(1, 1, "1024:0123456789abcdef"));
  EXPECT_EQ(map.find("/p/")->fingerprint, "");
  EXPECT_EQ(map.find("/p/1024:ABCDEF0123456789")->fingerprint, "1024:ABCDEF0123456789");
  EXPECT_EQ(map.find("/p/01:0000000000000000")->fingerprint, "01:0000000000000000");
  EXPECT_EQ(map.find("/p/99999999999:0123456789abcdef")->fingerprint, "99999999999:0123456789abcdef");
  EXPECT_EQ(map.find("/p/plain")->fingerprint, "1024:0123456789abcdef");
  map.set("/p/12:abc", checkpoint(1, 1, "3:0000000000000001"));  // odd, then plain
  EXPECT_EQ(map.find("/p/12:abc")->fingerprint, "3:0000000000000001");
  map.set("/p/12:abc", checkpoint(1, 1, "odd again"));
  EXPECT_EQ(map.find("/p/12:abc")->fingerprint, "odd again");
}

TEST(CheckpointMapTest, PathsWithoutADirectoryAndVeryLongNames) {
  CheckpointMap map;
  const std::string long_name = "/d/" + std::string(70000, 'n');
  map.set("plain", checkpoint(1, 1));
  map.set(long_name, checkpoint(2, 2));
  map.set("/", checkpoint(3, 3));
  EXPECT_EQ(map.find("plain")->inode, 1u);
  EXPECT_EQ(map.find(long_name)->inode, 2u);
  EXPECT_EQ(map.find("/")->inode, 3u);
  std::map<std::string, std::uint64_t> seen;
  for (const auto& [path, c] : map.where([](std::string_view) { return true; })) seen[path] = c.inode;
  EXPECT_EQ(seen, (std::map<std::string, std::uint64_t>{{"/", 3}, {long_name, 2}, {"plain", 1}}));
}

// Thousands of random sets, erases and lookups give the answers a std::map gives, through the
// index's growth, tombstones and the names' compaction.
TEST(CheckpointMapTest, AnswersAsAStdMapThroughManyChanges) {
  std::mt19937_64 random(7);
  CheckpointMap map;
  std::map<std::string, Checkpoint> expected;
  const auto random_path = [&] {
    const auto project = random() % 5, session = random() % 40, agent = random() % 30;
    return agent < 10 ? fmt::format("/root/projects/p{}/s{}.jsonl", project, session)
                      : fmt::format("/root/projects/p{}/s{}/subagents/agent-{}.jsonl", project, session, agent);
  };
  for (int round = 0; round < 40000; ++round) {
    const std::string path = random_path();
    switch (random() % 4) {
      case 0:
      case 1: {
        Checkpoint c = checkpoint(random() % 1000, static_cast<std::int64_t>(random() % 100000),
                                  random() % 8 == 0 ? "odd" : fingerprint_bytes(path));
        map.set(path, c);
        expected[path] = c;
        break;
      }
      case 2:
        map.erase(path);
        expected.erase(path);
        break;
      default: {
        const auto it = expected.find(path);
        ASSERT_EQ(map.find(path), it == expected.end() ? std::nullopt : std::optional<Checkpoint>(it->second)) << path;
      }
    }
    ASSERT_EQ(map.size(), expected.size());
  }
  std::map<std::string, Checkpoint> all;
  for (const auto& [path, c] : map.where([](std::string_view) { return true; })) EXPECT_TRUE(all.emplace(path, c).second);
  EXPECT_EQ(all, expected);
  map.clear();
  EXPECT_EQ(map.size(), 0u);
  EXPECT_FALSE(map.find(expected.begin()->first));
}

TEST(CheckpointMapTest, HoldsAboutAHundredBytesPerTranscript) {
  CheckpointMap map;
  constexpr int kFiles = 16000;
  for (int i = 0; i < kFiles; ++i) {
    map.set(fmt::format("/home/someone/.claude/projects/-home-someone-src-project-{}/{:08x}-3710-46fb-b1cf-2d1f8496fbda/"
                        "subagents/agent-{:07x}.jsonl",
                        i / 16 % 30, i / 16, i),
            checkpoint(static_cast<std::uint64_t>(i), i, fingerprint_bytes(std::to_string(i))));
  }
  EXPECT_EQ(map.size(), static_cast<std::size_t>(kFiles));
  EXPECT_LT(map.memory_bytes(), static_cast<std::size_t>(kFiles) * 120) << map.memory_bytes() / kFiles;
}

}  // namespace
}  // namespace cu
