// Roots that are not there when the daemon starts (a service enabled before Claude Code's first
// run) and a projects/ reached through a symlink: the real daemon follows them without a restart,
// and `status` lists each root with its state.
#include <gtest/gtest.h>

#include <memory>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "integration/daemon_runner.h"
#include "integration/live_daemon.h"
#include "support/test_support.h"
#include "support/usage_lines.h"

namespace cu::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

class LateRootTest : public ::testing::Test {
 protected:
  void start(std::vector<fs::path> roots) {
    setup_ = DaemonSetup{temp_.path() / "work", std::move(roots), "UTC"};
    fs::create_directories(setup_.work);
    setup_.write_config();
    daemon_ = std::make_unique<LiveDaemon>(setup_.config_path(), temp_.path() / "daemon.log");
    ASSERT_TRUE(wait_until([&] { return status().value("state", "") == "watching"; })) << log();
  }

  // The daemon's `status` answer; an empty object while it does not answer.
  json status() {
    const CommandResult result =
        run_command(fmt::format("{} --socket {} status --json 2>/dev/null",
                                shell_quote((bin_dir() / "claude-usagectl").string()),
                                shell_quote(setup_.socket_path().string())));
    const json answer = result.exit_code == 0 ? json::parse(result.output, nullptr, false) : json(nullptr);
    return answer.is_object() ? answer : json::object();
  }

  // The state `status` gives `root`, or "" when it does not list it.
  std::string root_state(const fs::path& root) {
    const json answer = status();
    if (!answer.contains("roots")) return "";
    for (const json& entry : answer["roots"]) {
      if (entry.value("path", "") == root.string()) return entry.value("state", "");
    }
    return "";
  }

  bool events_become(std::int64_t count) {
    return wait_until([&] { return status().value("events", std::int64_t{-1}) == count; });
  }

  std::string log() const { return read_file(temp_.path() / "daemon.log"); }

  TempDir temp_;
  DaemonSetup setup_;
  std::unique_ptr<LiveDaemon> daemon_;
};

TEST_F(LateRootTest, ARootCreatedAfterTheStartIsFollowed) {
  const fs::path root = temp_.path() / "home" / ".claude";  // neither directory exists yet
  start({root});
  EXPECT_EQ(root_state(root), "missing");
  fs::create_directories(root);
  fs::create_directories(root / "projects");
  fs::create_directories(root / "projects" / "-home-ana-api");
  write_file(root / "projects" / "-home-ana-api" / "s.jsonl", usage_lines(1, 3));
  EXPECT_TRUE(events_become(3)) << status().dump() << "\n" << log();
  EXPECT_EQ(root_state(root), "watching");
  EXPECT_EQ(daemon_->terminate(), 0);
}

// A root whose projects/ is a symlink (SPEC §2) is watched through it: lines appended later are
// followed, and a second root appearing beside it is followed too.
TEST_F(LateRootTest, ASymlinkedProjectsDirectoryIsWatched) {
  const fs::path linked = temp_.path() / "linked";
  const fs::path elsewhere = temp_.path() / "elsewhere";
  fs::create_directories(elsewhere / "-p");
  fs::create_directories(linked);
  fs::create_directory_symlink(elsewhere, linked / "projects");
  write_file(elsewhere / "-p" / "a.jsonl", usage_lines(1, 2));
  const fs::path late = temp_.path() / "late";
  start({linked, late});
  EXPECT_TRUE(events_become(2)) << log();
  EXPECT_EQ(root_state(linked), "watching");
  EXPECT_EQ(root_state(late), "missing");
  write_file(elsewhere / "-p" / "b.jsonl", usage_lines(10, 2));
  EXPECT_TRUE(events_become(4)) << log();
  write_file(late / "projects" / "-q" / "c.jsonl", usage_lines(20, 1));
  EXPECT_TRUE(events_become(5)) << log();
  EXPECT_EQ(root_state(late), "watching");
}

// `--once` reads what exists; a root not there yet is no error.
TEST_F(LateRootTest, OnceReadsTheRootsThatExistAndSkipsTheMissingOnes) {
  const fs::path present = temp_.path() / "present";
  write_file(present / "projects" / "-p" / "s.jsonl", usage_lines(1, 2));
  const DaemonSetup once{temp_.path() / "once", {temp_.path() / "absent", present}, "UTC"};
  fs::create_directories(once.work);
  EXPECT_EQ(once.run_once(), 0);
  EXPECT_EQ(once.open_store().event_count(), 2);
}

}  // namespace
}  // namespace cu::test
