#include "integration/daemon_runner.h"

#include <fmt/format.h>

namespace cu::test {
namespace {

// `text` for the inside of a YAML single-quoted scalar.
std::string yaml_single_quoted(const std::string& text) {
  std::string quoted;
  for (const char c : text) quoted += c == '\'' ? std::string("''") : std::string(1, c);
  return quoted;
}

}  // namespace

void DaemonSetup::write_config() const {
  std::string dirs;
  for (const auto& dir : claude_dirs) dirs += fmt::format("    - {}\n", dir.string());
  const std::string postgres = postgres_url.empty() ? "" : fmt::format("  postgres_url: '{}'\n", yaml_single_quoted(postgres_url));
  write_file(config_path(), fmt::format("sources:\n  claude_dirs:\n{}"
                                        "timezone: {}\n"
                                        "identity: {}\n"
                                        "storage:\n  sqlite_path: {}\n{}"
                                        "ctl:\n  socket: {}\n"
                                        "log:\n  level: warning\n",
                                        dirs, timezone, kTestIdentity, database_path().string(), postgres,
                                        socket_path().string()));
}

int DaemonSetup::run_once(const std::string& extra) const {
  write_config();
  const std::string command = fmt::format("{} --once --config {} {}", shell_quote((bin_dir() / "claude-usaged").string()),
                                          shell_quote(config_path().string()), extra);
  return run_command(command).exit_code;
}

}  // namespace cu::test
