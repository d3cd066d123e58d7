#include "integration/ccusage_reference.h"

#include <gtest/gtest.h>

#include <fmt/format.h>

#include "support/test_support.h"

namespace cu::test {

nlohmann::json run_ccusage(const std::filesystem::path& claude_dir, const std::string& args) {
  const auto ccusage = ccusage_path();
  if (!ccusage) {
    ADD_FAILURE() << "ccusage is not installed";
    return nullptr;
  }
  const std::string command =
      fmt::format("CLAUDE_CONFIG_DIR={} {} {} --json --offline", shell_quote(claude_dir.string()),
                  shell_quote(ccusage->string()), args);
  const CommandResult result = run_command(command);
  if (result.exit_code != 0) {
    ADD_FAILURE() << command << " exited with " << result.exit_code;
    return nullptr;
  }
  return nlohmann::json::parse(result.output);
}

}  // namespace cu::test
