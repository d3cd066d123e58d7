#pragma once
// A program's command line as its man page and shell completions present it, gathered from the
// definitions the program itself parses with: CLI11's parser for its own options
// (define_daemon_command_line, ctl::define_cli) and, for claude-usagectl's commands, the command
// registry and its argument table (ctl/command_registry.h, ctl/command_args.h).
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace cu::docs {

struct OptionDoc {
  std::string short_flag;            // "-s"; empty when none
  std::string long_flag;             // "--since"; empty when none
  std::string value_name;            // "DATE", "asc|desc"; empty for a flag
  std::string help;                  // one line; `code` spans allowed
  std::vector<std::string> choices;  // the values a completion offers; empty: any
  bool path_value = false;           // the value names a file, completed as one
  bool no_effect = false;            // a ccusage flag accepted without effect

  bool takes_value() const { return !value_name.empty(); }
  // The flags as given on a command line: "-s", "--since" (either may be absent).
  std::vector<std::string> flags() const;
};

struct CommandDoc {
  std::string name;
  std::string summary;
  std::vector<OptionDoc> options;
};

struct ProgramDoc {
  std::string name;         // "claude-usagectl"
  std::string description;  // one line
  // The program's own options, -h/--help and the version flag included. With commands, they may
  // also follow the command (CLI11's fallthrough).
  std::vector<OptionDoc> options;
  std::vector<CommandDoc> commands;  // empty for a program without commands
};

// The options of a CLI11 parser in the order it defined them. A value whose type name is FILE or
// PATH names a file.
std::vector<OptionDoc> options_of(const CLI::App& app);

// The ones the man pages and completions are generated from.
ProgramDoc daemon_doc();
ProgramDoc ctl_doc();

}  // namespace cu::docs
