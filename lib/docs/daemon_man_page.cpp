// claude-usaged(8).
#include <fmt/format.h>

#include "config/daemon_command_line.h"
#include "docs/man_page.h"
#include "docs/man_pages.h"
#include "docs/roff.h"

namespace cu::docs {
namespace {

std::string synopsis(const ProgramDoc& program) {
  return fmt::format(".B {}\n{}\n", roff_literal_line(program.name), synopsis_options(program));
}

std::string description() {
  return paragraphs({
      "claude-usaged follows the session logs Claude Code writes (JSONL files below `projects/` of each Claude "
      "config root) and keeps a usage database current: every API response counted once, as ccusage counts it, "
      "priced, and summed per session, day, week, month and 5-hour billing block. It keeps the history after "
      "Claude Code deletes its transcripts. claude-usagectl(1) asks it for reports over its control socket.",
      "It runs in the foreground, as a systemd service of Type=notify: the user unit claude-usaged.service "
      "(`systemctl --user enable --now claude-usaged`) runs it as you; the system template claude-usaged@.service "
      "runs one instance per user it is named after (`systemctl enable --now claude-usaged@alice`), with "
      "/etc/claude-usaged/config.yaml. Installing the package starts neither.",
      "The database is SQLite, always; with `storage.postgres_url` set, the daemon also forwards every change "
      "to a shared PostgreSQL database, keeping it in SQLite while the server cannot be reached. Under systemd it "
      "logs to the journal, otherwise plain lines to standard error.",
  });
}

std::string exit_status() {
  return tagged(roff_bold("0"), "Done: --once, --rebuild or --check-config finished, or the daemon stopped on a signal.") +
         tagged(roff_bold("1"), "Any other error; the message says which.") +
         tagged(roff_bold(fmt::format("{}", kExitDatabaseLocked)),
                "Another process writes the database (one writer per database); the message names its pid. "
                "While the daemon runs, ask it instead: `claude-usagectl rescan` does what --once would.") +
         tagged(roff_bold(fmt::format("{}", kExitConfigError)),
                "The configuration is invalid (the message names the key and line), or sets storage.postgres_url "
                "where the PostgreSQL module cannot be loaded (the message names its path). The units do not "
                "restart on it.");
}

std::string signals() {
  return tagged(roff_bold("SIGHUP"), "Re-read the configuration (`systemctl reload`).") +
         tagged(roff_bold("SIGTERM") + ", " + roff_bold("SIGINT"),
                "Write the pending events and checkpoints, then exit.");
}

std::string environment() {
  return tagged(roff_bold("CLAUDE_CONFIG_DIR"),
                "Comma-separated Claude config roots, each holding `projects/`; used when the config does not "
                "set `sources.claude_dirs`. Default: ~/.config/claude and ~/.claude.") +
         tagged(roff_bold("XDG_CONFIG_HOME"), "Where the default config file is (default ~/.config).") +
         tagged(roff_bold("XDG_STATE_HOME"), "Where the default database is (default ~/.local/state).") +
         tagged(roff_bold("XDG_RUNTIME_DIR"), "Where the default control socket is.") +
         tagged(roff_bold("TZ"), "The zone of `timezone: local` (else /etc/localtime).") +
         tagged(roff_bold("NOTIFY_SOCKET") + ", " + roff_bold("WATCHDOG_USEC") + ", " + roff_bold("JOURNAL_STREAM"),
                "Set by systemd: readiness, status and watchdog notifications, and logging to the journal.");
}

std::string files() {
  return tagged(roff_bold("${XDG_CONFIG_HOME:-~/.config}/claude-usaged/config.yaml"),
                "The configuration, claude-usaged.yaml(5); a missing file means all defaults.") +
         tagged(roff_bold("/etc/claude-usaged/config.yaml"), "The configuration of the system template's instances.") +
         tagged(roff_bold("${XDG_STATE_HOME:-~/.local/state}/claude-usaged/usage.db"),
                "The SQLite database, with usage.db.lock held by its one writer.") +
         tagged(roff_bold("$XDG_RUNTIME_DIR/claude-usaged.sock"), "The control socket claude-usagectl(1) talks to.") +
         tagged(roff_bold("/usr/lib/claude-usaged/modules/postgres.so"),
                "PostgreSQL support, loaded only when storage.postgres_url is set; the daemon looks for it in "
                "../lib/claude-usaged/modules/ from its own folder.") +
         tagged(roff_bold("/usr/share/doc/claude-usaged/"),
                "The example configuration claude-usaged.yaml, SYSTEMD.md (the units, their hardening and "
                "notifications) and the other documentation.");
}

std::string see_also() {
  return fmt::format("{},\n{},\n{},\n{}\n", page_reference("claude-usagectl", 1), page_reference("claude-usaged.yaml", 5),
                     page_reference("systemd.service", 5), page_reference("journalctl", 1));
}

}  // namespace

std::string daemon_man_page() {
  const ProgramDoc program = daemon_doc();
  return render_man_page(ManPage{program.name, 8, "keeps a usage database of Claude Code sessions current",
                                 {{"SYNOPSIS", synopsis(program)},
                                  {"DESCRIPTION", description()},
                                  {"OPTIONS", option_list(program.options)},
                                  {"EXIT STATUS", exit_status()},
                                  {"SIGNALS", signals()},
                                  {"ENVIRONMENT", environment()},
                                  {"FILES", files()},
                                  {"SEE ALSO", see_also()}}});
}

}  // namespace cu::docs
