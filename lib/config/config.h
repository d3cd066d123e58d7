#pragma once
// The daemon's typed configuration (SPEC §8) and where its defaults come from (SPEC §2).
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/log_level.h"
#include "core/project_group.h"
#include "limits/limit_settings.h"
#include "pricing/price_table.h"

namespace cu {

struct Config {
  // Claude config roots, each containing `projects/` (SPEC §2). The daemon follows all of them
  // (`configured_claude_roots`), waiting for those not there yet; `--once` reads the
  // `effective_claude_roots`, whose `projects` is a directory.
  std::vector<std::filesystem::path> claude_dirs;
  std::string timezone = "local";  // IANA name or "local" (load_config resolves it to a name)
  std::string identity;            // default <user>@<hostname>
  std::filesystem::path sqlite_path;
  std::string postgres_url;  // empty: SQLite only
  std::filesystem::path postgres_password_file;
  std::filesystem::path ctl_socket;
  std::string ctl_group;  // group name or numeric gid: socket 0660 for that group; empty: 0600
  int block_hours = 5;
  // retention.raw_events_months: raw events of the days before the first day of the month this
  // many months back are dropped, their days frozen (SPEC §13); 0: kept for ever.
  int raw_events_months = 0;
  CostMode pricing_mode = CostMode::kAuto;
  std::filesystem::path pricing_file;  // LiteLLM-format JSON replacing the built-in prices; empty: none
  std::map<std::string, ModelPrices> pricing_overrides;
  LogLevel log_level = LogLevel::kInfo;
  LimitSettings limits;  // limits.*: the constants of the limit estimates (SPEC §11)
  std::vector<ProjectGroup> project_groups;  // projects.groups, in the file's order
  std::string http_listen = "127.0.0.1:8798";  // host:port of the dashboard, metrics and API; empty: off
  std::filesystem::path http_token_file;       // the bearer token (0600), made when missing

  friend bool operator==(const Config&, const Config&) = default;
};

// What the defaults depend on, so tests never read the real environment or home.
struct Environment {
  std::map<std::string, std::string> vars;  // HOME, XDG_*, CLAUDE_CONFIG_DIR, USER, ...
  std::string hostname;
  // /etc/localtime's symlink target as readlink gives it; "" when it is no symlink; unset when it
  // does not exist.
  std::optional<std::string> localtime_target;

  static Environment current();
  std::optional<std::string> get(const std::string& name) const;
};

// A config problem: names the key and, when it came from a file, the 1-based line.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Defaults for every key from `env` (SPEC §2, §8).
Config default_config(const Environment& env);

// ${XDG_CONFIG_HOME:-~/.config}/claude-usaged/config.yaml
std::filesystem::path default_config_path(const Environment& env);

// Loads `path` over the defaults. A missing file at the default path means all defaults; a missing
// explicitly named file is an error. Throws ConfigError naming key and line on any bad input.
// What depends on the machine is settled here too: `timezone: local` becomes the zone's IANA name
// (resolve_time_zone) and `pricing.file` is read and checked (make_price_table).
Config load_config(const std::filesystem::path& path, const Environment& env, bool path_is_explicit);

// load_config without settling what depends on the machine (`timezone` may stay "local",
// `pricing.file` is not read): for claude-usagectl, which needs the socket and the zone's setting
// on every call and should not pay for the time-zone database or the price table.
Config read_config(const std::filesystem::path& path, const Environment& env, bool path_is_explicit);

// Parses YAML text over the defaults (what load_config does after reading the file). Errors read
// "<source_name>:<line>: <key>: <problem>".
Config parse_config(const std::string& yaml_text, const Environment& env,
                    const std::string& source_name = "config");

// The effective config as YAML, every key present (for --check-config). parse_config of the
// result gives back an equal Config.
std::string render_config(const Config& config);

// The commented example config shipped as etc/claude-usaged.yaml: every key commented out with its
// default and a one-line explanation.
std::string render_example_config();

// Roots from CLAUDE_CONFIG_DIR or the XDG/home defaults (SPEC §2); not filtered for existence.
std::vector<std::filesystem::path> default_claude_roots(const Environment& env);

// `claude_dirs` with duplicates removed (the same directory spelled twice, when it exists).
std::vector<std::filesystem::path> configured_claude_roots(const Config& config);

// configured_claude_roots restricted to those whose `projects` subdirectory exists.
std::vector<std::filesystem::path> effective_claude_roots(const Config& config);

// The IANA name `configured` means: itself, or for "local" the machine's zone: TZ when set
// (":Area/City", "Area/City", or a path into a zoneinfo directory), else /etc/localtime's symlink
// target below zoneinfo/, else (no /etc/localtime) "UTC". Throws ConfigError naming the key when
// what it finds is no known zone.
std::string resolve_time_zone(const std::string& configured, const Environment& env);

// The built-in prices, or those of `pricing.file` when set, with the config's overrides applied.
// Throws ConfigError naming the key and the file when the file cannot be read or parsed.
PriceTable make_price_table(const Config& config);

}  // namespace cu
