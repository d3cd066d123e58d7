#include "ctl/cli.h"

#include <algorithm>
#include <chrono>
#include <iterator>
#include <map>
#include <optional>
#include <stdexcept>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "config/default_paths.h"
#include "ctl/command_registry.h"
#include "ctl/control_client.h"
#include "ctl/protocol.h"

namespace cu::ctl {
namespace {

using Json = nlohmann::json;

// The statusline runs on every Claude Code refresh: give up on a missing daemon quickly.
constexpr std::chrono::milliseconds kStatuslineConnectTimeout{100};
constexpr std::chrono::milliseconds kStatuslineResponseTimeout{1000};
// command_args.cpp's limit for a JSON argument.
constexpr std::size_t kMaxForwardedRateLimitsBytes = 4096;

// One subcommand and the storage CLI11 writes its flags into (map nodes do not move).
struct Subcommand {
  const CommandSpec* command = nullptr;
  CLI::App* app = nullptr;
  std::map<std::string, std::string> values;
  std::map<std::string, bool> flags;
};

struct Settings {
  std::filesystem::path socket;
  std::string zone = "local";
  // Where each socket tried came from, for the message when none answers: "PATH (why)".
  std::vector<std::string> tried;
};

// One place a daemon may listen: its socket and the zone of its tables.
struct Candidate {
  std::filesystem::path socket;
  std::string zone = "local";
  std::string origin;
};

std::optional<Candidate> candidate_of_config(const std::filesystem::path& path, const Environment& env,
                                             bool path_is_explicit, std::string origin) {
  const Config config = read_config(path, env, path_is_explicit);
  return Candidate{config.ctl_socket, config.timezone, std::move(origin)};
}

// The system template's instance for this user (systemd/claude-usaged@.service): its config with
// the environment the unit gives it.
std::optional<Candidate> system_unit_candidate(const CliIo& io) {
  auto user = io.env.get("USER");
  if (!user || user->empty()) user = io.env.get("LOGNAME");
  if (!user || user->empty() || user->find('/') != std::string::npos) return std::nullopt;
  Environment unit = io.env;
  unit.vars["XDG_RUNTIME_DIR"] = (io.system_root / "run/claude-usaged" / *user).string();
  unit.vars["XDG_STATE_HOME"] = (io.system_root / "var/lib/claude-usaged" / *user).string();
  const auto config = io.system_root / "etc/claude-usaged/config.yaml";
  const std::string origin = fmt::format("the system unit claude-usaged@{}", *user);
  try {
    if (std::filesystem::exists(config)) return candidate_of_config(config, unit, true, origin);
  } catch (const ConfigError&) {
    // Another user's daemon config may be unreadable or invalid for us: use the default path.
  }
  return Candidate{default_ctl_socket(unit), "local", origin};
}

bool socket_exists(const std::filesystem::path& path) {
  std::error_code error;
  return std::filesystem::is_socket(path, error);
}

std::string help_of(const ArgSpec& spec) {
  if (spec.kind != ArgKind::kChoice) return std::string(spec.help);
  std::string choices;
  for (const auto choice : spec.choices) {
    if (!choices.empty()) choices += '|';
    choices += choice;
  }
  return fmt::format("{} ({}; default {})", spec.help, choices, spec.choices.front());
}

void add_flag(Subcommand& sub, const ArgSpec& spec) {
  std::string names = cli_flag_of(spec);
  if (spec.short_flag != '\0') names += fmt::format(",-{}", spec.short_flag);
  const std::string key(spec.name);
  if (spec.kind == ArgKind::kFlag) {
    sub.app->add_flag(names, sub.flags[key], help_of(spec));
  } else if (spec.kind == ArgKind::kBreakdown) {  // a flag that may name what to break down by
    sub.app->add_option(names, sub.values[key], help_of(spec))->expected(0, 1);
  } else {
    sub.app->add_option(names, sub.values[key], help_of(spec));
  }
}

Json given_args(const Subcommand& sub) {
  Json args = Json::object();
  for (const auto name : sub.command->args) {
    const ArgSpec& spec = *find_arg(name);
    const std::string key(name);
    if (sub.app->get_option(cli_flag_of(spec))->count() == 0) continue;
    args[key] = spec.kind == ArgKind::kFlag ? Json(sub.flags.at(key)) : arg_value_of_text(spec, sub.values.at(key));
  }
  return args;
}

Json request_args_of(const Json& args) {
  Json request = Json::object();
  for (const auto& [name, value] : args.items()) {
    if (find_arg(name)->scope == ArgScope::kRequest) request[name] = value;
  }
  return request;
}

// Which socket to ask (docs/PROTOCOL.md, "Finding the daemon"): --socket; else
// $CLAUDE_USAGED_SOCKET; else ctl.socket of --config; else the first of these that exists: ctl.socket
// of the user's config (the user unit), the system unit's instance for this user. When none
// exists the first is tried, and the message names them all.
Settings settings_of(const GlobalOptions& global, const CliIo& io) {
  const Environment& env = io.env;
  Settings settings;
  std::optional<Candidate> config;
  try {
    config = global.config.empty() ? candidate_of_config(default_config_path(env), env, false, "")
                                   : candidate_of_config(global.config, env, true, "");
  } catch (const ConfigError&) {
    // With an explicit socket the config only picks the time zone of tables: not worth failing.
    if (global.socket.empty()) throw;
  }
  if (config) settings.zone = config->zone;
  const auto explicit_socket = [&](const std::filesystem::path& path, const std::string& origin) {
    settings.socket = path;
    settings.tried = {fmt::format("{} ({})", path.string(), origin)};
    return settings;
  };
  if (!global.socket.empty()) return explicit_socket(global.socket, "--socket");
  if (auto socket = env.get("CLAUDE_USAGED_SOCKET"); socket && !socket->empty()) {
    return explicit_socket(*socket, "$CLAUDE_USAGED_SOCKET");
  }
  if (!global.config.empty()) return explicit_socket(config->socket, "ctl.socket of " + global.config);
  std::vector<Candidate> candidates{*config};
  candidates.front().origin = "ctl.socket of " + default_config_path(env).string() + ", the user unit";
  if (auto system = system_unit_candidate(io)) candidates.push_back(std::move(*system));
  const auto found = std::find_if(candidates.begin(), candidates.end(), [](const Candidate& c) { return socket_exists(c.socket); });
  const Candidate& chosen = found != candidates.end() ? *found : candidates.front();
  settings.socket = chosen.socket;
  settings.zone = chosen.zone;
  for (const Candidate& candidate : candidates) {
    settings.tried.push_back(fmt::format("{} ({})", candidate.socket.string(), candidate.origin));
  }
  return settings;
}

// "claude-usaged is not running: no daemon on A (why), nor on B (why)" when several were looked for.
std::string not_running_message(const ClientError& error, const Settings& settings) {
  if (error.kind() != ClientErrorKind::kNotRunning || settings.tried.size() < 2) return error.what();
  std::string places;
  for (std::size_t i = 0; i < settings.tried.size(); ++i) places += (i == 0 ? "" : ", nor on ") + settings.tried[i];
  return fmt::format("claude-usaged is not running: no daemon on {}; start it with \"systemctl --user start "
                     "claude-usaged\" or pass --socket", places);
}

// --no-color and NO_COLOR win; then --color and FORCE_COLOR (as ccusage); else a terminal.
bool colour_wanted(const GlobalOptions& global, const CliIo& io) {
  const auto set = [&](const char* name) {
    const auto value = io.env.get(name);
    return value && !value->empty() && *value != "0";
  };
  if (global.no_color || set("NO_COLOR")) return false;
  return global.color || set("FORCE_COLOR") || io.out_is_tty;
}

PrintContext print_context(const CommandArgs& args, const GlobalOptions& global, const CliIo& io,
                           const std::string& zone) {
  PrintContext context;
  context.colour = colour_wanted(global, io);
  context.zone = args.timezone.value_or(zone);
  context.compact = args.compact;
  context.project_aliases = args.project_aliases;
  return context;
}

int exit_code_of(const ClientError& error) {
  switch (error.kind()) {
    case ClientErrorKind::kNotRunning:
    case ClientErrorKind::kTimeout: return kExitNotRunning;
    case ClientErrorKind::kPermissionDenied: return kExitPermission;
    case ClientErrorKind::kVersionMismatch:
    case ClientErrorKind::kProtocol: return kExitProtocol;
    case ClientErrorKind::kCommandFailed: return kExitCommandFailed;
  }
  return kExitCommandFailed;
}

std::string fallback_reason(const ClientError& error) {
  switch (error.kind()) {
    case ClientErrorKind::kNotRunning: return "claude-usaged not running";
    case ClientErrorKind::kTimeout: return "claude-usaged not answering";
    case ClientErrorKind::kPermissionDenied: return "claude-usaged: permission denied";
    default: return "claude-usaged error";
  }
}

// The hook's rate_limits as sent to the daemon, which records the valid windows and counts the
// rest; one too large for a request argument is sent as a marker it counts as malformed.
Json forwarded_rate_limits(const Json& rate_limits) {
  return rate_limits.dump().size() <= kMaxForwardedRateLimitsBytes ? rate_limits : Json("too large");
}

std::string read_all(std::istream& in) { return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()}; }

int run_statusline(const Subcommand& sub, const GlobalOptions& global, CliIo& io) {
  PrintContext context;
  context.hook = parse_statusline_hook(read_all(io.in));
  context.colour = colour_wanted(global, io);
  try {
    Json args = given_args(sub);
    if (!args.contains("session_id") && !context.hook.session_id.empty()) args["session_id"] = context.hook.session_id;
    if (!args.contains("rate_limits") && !context.hook.rate_limits.is_null()) {
      args["rate_limits"] = forwarded_rate_limits(context.hook.rate_limits);
    }
    const CommandArgs parsed = parse_command_args(sub.command->args, args, /*include_printer_args=*/true);
    const ClientOptions options{settings_of(global, io).socket, kStatuslineConnectTimeout, kStatuslineResponseTimeout};
    const Json data = call_daemon(options, sub.command->name, request_args_of(args));
    if (global.json) {
      io.out << render_json(data) << "\n";
    } else {
      sub.command->print(data, parsed, context, io.out);
    }
  } catch (const ClientError& error) {
    io.out << statusline_fallback(context.hook, fallback_reason(error)) << "\n";
  } catch (const std::exception& error) {
    io.out << statusline_fallback(context.hook, "claude-usagectl: " + std::string(error.what())) << "\n";
  }
  return kExitOk;
}

int run_command(const Subcommand& sub, const GlobalOptions& global, CliIo& io) {
  const Json args = given_args(sub);
  CommandArgs parsed;
  Settings settings;
  try {
    parsed = parse_command_args(sub.command->args, args, /*include_printer_args=*/true);
    if (parsed.csv && global.json) throw std::invalid_argument("--csv and --json exclude each other");
    settings = settings_of(global, io);
  } catch (const std::exception& error) {
    io.err << "claude-usagectl " << sub.command->name << ": " << error.what() << "\n";
    return kExitUsage;
  }
  try {
    if (global.json && sub.command->exit_code == nullptr) {
      io.out << call_daemon_rendered(ClientOptions{settings.socket}, sub.command->name, request_args_of(args)) << "\n";
      return kExitOk;
    }
    const Json data = call_daemon(ClientOptions{settings.socket}, sub.command->name, request_args_of(args));
    if (global.json) {
      io.out << render_json(data) << "\n";
    } else if (parsed.csv) {
      sub.command->csv(data, parsed, io.out);
    } else {
      sub.command->print(data, parsed, print_context(parsed, global, io, settings.zone), io.out);
    }
    return sub.command->exit_code != nullptr ? sub.command->exit_code(data) : kExitOk;
  } catch (const ClientError& error) {
    io.err << "claude-usagectl " << sub.command->name << ": " << not_running_message(error, settings) << "\n";
    return exit_code_of(error);
  }
}

// Project folders start with '-' ("-home-ana-api"), which CLI11 would read as flags: glue such a
// value to its option ("--project=-home-ana-api") before parsing.
std::vector<std::string> glued_project_values(const std::vector<std::string>& args) {
  std::vector<std::string> glued;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const bool project_option = args[i] == "--project" || args[i] == "-p";
    if (project_option && i + 1 < args.size() && args[i + 1].starts_with('-')) {
      glued.push_back("--project=" + args[++i]);
    } else {
      glued.push_back(args[i]);
    }
  }
  return glued;
}

}  // namespace

