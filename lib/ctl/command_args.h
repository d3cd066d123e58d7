#pragma once
// Arguments of the control commands: each defined once (JSON key, CLI flag, kind, help), parsed and
// validated from a request's "args" object into one typed struct. Shared by the server, the CLI
// (which builds its flags from the same table), the protocol reference and the tests.
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "pricing/price_table.h"

namespace cu::ctl {

enum class SortOrder { kAsc, kDesc };

// How the statusline shows the burn rate's level (ccusage's --visual-burn-rate).
enum class BurnRateDisplay { kOff, kEmoji, kText, kEmojiText };

struct TokenLimit {
  bool use_max = false;     // "max": the largest completed block in range
  std::int64_t tokens = 0;  // when neither use_max nor use_p90; positive
  bool use_p90 = false;     // "p90": the P90 token limit of the recent blocks (SPEC §11)
};

// Every argument any command takes, validated. A command reads only the ones it declares.
struct CommandArgs {
  std::optional<std::string> since;  // YYYY-MM-DD, inclusive
  std::optional<std::string> until;  // YYYY-MM-DD, inclusive
  SortOrder order = SortOrder::kAsc;
  std::optional<std::string> project;  // project folder below projects/
  bool instances = false;
  std::optional<std::string> group;  // only the projects of this projects.groups entry
  bool by_group = false;             // daily: the days of each project group
  std::optional<std::int64_t> last;  // the most recent N periods, counted from today
  int start_of_week = 0;             // 0 = Sunday … 6 = Saturday
  bool active = false;
  bool recent = false;
  std::optional<TokenLimit> token_limit;
  std::optional<std::int64_t> session_length;  // hours
  std::optional<std::string> session_id;
  // The statusline hook's `rate_limits` as Claude Code sent it (any JSON; null when absent):
  // read_rate_limits sorts out what is valid.
  nlohmann::json rate_limits;
  bool history = false;  // limits: the recorded snapshots and each past window instead
  // A query's own view (ccusage's -z and -m): local dates in this zone, costs in this mode.
  std::optional<std::string> timezone;
  std::optional<CostMode> mode;
  // Rows per subagent type (rollup/agents.h) under each day or session: "agentBreakdowns".
  bool by_subagent = false;
  // Rows per model under each row of a table (--breakdown, --breakdown model).
  bool breakdown = false;
  // Printer options: they change only the CLI's rendering and are never sent.
  bool chart = false;
  BurnRateDisplay visual_burn_rate = BurnRateDisplay::kEmoji;
  bool compact = false;  // tables without the cache and total columns
  bool csv = false;      // CSV lines instead of a table (csv_printers.h)
  bool open = false;     // web: open the URL with xdg-open
  std::map<std::string, std::string> project_aliases;  // project folder -> name shown in tables
};

enum class ArgKind {
  kFlag,        // JSON true/false; CLI --name
  kDate,        // "YYYYMMDD" or "YYYY-MM-DD"
  kText,        // a non-empty string
  kChoice,      // one of `choices`
  kCount,       // a positive integer
  kTokenLimit,  // a positive integer, "max" or "p90"
  kJson,        // any JSON value of at most 4 KiB serialized; CLI: JSON text
  kZone,        // an IANA time zone name, or "local"
  kAliases,     // "name=alias,name=alias": project folders and the names tables show for them
  kBreakdown,   // true/false, or one of `choices` ("model", "subagent"); CLI: --name [choice]
};

// Where an argument is consumed: in the daemon (sent in the request), by the CLI's printer, or
// nowhere: a ccusage flag accepted so that scripts written for ccusage keep working, without
// effect here (docs/PROTOCOL.md says why for each). Neither of the last two is ever sent.
enum class ArgScope { kRequest, kPrinter, kCompat };

struct ArgSpec {
  std::string_view name;  // JSON key (snake_case); the CLI flag is "--" + name with '_' as '-'
  char short_flag;        // '\0' when none
  ArgKind kind;
  ArgScope scope;
  std::string_view help;
  std::vector<std::string_view> choices;  // kChoice only; the first is the default
  // Stores a value that validate_arg accepted.
  void (*apply)(CommandArgs& args, const nlohmann::json& value);
};

// All arguments, in the order the docs list them.
const std::vector<ArgSpec>& arg_specs();
// nullptr when no argument has this name.
const ArgSpec* find_arg(std::string_view name);

// "--start-of-week" for "start_of_week".
std::string cli_flag_of(const ArgSpec& spec);

// An argument's value as text (a CLI flag's, a URL query's) as the JSON the protocol expects: a
// flag's "", "true" or "1" is true and "false" or "0" false; --breakdown's "" is true; digits are
// numbers where the kind counts; JSON text is parsed for kJson. Text that does not fit stays a
// string, which validate_arg then rejects with the argument's own message.
nlohmann::json arg_value_of_text(const ArgSpec& spec, const std::string& text);

// The reason `value` is not valid for `spec`, or nullopt when it is.
std::optional<std::string> validate_arg(const ArgSpec& spec, const nlohmann::json& value);

// Parses a command's "args" object. `accepted` names the arguments the command declares; of those,
// only request-scoped ones are allowed unless `include_printer_args` (the CLI validating its own
// flags). Throws ProtocolError(kInvalidArgs) naming the argument for an unknown name, a wrong type
// or a bad value, and for anything but an object.
CommandArgs parse_command_args(std::span<const std::string_view> accepted, const nlohmann::json& args,
                               bool include_printer_args = false);

}  // namespace cu::ctl
