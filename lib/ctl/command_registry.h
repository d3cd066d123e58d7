#pragma once
// The control commands, each defined once: name, summary, arguments, the handler the daemon runs
// and the printer the CLI uses. The server dispatches through it, the CLI builds its subcommands
// from it, docs/PROTOCOL.md's command reference is rendered from it.
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "ctl/command_args.h"
#include "ctl/control_hooks.h"
#include "ctl/csv_printers.h"
#include "ctl/report_printers.h"
#include "ctl/report_source.h"

namespace cu::ctl {

// What a handler may use; lives for one request on the daemon's loop thread.
struct CommandContext {
  ReportSource& source;
  const ControlHooks& hooks;
  std::int64_t now_ms = 0;
  // Until when the answer holds while the data does not change (ResponseCache): INT64_MAX for a
  // data-only request (CommandSpec::data_only), else now_ms (never reused) unless the handler
  // knows better.
  std::int64_t unchanged_until_ms = 0;
};

struct CommandSpec {
  std::string_view name;
  std::string_view summary;
  std::vector<std::string_view> args;  // names from arg_specs()
  // Runs the command; throws ProtocolError for a request it cannot serve.
  nlohmann::json (*handle)(const CommandArgs& args, CommandContext& context);
  void (*print)(const nlohmann::json& data, const CommandArgs& args, const PrintContext& context, std::ostream& out);
  // The CLI's --csv output (csv_printers.h); null for a command that is not a report.
  void (*csv)(const nlohmann::json& data, const CommandArgs& args, std::ostream& out) = nullptr;
  // Whether the answer to `args` depends only on the stored data and the settings (not on the
  // clock or the daemon's state), so that it may be reused until the data changes; null: never.
  bool (*data_only)(const CommandArgs& args) = nullptr;
  // The CLI's exit status for a successful answer (scripts test it); null: always 0.
  int (*exit_code)(const nlohmann::json& data) = nullptr;
};

// Answers by request line, while ControlHooks::data_generation stays where it was when they were
// made and the clock has not reached the instant until which each holds (CommandContext::
// unchanged_until_ms). A six-month `daily --json` costs the daemon ~10 ms to build; scripts and
// status bars ask for the same report again and again between commits.
class ResponseCache {
 public:
  const std::string* find(std::string_view line, std::uint64_t generation, std::int64_t now_ms);
  void store(std::string_view line, const std::string& response, std::uint64_t generation,
             std::int64_t until_ms);

 private:
  struct Entry {
    std::string response;
    std::int64_t until_ms = 0;
  };
  static constexpr std::size_t kMaxEntries = 32;
  std::uint64_t generation_ = 0;
  std::unordered_map<std::string, Entry> entries_;
};

const std::vector<CommandSpec>& command_registry();
// nullptr for an unknown name.
const CommandSpec* find_command(std::string_view name);

// Answers one request line (without its newline) with one response line (without newline). Never
// throws: every problem, including a handler's exception, becomes an error response.
// `cache`, when given, serves and keeps the answers of data-only requests.
std::string handle_request_line(std::string_view line, ReportSource& source, const ControlHooks& hooks,
                                ResponseCache* cache = nullptr);

// Markdown: a section per command with its arguments (docs/PROTOCOL.md embeds it verbatim).
std::string render_command_reference();

}  // namespace cu::ctl
