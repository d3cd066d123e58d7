// claude-usagectl(1).
#include <fmt/format.h>

#include "ctl/cli.h"
#include "ctl/reports.h"
#include "docs/man_page.h"
#include "docs/man_pages.h"
#include "docs/roff.h"

namespace cu::docs {
namespace {

std::string synopsis(const ProgramDoc& program) {
  return fmt::format(".B {}\n{}\n.I command\n.RI [ command\\ options ]\n", roff_literal_line(program.name),
                     synopsis_options(program));
}

std::string description(const ProgramDoc& program) {
  return paragraphs({
      program.description,
      "Reports with --json print exactly what ccusage 20.0.24 prints for the same command and flags "
      "(`ccusage claude daily --json`, `ccusage blocks --json`, ...), so scripts written for ccusage keep "
      "working; without it, aligned tables, coloured on a terminal. Every flag ccusage accepts on a command is "
      "accepted; the few that mean nothing to a daemon are listed below as without effect.",
      "The daemon is looked for at --socket; else $CLAUDE_USAGED_SOCKET; else `ctl.socket` of --config; else "
      "at the first that exists of the user unit's socket (`ctl.socket` of "
      "~/.config/claude-usaged/config.yaml) and the socket of the system template's instance for $USER "
      "(/run/claude-usaged/$USER/claude-usaged.sock). When none answers, the message names each place tried.",
  });
}

std::string options(const ProgramDoc& program) {
  return paragraphs({"These may also follow the command."}) + option_list(program.options);
}

std::vector<OptionDoc> options_where(const CommandDoc& command, bool no_effect) {
  std::vector<OptionDoc> chosen;
  for (const OptionDoc& option : command.options) {
    if (option.no_effect == no_effect) chosen.push_back(option);
  }
  return chosen;
}

std::string command_section(const CommandDoc& command) {
  std::string body = fmt::format(".SS {}\n{}\n", roff_bold(command.name), roff_text(command.summary + "."));
  body += option_list(options_where(command, false));
  const std::vector<OptionDoc> compat = options_where(command, true);
  if (!compat.empty()) {
    body += paragraphs({"Accepted without effect, as ccusage accepts them:"}) + ".RS\n" + option_list(compat) + ".RE\n";
  }
  return body;
}

std::string commands(const ProgramDoc& program) {
  std::string body;
  for (const CommandDoc& command : program.commands) body += command_section(command);
  return body;
}

std::string status_tag(int code) { return roff_bold(fmt::format("{}", code)); }

std::string exit_status() {
  using namespace ctl;
  return tagged(status_tag(kExitOk), "Success. `statusline` always exits 0, printing a short line when the daemon "
                                     "cannot answer.") +
         tagged(status_tag(kExitCommandFailed), "The daemon answered with an error.") +
         tagged(status_tag(kExitUsage), "Bad flags, or a config that cannot be read.") +
         tagged(status_tag(kExitNotRunning), "No daemon on the socket, or it did not answer in time.") +
         tagged(status_tag(kExitPermission), "The socket refused this user.") +
         tagged(status_tag(kExitProtocol), "The daemon speaks another protocol version, or answered malformed data.") +
         tagged(status_tag(kExitOutput), "Standard output could not be written (a closed pipe).") +
         tagged(status_tag(kLimitsNear), "limits: a window is near its limit (90 % or more, or projected to fill "
                                         "before it resets).") +
         tagged(status_tag(kLimitsFull), "limits: a window is full.") +
         tagged(status_tag(kLimitsNoData), "limits: no reading recorded yet.");
}

std::string environment() {
  return tagged(roff_bold("CLAUDE_USAGED_SOCKET"), "The control socket, unless --socket names one.") +
         tagged(roff_bold("NO_COLOR"), "Set and not 0: never colour (as --no-color).") +
         tagged(roff_bold("FORCE_COLOR"), "Set and not 0: colour also when standard output is not a terminal.") +
         tagged(roff_bold("XDG_CONFIG_HOME"), "Where the default config file is (default ~/.config).") +
         tagged(roff_bold("XDG_RUNTIME_DIR"), "Where the user unit's socket is by default.") +
         tagged(roff_bold("USER") + ", " + roff_bold("LOGNAME"), "Which instance of the system template is yours.");
}

std::string examples() {
  return literal_block(
      "claude-usagectl status\n"
      "claude-usagectl daily --since 20260101 --breakdown\n"
      "claude-usagectl monthly --json\n"
      "claude-usagectl session --project -home-ana-api\n"
      "claude-usagectl blocks --active --token-limit p90\n"
      "claude-usagectl limits\n") +
         paragraphs({"Claude Code's status line, in ~/.claude/settings.json:"}) +
         literal_block("\"statusLine\": {\"type\": \"command\", \"command\": \"claude-usagectl statusline\"}\n");
}

std::string see_also() {
  return fmt::format("{},\n{}\n", page_reference("claude-usaged", 8), page_reference("claude-usaged.yaml", 5));
}

}  // namespace

std::string ctl_man_page() {
  const ProgramDoc program = ctl_doc();
  return render_man_page(ManPage{program.name, 1, "query claude-usaged, the Claude Code usage daemon",
                                 {{"SYNOPSIS", synopsis(program)},
                                  {"DESCRIPTION", description(program)},
                                  {"OPTIONS", options(program)},
                                  {"COMMANDS", commands(program)},
                                  {"EXIT STATUS", exit_status()},
                                  {"ENVIRONMENT", environment()},
                                  {"EXAMPLES", examples()},
                                  {"SEE ALSO", see_also()}}});
}

}  // namespace cu::docs
