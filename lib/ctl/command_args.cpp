#include "ctl/command_args.h"

#include <algorithm>
#include <limits>

#include <fmt/format.h>

#include "ctl/protocol.h"
#include "ctl/report_dates.h"
#include "rollup/calendar.h"

namespace cu::ctl {
namespace {

using Json = nlohmann::json;

constexpr std::size_t kMaxTextBytes = 4096;
constexpr std::int64_t kMaxCount = 1'000'000;
// Larger limits only make every block "ok"; the cap keeps percentages finite and sane.
constexpr std::int64_t kMaxTokenLimit = std::int64_t{1} << 53;

std::int64_t index_of(const ArgSpec& spec, const Json& value) {
  const auto it = std::find(spec.choices.begin(), spec.choices.end(), value.get<std::string>());
  return it - spec.choices.begin();
}

std::optional<std::int64_t> positive_integer(const Json& value, std::int64_t max) {
  if (value.is_number_unsigned()) {
    const auto n = value.get<std::uint64_t>();
    if (n >= 1 && n <= static_cast<std::uint64_t>(max)) return static_cast<std::int64_t>(n);
  } else if (value.is_number_integer()) {
    const auto n = value.get<std::int64_t>();
    if (n >= 1 && n <= max) return n;
  }
  return std::nullopt;
}

std::string choice_list(const ArgSpec& spec) {
  std::string list;
  for (const auto choice : spec.choices) {
    if (!list.empty()) list += '|';
    list += choice;
  }
  return list;
}

std::optional<std::string> check_text(const Json& value) {
  if (!value.is_string()) return "must be a string";
  const auto& text = value.get_ref<const std::string&>();
  if (text.empty()) return "must not be empty";
  if (text.size() > kMaxTextBytes) return fmt::format("must be at most {} bytes", kMaxTextBytes);
  return std::nullopt;
}

std::optional<std::string> check_choice(const ArgSpec& spec, const Json& value) {
  if (!value.is_string() || index_of(spec, value) == static_cast<std::int64_t>(spec.choices.size())) {
    return "must be one of " + choice_list(spec);
  }
  return std::nullopt;
}

std::optional<std::string> check_token_limit(const Json& value) {
  if (value == "max" || value == "p90") return std::nullopt;
  if (positive_integer(value, kMaxTokenLimit)) return std::nullopt;
  return "must be a positive integer, \"max\" or \"p90\"";
}

// A value check_token_limit accepted.
TokenLimit token_limit_of(const Json& value) {
  if (value == "max") return TokenLimit{.use_max = true};
  if (value == "p90") return TokenLimit{.use_p90 = true};
  return TokenLimit{.tokens = value.get<std::int64_t>()};
}

std::optional<std::string> check_zone(const Json& value) {
  if (auto problem = check_text(value)) return problem;
  try {
    Calendar calendar(value.get_ref<const std::string&>());
  } catch (const std::exception&) {
    return "must be an IANA time zone name (e.g. UTC, America/New_York) or \"local\"";
  }
  return std::nullopt;
}

// "a=b,c=d" as pairs; nullopt when an item has no '=' or an empty side.
std::optional<std::map<std::string, std::string>> aliases_of(const std::string& text) {
  std::map<std::string, std::string> aliases;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    const std::string item = text.substr(start, comma - start);
    const std::size_t equals = item.find('=');
    if (equals == std::string::npos || equals == 0 || equals + 1 == item.size()) return std::nullopt;
    aliases[item.substr(0, equals)] = item.substr(equals + 1);
    start = comma + 1;
  }
  return aliases;
}

CostMode cost_mode_of(const Json& value) {
  const std::string text = value.get<std::string>();
  if (text == "calculate") return CostMode::kCalculate;
  if (text == "display") return CostMode::kDisplay;
  return CostMode::kAuto;
}

void no_effect(CommandArgs&, const Json&) {}

SortOrder order_of(const Json& value) { return value.get<std::string>() == "desc" ? SortOrder::kDesc : SortOrder::kAsc; }

BurnRateDisplay burn_display_of(const Json& value) {
  const std::string text = value.get<std::string>();
  if (text == "off") return BurnRateDisplay::kOff;
  if (text == "text") return BurnRateDisplay::kText;
  if (text == "emoji-text") return BurnRateDisplay::kEmojiText;
  return BurnRateDisplay::kEmoji;
}

std::vector<ArgSpec> make_arg_specs() {
  using enum ArgKind;
  using enum ArgScope;
  return {
      {"since", 's', kDate, kRequest, "first local date (YYYYMMDD or YYYY-MM-DD)", {},
       [](CommandArgs& a, const Json& v) { a.since = parse_date_arg(v.get<std::string>()); }},
      {"until", 'u', kDate, kRequest, "last local date, inclusive (YYYYMMDD or YYYY-MM-DD)", {},
       [](CommandArgs& a, const Json& v) { a.until = parse_date_arg(v.get<std::string>()); }},
      {"order", 'o', kChoice, kRequest, "sort order of the rows", {"asc", "desc"},
       [](CommandArgs& a, const Json& v) { a.order = order_of(v); }},
      {"project", 'p', kText, kRequest, "only this project folder (below projects/)", {},
       [](CommandArgs& a, const Json& v) { a.project = v.get<std::string>(); }},
      {"instances", 'i', kFlag, kRequest, "group the days by project", {},
       [](CommandArgs& a, const Json& v) { a.instances = v.get<bool>(); }},
      {"group", '\0', kText, kRequest,
       "only the projects of this group of the config's projects.groups (\"(ungrouped)\": those in none)", {},
       [](CommandArgs& a, const Json& v) { a.group = v.get<std::string>(); }},
      {"by_group", '\0', kFlag, kRequest, "group the days by the config's projects.groups", {},
       [](CommandArgs& a, const Json& v) { a.by_group = v.get<bool>(); }},
      {"last", '\0', kCount, kRequest, "only the most recent N periods (1 = today, this week, this month)", {},
       [](CommandArgs& a, const Json& v) { a.last = v.get<std::int64_t>(); }},
      {"start_of_week", 'w', kChoice, kRequest, "first day of a week",
       {"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"},
       [](CommandArgs& a, const Json& v) { a.start_of_week = static_cast<int>(index_of(*find_arg("start_of_week"), v)); }},
      {"active", 'a', kFlag, kRequest, "only the active block, with its projection", {},
       [](CommandArgs& a, const Json& v) { a.active = v.get<bool>(); }},
      {"recent", 'r', kFlag, kRequest, "only blocks started in the last 3 days, and the active one", {},
       [](CommandArgs& a, const Json& v) { a.recent = v.get<bool>(); }},
      {"token_limit", 't', kTokenLimit, kRequest,
       "token limit for the active block's status: N, max (the largest completed block) or p90 (SPEC §11)", {},
       [](CommandArgs& a, const Json& v) { a.token_limit = token_limit_of(v); }},
      {"session_length", 'n', kCount, kRequest, "block length in hours; must equal the daemon's rollup.block_hours", {},
       [](CommandArgs& a, const Json& v) { a.session_length = v.get<std::int64_t>(); }},
      {"session_id", '\0', kText, kRequest, "the Claude Code session the statusline is for", {},
       [](CommandArgs& a, const Json& v) { a.session_id = v.get<std::string>(); }},
      {"rate_limits", '\0', kJson, kRequest,
       "the statusline hook's rate_limits object (Claude Code 2.1.80+), recorded by the daemon", {},
       [](CommandArgs& a, const Json& v) { a.rate_limits = v; }},
      {"history", '\0', kFlag, kRequest, "the recorded readings and each past window's peak, cost and tokens", {},
       [](CommandArgs& a, const Json& v) { a.history = v.get<bool>(); }},
      {"timezone", 'z', kZone, kRequest,
       "time zone of this query's local dates (IANA name); default: the daemon's timezone", {},
       [](CommandArgs& a, const Json& v) { a.timezone = v.get<std::string>(); }},
      {"mode", 'm', kChoice, kRequest,
       "costs: auto (a logged costUSD, else computed), calculate (always computed), display (logged only)",
       {"auto", "calculate", "display"}, [](CommandArgs& a, const Json& v) { a.mode = cost_mode_of(v); }},
      {"id", 'i', kText, kRequest, "one session: its kept entries and totals (ccusage session --id)", {},
       [](CommandArgs& a, const Json& v) { a.session_id = v.get<std::string>(); }},
      {"breakdown", 'b', kBreakdown, kRequest,
       "a row per model (tables only; also --breakdown model) or per subagent type (--breakdown subagent: also "
       "the JSON's agentBreakdowns) under each row",
       {"model", "subagent"},
       [](CommandArgs& a, const Json& v) {
         a.breakdown = v.is_boolean() ? v.get<bool>() : v.get<std::string>() == "model";
         a.by_subagent = a.by_subagent || (v.is_string() && v.get<std::string>() == "subagent");
       }},
      {"by_subagent", '\0', kFlag, kRequest,
       "usage of the main thread and of each subagent type under each row (the JSON's agentBreakdowns)", {},
       [](CommandArgs& a, const Json& v) { a.by_subagent = a.by_subagent || v.get<bool>(); }},
      {"chart", '\0', kFlag, kPrinter, "draw a bar chart of the cost per day instead of the table", {},
       [](CommandArgs& a, const Json& v) { a.chart = v.get<bool>(); }},
      {"visual_burn_rate", 'B', kChoice, kPrinter, "how the burn rate's level is shown",
       {"emoji", "off", "text", "emoji-text"},
       [](CommandArgs& a, const Json& v) { a.visual_burn_rate = burn_display_of(v); }},
      {"compact", '\0', kFlag, kPrinter, "narrow tables: without the cache and total token columns", {},
       [](CommandArgs& a, const Json& v) { a.compact = v.get<bool>(); }},
      {"csv", '\0', kFlag, kPrinter, "print CSV: a header, then a line per row (per row and model with --breakdown)",
       {}, [](CommandArgs& a, const Json& v) { a.csv = v.get<bool>(); }},
      {"open", '\0', kFlag, kPrinter, "open the URL in the desktop's browser (xdg-open)", {},
       [](CommandArgs& a, const Json& v) { a.open = v.get<bool>(); }},
      {"project_aliases", '\0', kAliases, kPrinter,
       "names tables show for project folders: \"folder=Name,other=Other\"", {},
       [](CommandArgs& a, const Json& v) { a.project_aliases = *aliases_of(v.get<std::string>()); }},
      // ccusage's flags that mean nothing here (docs/PROTOCOL.md, "ccusage's flags").
      {"offline", 'O', kFlag, kCompat, "no effect: prices are always local (built in, or pricing.file)", {}, no_effect},
      {"no_offline", '\0', kFlag, kCompat, "no effect: the daemon never fetches prices", {}, no_effect},
      {"single_thread", '\0', kFlag, kCompat, "no effect: nothing is loaded per query", {}, no_effect},
      {"debug", 'd', kFlag, kCompat, "no effect: `claude-usagectl status` lists unknown models and skips", {},
       no_effect},
      {"debug_samples", '\0', kCount, kCompat, "no effect (see --debug)", {}, no_effect},
      {"cache", '\0', kFlag, kCompat, "no effect: the daemon keeps every answer current", {}, no_effect},
      {"no_cache", '\0', kFlag, kCompat, "no effect: the daemon keeps every answer current", {}, no_effect},
      {"refresh_interval", '\0', kCount, kCompat, "no effect: the daemon keeps every answer current", {}, no_effect},
      {"cost_source", '\0', kChoice, kCompat,
       "no effect: the session cost is always the daemon's, priced like ccusage's", {"auto", "ccusage", "cc", "both"},
       no_effect},
      {"context_low_threshold", '\0', kCount, kCompat, "no effect: the status line shows no context usage", {},
       no_effect},
      {"context_medium_threshold", '\0', kCount, kCompat, "no effect: the status line shows no context usage", {},
       no_effect},
  };
}

void check_accepted(std::span<const std::string_view> accepted, const std::string& name, bool include_printer_args) {
  const ArgSpec* spec = find_arg(name);
  const bool declared = std::find(accepted.begin(), accepted.end(), name) != accepted.end();
  if (spec == nullptr || !declared || (spec->scope != ArgScope::kRequest && !include_printer_args)) {
    throw ProtocolError(ErrorCode::kInvalidArgs, fmt::format("unknown argument \"{}\"", name));
  }
}

}  // namespace

