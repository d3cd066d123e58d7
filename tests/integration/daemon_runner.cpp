#include "integration/daemon_runner.h"

#include <fmt/format.h>

namespace cu::test {

void DaemonSetup::write_config() const {
  std::string dirs;
  for (const auto& dir : claude_dirs) dirs += fmt::format("    - {}\n", dir.string());
  write_file(config_path(), fmt::format("sources:\n  claude_dirs:\n{}"
                                        "timezone: {}\n"
                                        "identity: {}\n"
                                        "storage:\n  sqlite_path: {}\n"
                                        "ctl:\n  socket: {}\n"
                                        "log:\n  level: {}\n",
                                        dirs, timezone, identity, database_path().string(),
                                        socket_path().string(), log_level));
}

int DaemonSetup::run_once(const std::string& extra) const {
  write_config();
  const std::string command = fmt::format("{} --once --config {} {}", shell_quote((bin_dir() / "claude-usaged").string()),
                                          shell_quote(config_path().string()), extra);
  return run_command(command).exit_code;
}

}  // namespace cu::test
