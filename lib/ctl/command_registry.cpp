#include "ctl/command_registry.h"

#include <exception>
#include <limits>

#include <fmt/format.h>

#include "core/time.h"
#include "ctl/project_set_source.h"
#include "ctl/protocol.h"
#include "ctl/reports.h"
#include "rollup/calendar.h"

namespace cu::ctl {
namespace {

using Json = nlohmann::json;

Json run_status(const CommandArgs&, CommandContext& context) {
  if (!context.hooks.status) throw ProtocolError(ErrorCode::kUnavailable, "status is not available");
  return context.hooks.status();
}

Json run_action(const std::function<ActionResult()>& action, std::string_view name) {
  if (!action) throw ProtocolError(ErrorCode::kUnavailable, fmt::format("{} is not available", name));
  const ActionResult result = action();
  if (!result.ok) throw ProtocolError(ErrorCode::kFailed, result.message);
  return Json{{"message", result.message}};
}

Json run_web(const CommandArgs&, CommandContext& context) {
  if (!context.hooks.web) throw ProtocolError(ErrorCode::kUnavailable, "web is not available");
  return context.hooks.web();
}

Json run_rescan(const CommandArgs&, CommandContext& context) { return run_action(context.hooks.rescan, "rescan"); }
Json run_reload(const CommandArgs&, CommandContext& context) { return run_action(context.hooks.reload, "reload"); }

Json run_daily(const CommandArgs& args, CommandContext& c) { return daily_report(c.source, args, c.now_ms); }
Json run_weekly(const CommandArgs& args, CommandContext& c) { return weekly_report(c.source, args, c.now_ms); }
Json run_monthly(const CommandArgs& args, CommandContext& c) { return monthly_report(c.source, args, c.now_ms); }
Json run_hourly(const CommandArgs& args, CommandContext& c) { return hourly_report(c.source, args, c.now_ms); }
Json run_session(const CommandArgs& args, CommandContext& c) { return session_report(c.source, args); }
Json run_blocks(const CommandArgs& args, CommandContext& c) {
  return blocks_report(c.source, args, c.now_ms, &c.unchanged_until_ms);
}
Json run_limits(const CommandArgs& args, CommandContext& c) { return limits_report(c.source, args, c.now_ms); }

// Records the hook's official readings (ControlHooks::record_rate_limits) and answers with them.
Json run_statusline(const CommandArgs& args, CommandContext& c) {
  const RateLimitReading reading = read_rate_limits(args.rate_limits, c.now_ms);
  if (c.hooks.record_rate_limits) c.hooks.record_rate_limits(reading);
  Json data = statusline_report(c.source, args, c.now_ms);
  data["rate_limits"] = official_limits_json(reading.snapshots, c.source.calendar());
  return data;
}

// daily, weekly and monthly read the clock only for --last (periods up to today).
bool without_last(const CommandArgs& args) { return !args.last; }
bool always(const CommandArgs&) { return true; }
// hourly without a range is today's.
bool with_range(const CommandArgs& args) { return args.since || args.until; }

// The flags every ccusage report takes: a query's own zone and cost mode, narrow tables, and the
// loading and debugging flags that mean nothing to a daemon.
std::vector<std::string_view> report_args(std::initializer_list<std::string_view> own) {
  std::vector<std::string_view> args(own);
  for (const auto name : {"timezone", "mode", "compact", "csv", "offline", "no_offline", "single_thread", "debug",
                          "debug_samples"}) {
    args.push_back(name);
  }
  return args;
}

std::vector<CommandSpec> make_registry() {
  return {
      {"status", "The daemon's state: backfill progress, backend, files, events, problems", {}, run_status,
       print_status},
      {"daily", "Usage per local day (ccusage claude daily --json)",
       report_args({"since", "until", "order", "project", "instances", "group", "by_group", "last", "breakdown",
                    "by_subagent", "chart", "project_aliases"}),
       run_daily, print_daily, csv_daily, without_last},
      {"weekly", "Usage per week (ccusage claude weekly --json)",
       report_args({"since", "until", "order", "project", "group", "start_of_week", "last", "breakdown"}), run_weekly,
       print_weekly, csv_weekly, without_last},
      {"monthly", "Usage per month (ccusage claude monthly --json)",
       report_args({"since", "until", "order", "project", "group", "last", "breakdown"}), run_monthly, print_monthly,
       csv_monthly, without_last},
      {"hourly", "Usage per local hour, today's unless --since/--until (daily's JSON, per \"hour\")",
       report_args({"since", "until", "order", "project", "group", "breakdown"}), run_hourly, print_hourly, csv_hourly,
       with_range},
      {"session", "Usage per session, costliest first (ccusage claude session --json)",
       report_args({"since", "until", "order", "project", "group", "breakdown", "by_subagent", "id", "project_aliases"}),
       run_session,
       print_session, csv_session, always},
      {"blocks", "Billing blocks (5 hours) with gaps, burn rate and projection (ccusage blocks --json)",
       report_args({"since", "until", "order", "active", "recent", "token_limit", "session_length", "breakdown"}),
       run_blocks, print_blocks, csv_blocks},
      {"statusline",
       "One line for Claude Code's statusLine hook: session, today and block cost, burn rate, official limits",
       {"session_id", "rate_limits", "visual_burn_rate", "timezone", "offline", "no_offline", "cost_source", "cache",
        "no_cache", "refresh_interval", "context_low_threshold", "context_medium_threshold", "debug"},
       run_statusline, print_statusline},
      {"limits",
       "Official 5-hour and 7-day limits: latest reading, window cost, estimated limit, when it fills; P90 "
       "token limit. Exit 10 near, 11 full, 20 no data",
       {"history", "since", "until", "order"}, run_limits, print_limits, nullptr, nullptr, limits_exit_code},
      {"web", "The dashboard's URL with its token (http.listen); --open opens it in the browser", {"open"}, run_web,
       print_web},
      {"rescan", "Rescan every log root now (what an inotify overflow triggers)", {}, run_rescan, print_action},
      {"reload", "Re-read the config file (like SIGHUP)", {}, run_reload, print_action},
  };
}

// The source limited to project group `name` (--group): `viewed` when set, else `source`.
std::unique_ptr<ReportSource> group_source(std::unique_ptr<ReportSource> viewed, ReportSource& source,
                                           const std::string& name) {
  const std::vector<ProjectGroup>& groups = source.project_groups();
  if (name != kUngroupedName && find_group(groups, name) == nullptr) {
    std::string known;
    for (const ProjectGroup& group : groups) known += fmt::format("{}\"{}\"", known.empty() ? "" : ", ", group.name);
    throw ProtocolError(ErrorCode::kInvalidArgs,
                        groups.empty() ? fmt::format("unknown project group \"{}\": projects.groups is empty", name)
                                       : fmt::format("unknown project group \"{}\" (projects.groups has {})", name, known));
  }
  std::vector<std::string> members = group_members(groups, name, source.projects());
  if (viewed) return std::make_unique<ProjectSetSource>(std::move(viewed), std::move(members));
  return std::make_unique<ProjectSetSource>(source, std::move(members));
}

std::int64_t now_of(const ControlHooks& hooks) { return hooks.now_ms ? hooks.now_ms() : cu::now_ms(); }

std::string dispatch(std::string_view line, ReportSource& source, const ControlHooks& hooks, ResponseCache* cache) {
  const Request request = parse_request(line);
  const CommandSpec* command = find_command(request.cmd);
  if (command == nullptr) {
    throw ProtocolError(ErrorCode::kUnknownCommand, fmt::format("unknown command \"{}\"", request.cmd));
  }
  const CommandArgs args = parse_command_args(command->args, request.args);
  const bool cached = cache != nullptr && hooks.data_generation;
  const std::uint64_t generation = cached ? hooks.data_generation() : 0;
  const std::int64_t now = now_of(hooks);
  if (cached) {
    if (const std::string* answer = cache->find(line, generation, now)) return *answer;
  }
  const bool data_only = command->data_only != nullptr && command->data_only(args);
  std::unique_ptr<ReportSource> viewed;
  if (args.timezone || args.mode) viewed = source.viewed(ReportView{args.timezone, args.mode});
  if (args.group) viewed = group_source(viewed ? std::move(viewed) : nullptr, source, *args.group);
  CommandContext context{viewed ? *viewed : source, hooks, now,
                         data_only ? std::numeric_limits<std::int64_t>::max() : now};
  const nlohmann::json data = command->handle(args, context);
  std::string answer = request.raw ? encode_ok_raw(data) : request.render_json ? encode_ok_rendered(data) : encode_ok(data);
  if (cached && context.unchanged_until_ms > now) cache->store(line, answer, generation, context.unchanged_until_ms);
  return answer;
}

std::string arg_kind_text(const ArgSpec& spec) {
  switch (spec.kind) {
    case ArgKind::kFlag: return "boolean";
    case ArgKind::kDate: return "date string";
    case ArgKind::kText: return "string";
    case ArgKind::kChoice: {
      std::string choices;
      for (const auto choice : spec.choices) choices += (choices.empty() ? "" : " \\| ") + fmt::format("`{}`", choice);
      return choices;
    }
    case ArgKind::kCount: return "positive integer";
    case ArgKind::kTokenLimit: return "positive integer \\| `\"max\"` \\| `\"p90\"`";
    case ArgKind::kJson: return "any JSON";
    case ArgKind::kZone: return "IANA time zone name";
    case ArgKind::kAliases: return "`folder=name,…`";
    case ArgKind::kBreakdown: return "boolean \\| `\"model\"` \\| `\"subagent\"`";
  }
  return "";
}

std::string command_section(const CommandSpec& command) {
  std::string text = fmt::format("### `{}`\n\n{}.\n\n", command.name, command.summary);
  bool any_request_arg = false;
  for (const auto name : command.args) any_request_arg |= find_arg(name)->scope == ArgScope::kRequest;
  if (!any_request_arg) return text + "No arguments.\n\n";
  text += "| arg | type | CLI | meaning |\n|---|---|---|---|\n";
  std::string compat;
  for (const auto name : command.args) {
    const ArgSpec& spec = *find_arg(name);
    const std::string cli = cli_flag_of(spec) + (spec.short_flag != '\0' ? fmt::format(", -{}", spec.short_flag) : "");
    if (spec.scope == ArgScope::kCompat) compat += fmt::format("{}`{}`", compat.empty() ? "" : ", ", cli);
    if (spec.scope != ArgScope::kRequest) continue;
    text += fmt::format("| `{}` | {} | `{}` | {} |\n", spec.name, arg_kind_text(spec), cli, spec.help);
  }
  if (!compat.empty()) text += fmt::format("\nAccepted by the CLI without effect (ccusage's flags): {}.\n", compat);
  return text + "\n";
}

}  // namespace

const std::vector<CommandSpec>& command_registry() {
  static const std::vector<CommandSpec> registry = make_registry();
  return registry;
}

const CommandSpec* find_command(std::string_view name) {
  for (const CommandSpec& command : command_registry()) {
    if (command.name == name) return &command;
  }
  return nullptr;
}

const std::string* ResponseCache::find(std::string_view line, std::uint64_t generation, std::int64_t now_ms) {
  if (generation != generation_) return nullptr;
  const auto it = entries_.find(std::string(line));
  return it == entries_.end() || now_ms >= it->second.until_ms ? nullptr : &it->second.response;
}

void ResponseCache::store(std::string_view line, const std::string& response, std::uint64_t generation,
                          std::int64_t until_ms) {
  if (generation != generation_ || entries_.size() >= kMaxEntries) {
    entries_.clear();
    generation_ = generation;
  }
  entries_.insert_or_assign(std::string(line), Entry{response, until_ms});
}

std::string handle_request_line(std::string_view line, ReportSource& source, const ControlHooks& hooks,
                                ResponseCache* cache) {
  try {
    return dispatch(line, source, hooks, cache);
  } catch (const ProtocolError& error) {
    return encode_error(error.code(), error.what());
  } catch (const std::exception& error) {
    return encode_error(ErrorCode::kInternal, error.what());
  } catch (...) {
    return encode_error(ErrorCode::kInternal, "unexpected error");
  }
}

std::string render_command_reference() {
  std::string text;
  for (const CommandSpec& command : command_registry()) text += command_section(command);
  return text;
}

}  // namespace cu::ctl
