#pragma once
// claude-usaged's command line (SPEC §8): its main parses with it, and claude-usaged(8) and the
// shell completions (lib/docs) are generated from it, so the three cannot disagree.
#include <string>

namespace CLI {
class App;
}

namespace cu {

struct DaemonOptions {
  std::string config_path;  // empty: the default path (default_config_path)
  bool once = false;
  bool check_config = false;
  bool rebuild = false;
};

// Exit statuses besides 0 (done) and 1 (any other failure), with sysexits.h's meanings.
inline constexpr int kExitDatabaseLocked = 75;  // EX_TEMPFAIL: another process writes the database
inline constexpr int kExitConfigError = 78;     // EX_CONFIG: the configuration is invalid

// Names `app` and gives it the daemon's options (bound to `options`), --version and the footer.
void define_daemon_command_line(CLI::App& app, DaemonOptions& options);

}  // namespace cu