const std::vector<ArgSpec>& arg_specs() {
  static const std::vector<ArgSpec> specs = make_arg_specs();
  return specs;
}

const ArgSpec* find_arg(std::string_view name) {
  for (const ArgSpec& spec : arg_specs()) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

std::string cli_flag_of(const ArgSpec& spec) {
  std::string flag = "--" + std::string(spec.name);
  std::replace(flag.begin(), flag.end(), '_', '-');
  return flag;
}

std::optional<std::string> validate_arg(const ArgSpec& spec, const nlohmann::json& value) {
  switch (spec.kind) {
    case ArgKind::kFlag:
      return value.is_boolean() ? std::nullopt : std::optional<std::string>("must be true or false");
    case ArgKind::kDate:
      if (value.is_string() && parse_date_arg(value.get_ref<const std::string&>())) return std::nullopt;
      return "must be a date written YYYYMMDD or YYYY-MM-DD";
    case ArgKind::kText: return check_text(value);
    case ArgKind::kChoice: return check_choice(spec, value);
    case ArgKind::kCount:
      if (positive_integer(value, kMaxCount)) return std::nullopt;
      return fmt::format("must be an integer from 1 to {}", kMaxCount);
    case ArgKind::kTokenLimit: return check_token_limit(value);
    case ArgKind::kJson:
      if (value.dump().size() <= kMaxTextBytes) return std::nullopt;
      return fmt::format("must be at most {} bytes of JSON", kMaxTextBytes);
    case ArgKind::kZone: return check_zone(value);
    case ArgKind::kAliases:
      if (auto problem = check_text(value)) return problem;
      if (aliases_of(value.get_ref<const std::string&>())) return std::nullopt;
      return "must be a comma-separated list of folder=name";
    case ArgKind::kBreakdown:
      if (value.is_boolean() || !check_choice(spec, value)) return std::nullopt;
      return "must be true, false or one of " + choice_list(spec);
  }
  return "has an unknown kind";
}

nlohmann::json arg_value_of_text(const ArgSpec& spec, const std::string& text) {
  switch (spec.kind) {
    case ArgKind::kFlag:
      if (text.empty() || text == "true" || text == "1") return true;
      if (text == "false" || text == "0") return false;
      return text;
    case ArgKind::kBreakdown:
      return text.empty() ? Json(true) : Json(text);
    case ArgKind::kJson: {
      Json value = Json::parse(text, nullptr, /*allow_exceptions=*/false);
      return value.is_discarded() ? Json(text) : value;
    }
    case ArgKind::kCount:
    case ArgKind::kTokenLimit: {
      const bool digits = !text.empty() && text.size() <= 18 && text.find_first_not_of("0123456789") == std::string::npos;
      return digits ? Json(std::stoll(text)) : Json(text);
    }
    default: return text;
  }
}

CommandArgs parse_command_args(std::span<const std::string_view> accepted, const nlohmann::json& args,
                               bool include_printer_args) {
  if (!args.is_object()) throw ProtocolError(ErrorCode::kInvalidArgs, "\"args\" must be an object");
  CommandArgs parsed;
  for (const auto& [name, value] : args.items()) {
    check_accepted(accepted, name, include_printer_args);
    const ArgSpec& spec = *find_arg(name);
    if (const auto problem = validate_arg(spec, value)) {
      throw ProtocolError(ErrorCode::kInvalidArgs, fmt::format("argument \"{}\" {}", name, *problem));
    }
    spec.apply(parsed, value);
  }
  return parsed;
}

}  // namespace cu::ctl
