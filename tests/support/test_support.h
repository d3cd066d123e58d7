#pragma once
// Helpers shared by the test suites: temporary directories, running the real programs, and where
// the shared reference data and the pinned ccusage are.
#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

namespace cu::test {

// A fresh directory below $TMPDIR, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

struct CommandResult {
  int exit_code = -1;
  std::string output;  // standard output
};

// Runs `command` with /bin/sh and captures its standard output; standard error passes through.
CommandResult run_command(const std::string& command);

// Quotes `text` for /bin/sh.
std::string shell_quote(const std::string& text);

void write_file(const std::filesystem::path& path, const std::string& text);
std::string read_file(const std::filesystem::path& path);

// ../shared/data/claude-logs when present.
std::optional<std::filesystem::path> shared_claude_logs();

// Skips the test when ../shared/data/claude-logs is absent; fails it under CI, where it must be there.
#define CU_REQUIRE_SHARED_LOGS()                                                            \
  do {                                                                                      \
    if (!::cu::test::shared_claude_logs()) {                                                \
      if (::cu::test::running_in_ci()) FAIL() << "../shared/data/claude-logs is missing";   \
      GTEST_SKIP() << "shared logs not present";                                            \
    }                                                                                       \
  } while (false)

// The pinned ccusage executable ($CU_CCUSAGE, else .cache/ccusage of the checkout) when present.
std::optional<std::filesystem::path> ccusage_path();

// True under CI=true, where missing reference tools and data are failures, not skips.
bool running_in_ci();

// The build's program directory (claude-usaged, claude-usagectl, cu-gen-logs).
std::filesystem::path bin_dir();

// Polls `condition` every `poll_every` until it holds or `timeout` passes; returns whether it
// held. Tests wait on state this way, never on fixed sleeps.
bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds timeout = std::chrono::seconds(60),
                std::chrono::milliseconds poll_every = std::chrono::milliseconds(20));

}  // namespace cu::test
