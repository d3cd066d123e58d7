// A changed identity (a new `identity:`, or a new hostname behind the `<user>@<hostname>` default)
// keeps the whole history visible: the database re-labels its rows to the new identity at start
// (SPEC §9), after which the transcripts may be long gone.
#include <gtest/gtest.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "integration/daemon_runner.h"
#include "integration/live_daemon.h"
#include "support/test_support.h"

namespace cu::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// How often `text` occurs in `haystack`.
int occurrences(const std::string& haystack, const std::string& text) {
  int count = 0;
  for (auto at = haystack.find(text); at != std::string::npos; at = haystack.find(text, at + 1)) ++count;
  return count;
}

TEST(IdentityChangeTest, TheDaemonShowsTheHistoryOfThePreviousIdentity) {
  CU_REQUIRE_SHARED_LOGS();
  const std::filesystem::path shared = *shared_claude_logs();
  TempDir temp;
  const fs::path logs = temp.path() / "logs";
  fs::create_directories(logs);
  fs::copy(shared / "projects", logs / "projects", fs::copy_options::recursive);
  for (const auto& entry : fs::recursive_directory_iterator(logs)) {
    fs::permissions(entry.path(), fs::perms::owner_write, fs::perm_options::add);
  }
  DaemonSetup setup{temp.path() / "work", {logs}, "UTC"};
  setup.identity = "ana@old-laptop";
  setup.log_level = "notice";
  fs::create_directories(setup.work);
  ASSERT_EQ(setup.run_once(), 0);

  fs::remove_all(logs / "projects");  // Claude Code's cleanup
  fs::create_directories(logs / "projects");
  setup.identity = "ana@new-laptop";
  setup.write_config();
  const fs::path log = temp.path() / "daemon.log";
  LiveDaemon daemon(setup.config_path(), log);
  auto ctl = [&](const std::string& args) {
    return run_command(fmt::format("{} --socket {} {} 2>/dev/null", shell_quote((bin_dir() / "claude-usagectl").string()),
                                   shell_quote(setup.socket_path().string()), args));
  };
  ASSERT_TRUE(wait_until([&] { return ctl("status --json").exit_code == 0; })) << read_file(log);
  const json status = json::parse(ctl("status --json").output);
  EXPECT_EQ(status.value("source", ""), "ana@new-laptop");
  const CommandResult daily = ctl("daily --json");
  ASSERT_EQ(daily.exit_code, 0);
  const json report = json::parse(daily.output);
  EXPECT_EQ(report.at("daily").size(), 16u);
  EXPECT_EQ(report.at("totals").at("totalTokens").get<std::int64_t>(), 178289310);
  EXPECT_EQ(occurrences(read_file(log), "identity changed from ana@old-laptop to ana@new-laptop"), 1)
      << read_file(log);
  EXPECT_EQ(daemon.terminate(), 0);
  SqliteStore old_identity(setup.database_path(), "ana@old-laptop");
  EXPECT_EQ(old_identity.event_count(), 0);  // moved, not copied
}

}  // namespace
}  // namespace cu::test
