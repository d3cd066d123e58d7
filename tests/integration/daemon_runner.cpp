#include "integration/daemon_runner.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

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
                                        "log:\n  level: {}\n{}",
                                        dirs, timezone, identity, database_path().string(), postgres,
                                        socket_path().string(), log_level, extra_config));
}

int DaemonSetup::run_once(const std::string& extra) const {
  write_config();
  const std::string command = fmt::format("{} --once --config {} {}", shell_quote((bin_dir() / "claude-usaged").string()),
                                          shell_quote(config_path().string()), extra);
  return run_command(command).exit_code;
}

CommandResult DaemonSetup::run_daemon(const std::string& env, const std::string& arguments) const {
  write_config();
  return run_command(fmt::format("{} {} {} --config {} 2>&1", env, shell_quote((bin_dir() / "claude-usaged").string()),
                                 arguments, shell_quote(config_path().string())));
}

CommandResult DaemonSetup::ctl(const std::string& arguments) const {
  return run_command(fmt::format("{} --socket {} {} 2>/dev/null", shell_quote((bin_dir() / "claude-usagectl").string()),
                                 shell_quote(socket_path().string()), arguments));
}

bool DaemonSetup::watching() const {
  const CommandResult status = ctl("status --json");
  return status.exit_code == 0 && nlohmann::json::parse(status.output).value("state", "") == "watching";
}

}  // namespace cu::test
