#pragma once
// Runs the pinned ccusage on a log folder and reads its JSON reports.
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

namespace cu::test {

// `ccusage <args> --json --offline` with CLAUDE_CONFIG_DIR=`claude_dir`; fails the calling test
// (returns null) when ccusage is missing or fails.
nlohmann::json run_ccusage(const std::filesystem::path& claude_dir, const std::string& args);

// Skips (or, under CI, fails) the calling test when the pinned ccusage is not installed.
#define CU_REQUIRE_CCUSAGE()                                                       \
  do {                                                                             \
    if (!::cu::test::ccusage_path()) {                                             \
      if (::cu::test::running_in_ci()) FAIL() << "ccusage is not installed";       \
      GTEST_SKIP() << "ccusage not installed (scripts/install-ccusage)";           \
    }                                                                              \
  } while (false)

}  // namespace cu::test
