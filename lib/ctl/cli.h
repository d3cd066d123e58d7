#pragma once
// claude-usagectl: `claude-usagectl [--socket PATH] [--config FILE] COMMAND [flags] [--json]`, one
// subcommand per entry of the command registry.
#include <filesystem>
#include <istream>
#include <ostream>
#include <string>
#include <vector>

#include "config/config.h"

namespace CLI {
class App;
}

namespace cu::ctl {

// Exit codes of claude-usagectl (docs/PROTOCOL.md).
inline constexpr int kExitOk = 0;
inline constexpr int kExitCommandFailed = 1;  // the daemon answered with an error
inline constexpr int kExitUsage = 2;          // bad flags or config
inline constexpr int kExitNotRunning = 3;     // no daemon, or it did not answer in time
inline constexpr int kExitPermission = 4;
inline constexpr int kExitProtocol = 5;  // version mismatch or a malformed answer
inline constexpr int kExitOutput = 6;    // standard output could not be written (e.g. a closed pipe)

// The process's streams and environment, injectable for tests.
struct CliIo {
  std::istream& in;
  std::ostream& out;
  std::ostream& err;
  Environment env;
  bool out_is_tty = false;
  // Where the system unit's files are looked for (/etc/claude-usaged, /run/claude-usaged): "/"
  // but in tests.
  std::filesystem::path system_root = "/";
};

// The options given before (or, as CLI11 falls through, after) the command.
struct GlobalOptions {
  std::string socket;
  std::string config;
  bool json = false;
  bool color = false;
  bool no_color = false;
};

// Names `app` and gives it the global options (bound to `options`) and -v/--version; run_cli adds
// one subcommand per command of the registry. claude-usagectl(1) and the shell completions are
// generated from the same definition (lib/docs).
void define_cli(CLI::App& app, GlobalOptions& options);

// Runs the CLI on `args` (without the program name); returns the exit code. `statusline` always
// prints a line and returns 0, even when the daemon is down.
int run_cli(const std::vector<std::string>& args, CliIo& io);

// Flushes `out` and returns `code`, or kExitOutput when something written to `out` was lost (a
// reader that went away: with SIGPIPE ignored, the write failed with EPIPE). Prints nothing, as a
// program killed by SIGPIPE would not.
int exit_code_after_flush(int code, std::ostream& out);

}  // namespace cu::ctl
