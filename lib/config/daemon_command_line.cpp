#include "config/daemon_command_line.h"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

namespace cu {

void define_daemon_command_line(CLI::App& app, DaemonOptions& options) {
  app.name("claude-usaged");
  app.description("claude-usaged: keeps a usage database of Claude Code sessions current");
  app.add_option("-c,--config", options.config_path, "configuration file (YAML)")->type_name("FILE");
  app.add_flag("--once", options.once, "ingest everything present, update every table, and exit");
  app.add_flag("--check-config", options.check_config, "validate and print the effective configuration");
  app.add_flag("--rebuild", options.rebuild, "recompute every derived table from usage_events");
  app.set_version_flag("--version", std::string("claude-usaged ") + CU_VERSION);
  app.footer(fmt::format("One writer per database: --once, --rebuild or a second daemon beside a running daemon "
                         "exit {}\n(EX_TEMPFAIL) naming its pid; ask the daemon instead (claude-usagectl rescan). "
                         "docs/SYSTEMD.md",
                         kExitDatabaseLocked));
}

}  // namespace cu
