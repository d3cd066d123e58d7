// One writer per database (SPEC §9): `--once`, `--rebuild` or a second daemon beside a running
// daemon refuse with exit 75 (EX_TEMPFAIL) and a message naming the database and the holder's pid;
// readers are not affected, and the lock goes with its holder.
#include <gtest/gtest.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "integration/daemon_runner.h"
#include "integration/live_daemon.h"
#include "support/test_support.h"

namespace cu::test {
namespace {

namespace fs = std::filesystem;

constexpr int kExTempfail = 75;

class WriterLockTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(temp_.path() / "logs" / "projects");
    setup_ = DaemonSetup{temp_.path() / "work", {temp_.path() / "logs"}, "UTC"};
    fs::create_directories(setup_.work);
    setup_.write_config();
  }

  // claude-usaged with `args` and the setup's config; standard error captured with the output.
  CommandResult usaged(const std::string& args) const {
    return run_command(fmt::format("timeout 60 {} --config {} {} 2>&1",
                                   shell_quote((bin_dir() / "claude-usaged").string()),
                                   shell_quote(setup_.config_path().string()), args));
  }

  // Starts the daemon and returns its pid once it answers.
  std::int64_t start_daemon() {
    daemon_ = std::make_unique<LiveDaemon>(setup_.config_path(), temp_.path() / "daemon.log");
    std::int64_t pid = 0;
    EXPECT_TRUE(wait_until([&] {
      const CommandResult status =
          run_command(fmt::format("{} --socket {} status --json 2>/dev/null",
                                  shell_quote((bin_dir() / "claude-usagectl").string()),
                                  shell_quote(setup_.socket_path().string())));
      if (status.exit_code != 0) return false;
      pid = nlohmann::json::parse(status.output).value("pid", std::int64_t{0});
      return true;
    })) << read_file(temp_.path() / "daemon.log");
    return pid;
  }

  void expect_refused(const CommandResult& result, std::int64_t holder) {
    EXPECT_EQ(result.exit_code, kExTempfail) << result.output;
    EXPECT_NE(result.output.find(setup_.database_path().string()), std::string::npos) << result.output;
    EXPECT_NE(result.output.find(fmt::format("pid {}", holder)), std::string::npos) << result.output;
  }

  TempDir temp_;
  DaemonSetup setup_;
  std::unique_ptr<LiveDaemon> daemon_;
};

TEST_F(WriterLockTest, OnceRebuildAndASecondDaemonRefuseBesideTheDaemon) {
  const std::int64_t pid = start_daemon();
  ASSERT_GT(pid, 0);
  expect_refused(usaged("--once"), pid);
  expect_refused(usaged("--rebuild"), pid);
  expect_refused(usaged(""), pid);
  EXPECT_EQ(setup_.open_store().event_count(), 0);  // readers are not affected
  EXPECT_EQ(daemon_->terminate(), 0);
  const CommandResult after = usaged("--once");
  EXPECT_EQ(after.exit_code, 0) << after.output;  // the lock went with the daemon
}

TEST_F(WriterLockTest, TheLockOfAKilledDaemonIsGone) {
  start_daemon();
  daemon_->kill_hard();
  const CommandResult once = usaged("--once");
  EXPECT_EQ(once.exit_code, 0) << once.output;
}

}  // namespace
}  // namespace cu::test