void define_cli(CLI::App& app, GlobalOptions& options) {
  app.name("claude-usagectl");
  app.description("Query claude-usaged, the Claude Code usage daemon, over its control socket.");
  app.require_subcommand(1);
  app.fallthrough();
  app.add_option("--socket", options.socket, "control socket (default: ctl.socket of the config)")->type_name("PATH");
  app.add_option("--config", options.config, "config file (default: ~/.config/claude-usaged/config.yaml)")
      ->type_name("FILE");
  app.add_flag("--json,-j", options.json, "print the daemon's JSON (ccusage's --json shapes for reports)");
  app.add_flag("--color", options.color, "colour the output also when it is not a terminal (also: FORCE_COLOR=1)");
  app.add_flag("--no-color", options.no_color, "never colour the output (also: NO_COLOR=1)");
  app.set_version_flag("-v,--version", std::string(CU_VERSION));
}

int run_cli(const std::vector<std::string>& args, CliIo& io) {
  CLI::App app;
  GlobalOptions global;
  define_cli(app, global);
  std::vector<Subcommand> subs(command_registry().size());
  for (std::size_t i = 0; i < subs.size(); ++i) {
    subs[i].command = &command_registry()[i];
    subs[i].app = app.add_subcommand(std::string(subs[i].command->name), std::string(subs[i].command->summary));
    for (const auto name : subs[i].command->args) add_flag(subs[i], *find_arg(name));
  }
  const std::vector<std::string> glued = glued_project_values(args);
  std::vector<const char*> argv{"claude-usagectl"};
  for (const std::string& arg : glued) argv.push_back(arg.c_str());
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::ParseError& error) {
    const int code = app.exit(error, io.out, io.err);
    return code == 0 ? kExitOk : kExitUsage;
  }
  for (const Subcommand& sub : subs) {
    if (!sub.app->parsed()) continue;
    return sub.command->name == "statusline" ? run_statusline(sub, global, io) : run_command(sub, global, io);
  }
  return kExitUsage;
}

int exit_code_after_flush(int code, std::ostream& out) {
  out.flush();
  return out ? code : kExitOutput;
}

}  // namespace cu::ctl
