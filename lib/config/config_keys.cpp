#include "config/config_keys.h"

#include <date/tz.h>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <climits>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

#include <grp.h>

#include "config/default_paths.h"
#include "config/listen_address.h"
#include "config/price_overrides.h"
#include "config/yaml_value.h"

namespace cu {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kGroupLookupBuffer = 16 * 1024;

// The text columns of a row.
struct KeyText {
  std::string_view path;
  std::string_view description;
  std::string_view default_doc = {};
  std::string_view example = {};
};

ConfigKey make_key(const KeyText& text) {
  return ConfigKey{text.path, text.description, text.default_doc, text.example, {}, {}, {}};
}

template <typename T>
using DefaultOf = std::function<T(const Environment&)>;

template <typename T>
DefaultOf<T> constant(T value) {
  return [value](const Environment&) { return value; };
}

// A whole number in [low, high].
ConfigKey integer_key(const KeyText& text, int Config::*member, int default_value, int low,
                      int high) {
  ConfigKey key = make_key(text);
  key.set_default = [=](const Environment&, Config& c) { c.*member = default_value; };
  key.parse = [=](const YAML::Node& node, const Environment&, Config& c) {
    auto value = parse_integer(scalar_text(node).value_or(""));
    if (!value || *value < low || *value > high) {
      throw ValueError(
          node, fmt::format("must be an integer from {} to {}, got {}", low, high, describe(node)));
    }
    c.*member = static_cast<int>(*value);
  };
  key.render = [=](const Config& c) { return YAML::Node(c.*member); };
  return key;
}

template <typename E>
struct Choice {
  std::string_view name;
  E value;
};

// One of a fixed set of names.
template <typename E, std::size_t N>
ConfigKey choice_key(const KeyText& text, E Config::*member, E default_value,
                     const std::array<Choice<E>, N>& choices) {
  ConfigKey key = make_key(text);
  key.set_default = [=](const Environment&, Config& c) { c.*member = default_value; };
  key.parse = [=](const YAML::Node& node, const Environment&, Config& c) {
    std::string given = scalar_text(node).value_or("");
    for (const auto& choice : choices) {
      if (choice.name == given) {
        c.*member = choice.value;
        return;
      }
    }
    std::string names;
    for (const auto& choice : choices) names.append(names.empty() ? "" : ", ").append(choice.name);
    throw ValueError(node, fmt::format("must be one of {}, got {}", names, describe(node)));
  };
  key.render = [=](const Config& c) {
    for (const auto& choice : choices) {
      if (choice.value == c.*member) return YAML::Node(std::string(choice.name));
    }
    return YAML::Node();
  };
  return key;
}

// Checks a string value; returns the problem ("must be ...") or an empty string.
using StringCheck = std::function<std::string(const std::string&)>;

std::string must_not_be_empty(const std::string& value) {
  return value.empty() ? "must not be empty" : "";
}

std::string any_string(const std::string&) { return ""; }

std::string must_be_time_zone(const std::string& value) {
  if (value == "local") return "";
  try {
    date::locate_zone(value);
    return "";
  } catch (const std::exception&) {
    return fmt::format(
        "must be an IANA time zone name such as \"Europe/Berlin\", or \"local\", "
        "got \"{}\"",
        value);
  }
}

// Digits naming a gid below (gid_t)-1, which chown() reads as "unchanged".
bool is_numeric_gid(const std::string& value) {
  return !value.empty() && value.size() <= 10 && value.find_first_not_of("0123456789") == std::string::npos &&
         std::stoull(value) < UINT_MAX;
}

bool group_exists(const std::string& name) {
  std::vector<char> buffer(kGroupLookupBuffer);
  group entry{};
  group* found = nullptr;
  return ::getgrnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &found) == 0 && found != nullptr;
}

// Empty (no group), a numeric gid, or the name of a group the system knows.
std::string must_be_group(const std::string& value) {
  if (value.empty() || is_numeric_gid(value) || group_exists(value)) return "";
  return fmt::format("must be a group name or a numeric gid; there is no group \"{}\"", value);
}

ConfigKey string_key(const KeyText& text, std::string Config::*member,
                     DefaultOf<std::string> default_value, StringCheck check) {
  ConfigKey key = make_key(text);
  key.set_default = [=](const Environment& env, Config& c) { c.*member = default_value(env); };
  key.parse = [=](const YAML::Node& node, const Environment&, Config& c) {
    std::string value = read_scalar(node, "a string");
    if (std::string problem = check(value); !problem.empty()) throw ValueError(node, problem);
    c.*member = std::move(value);
  };
  key.render = [=](const Config& c) { return YAML::Node(c.*member); };
  return key;
}

enum class EmptyPath { kRefused, kMeansNone };

// A path: absolute, or starting with "~/" (expanded). Relative paths are refused because the
// daemon's working directory is no place the user chose.
fs::path read_path(const YAML::Node& node, const Environment& env, EmptyPath empty) {
  std::string text = read_scalar(node, "a path");
  if (text.empty()) {
    if (empty == EmptyPath::kMeansNone) return {};
    throw ValueError(node, "must not be empty");
  }
  fs::path path = expand_home(text, env);
  if (!path.is_absolute()) {
    throw ValueError(
        node, fmt::format("must be an absolute path or start with \"~/\", got {}", describe(node)));
  }
  return path.lexically_normal();
}

ConfigKey path_key(const KeyText& text, fs::path Config::*member, DefaultOf<fs::path> default_value,
                   EmptyPath empty) {
  ConfigKey key = make_key(text);
  key.set_default = [=](const Environment& env, Config& c) { c.*member = default_value(env); };
  key.parse = [=](const YAML::Node& node, const Environment& env, Config& c) {
    c.*member = read_path(node, env, empty);
  };
  key.render = [=](const Config& c) { return YAML::Node((c.*member).string()); };
  return key;
}

// A non-empty list of directories; a single path is read as a list of one.
ConfigKey directory_list_key(const KeyText& text, std::vector<fs::path> Config::*member,
                             DefaultOf<std::vector<fs::path>> default_value) {
  ConfigKey key = make_key(text);
  key.set_default = [=](const Environment& env, Config& c) { c.*member = default_value(env); };
  key.parse = [=](const YAML::Node& node, const Environment& env, Config& c) {
    if (node.IsScalar()) {
      c.*member = {normalize_dir(read_path(node, env, EmptyPath::kRefused))};
      return;
    }
    if (!node.IsSequence() || node.size() == 0) {
      throw ValueError(
          node, fmt::format("must be a non-empty list of directories, got {}", describe(node)));
    }
    std::vector<fs::path> dirs;
    for (const YAML::Node& item : node)
      dirs.push_back(normalize_dir(read_path(item, env, EmptyPath::kRefused)));
    c.*member = std::move(dirs);
  };
  key.render = [=](const Config& c) {
    YAML::Node list(YAML::NodeType::Sequence);
    for (const fs::path& dir : c.*member) list.push_back(dir.string());
    return list;
  };
  return key;
}

ConfigKey price_overrides_key(const KeyText& text) {
  ConfigKey key = make_key(text);
  key.set_default = [](const Environment&, Config& c) { c.pricing_overrides.clear(); };
  key.parse = [](const YAML::Node& node, const Environment&, Config& c) {
    c.pricing_overrides = parse_price_overrides(node);
  };
  key.render = [](const Config& c) { return render_price_overrides(c.pricing_overrides); };
  return key;
}

// The limits.* keys (SPEC §11): defaults are LimitSettings' own.
std::string integer_range(std::int64_t low, std::int64_t high) {
  if (high == std::numeric_limits<std::int64_t>::max()) return fmt::format("an integer of at least {}", low);
  return fmt::format("an integer from {} to {}", low, high);
}

// A whole number of limits.* in [low, high].
ConfigKey limit_integer_key(const KeyText& text, std::int64_t LimitSettings::*member, std::int64_t low,
                            std::int64_t high = std::numeric_limits<std::int64_t>::max()) {
  ConfigKey key = make_key(text);
  key.set_default = [=](const Environment&, Config& c) { c.limits.*member = LimitSettings{}.*member; };
  key.parse = [=](const YAML::Node& node, const Environment&, Config& c) {
    auto value = parse_integer(scalar_text(node).value_or(""));
    if (!value || *value < low || *value > high) {
      throw ValueError(node, fmt::format("must be {}, got {}", integer_range(low, high), describe(node)));
    }
    c.limits.*member = *value;
  };
  key.render = [=](const Config& c) { return YAML::Node(c.limits.*member); };
  return key;
}

// A fraction of limits.* in (0, 1].
ConfigKey limit_ratio_key(const KeyText& text, double LimitSettings::*member) {
  ConfigKey key = make_key(text);
  key.set_default = [=](const Environment&, Config& c) { c.limits.*member = LimitSettings{}.*member; };
  key.parse = [=](const YAML::Node& node, const Environment&, Config& c) {
    auto value = parse_number(scalar_text(node).value_or(""));
    if (!value || !(*value > 0) || *value > 1) {
      throw ValueError(node, fmt::format("must be a number above 0 and at most 1, got {}", describe(node)));
    }
    c.limits.*member = *value;
  };
  // The shortest text that reads back to the same double.
  key.render = [=](const Config& c) { return YAML::Node(fmt::format("{}", c.limits.*member)); };
  return key;
}

// A positive whole number, or ValueError naming `node` as part of a list of them.
std::int64_t positive_list_item(const YAML::Node& node) {
  auto value = parse_integer(scalar_text(node).value_or(""));
  if (!value || *value < 1) {
    throw ValueError(node, fmt::format("must be a non-empty list of positive integers, got {}", describe(node)));
  }
  return *value;
}

// A non-empty list of positive whole numbers of limits.*, shown as a flow list.
ConfigKey limit_list_key(const KeyText& text, std::vector<std::int64_t> LimitSettings::*member) {
  ConfigKey key = make_key(text);
  key.set_default = [=](const Environment&, Config& c) { c.limits.*member = LimitSettings{}.*member; };
  key.parse = [=](const YAML::Node& node, const Environment&, Config& c) {
    if (!node.IsSequence() || node.size() == 0) {
      throw ValueError(node, fmt::format("must be a non-empty list of positive integers, got {}", describe(node)));
    }
    std::vector<std::int64_t> values;
    for (const YAML::Node& item : node) values.push_back(positive_list_item(item));
    c.limits.*member = std::move(values);
  };
  key.render = [=](const Config& c) {
    YAML::Node list(YAML::NodeType::Sequence);
    for (const std::int64_t value : c.limits.*member) list.push_back(value);
    list.SetStyle(YAML::EmitterStyle::Flow);
    return list;
  };
  return key;
}

// http.listen: empty, or an address parse_listen_address reads.
std::string check_listen_address(const std::string& value) {
  std::string problem;
  if (value.empty() || parse_listen_address(value, problem)) return {};
  return problem;
}

// projects.groups: a map from group name to a non-empty list of globs; "~/" in a glob is the home
// directory. The map's order is kept: a project belongs to the first group that matches it.
std::vector<ProjectGroup> parse_project_groups(const YAML::Node& node, const Environment& env) {
  if (!node.IsMap()) {
    throw ValueError(node, fmt::format("must be a map of group names to lists of globs, got {}", describe(node)));
  }
  std::vector<ProjectGroup> groups;
  for (const auto& entry : node) {
    ProjectGroup group{read_scalar(entry.first, "a group name"), {}};
    if (group.name.empty() || group.name == kUngroupedName) {
      throw ValueError(entry.first, fmt::format("a group name must not be empty nor \"{}\"", kUngroupedName));
    }
    if (find_group(groups, group.name) != nullptr) {
      throw ValueError(entry.first, fmt::format("group \"{}\" is defined twice", group.name));
    }
    const YAML::Node& globs = entry.second;
    if (globs.IsScalar()) {
      group.globs.push_back(read_scalar(globs, "a glob"));
    } else if (globs.IsSequence() && globs.size() > 0) {
      for (const YAML::Node& glob : globs) group.globs.push_back(read_scalar(glob, "a glob"));
    } else {
      throw ValueError(globs, fmt::format("group \"{}\" must have a glob or a non-empty list of globs, got {}",
                                          group.name, describe(globs)));
    }
    for (std::string& glob : group.globs) {
      if (glob.empty()) throw ValueError(globs, fmt::format("group \"{}\" has an empty glob", group.name));
      if (glob.starts_with("~/")) glob = expand_home(glob, env).string();
    }
    groups.push_back(std::move(group));
  }
  return groups;
}

ConfigKey project_groups_key(const KeyText& text) {
  ConfigKey key = make_key(text);
  key.set_default = [](const Environment&, Config& c) { c.project_groups.clear(); };
  key.parse = [](const YAML::Node& node, const Environment& env, Config& c) {
    c.project_groups = parse_project_groups(node, env);
  };
  key.render = [](const Config& c) {
    YAML::Node map(YAML::NodeType::Map);
    for (const ProjectGroup& group : c.project_groups) {
      YAML::Node globs(YAML::NodeType::Sequence);
      for (const std::string& glob : group.globs) globs.push_back(glob);
      globs.SetStyle(YAML::EmitterStyle::Flow);
      map[group.name] = globs;
    }
    return map;
  };
  return key;
}

constexpr std::string_view kProjectGroupsExample = R"(work: ["/home/ana/work/*", "~/clients/*"]
oss: ["-home-ana-src-*"])";

constexpr std::array<Choice<CostMode>, 2> kCostModes = {{
    {"auto", CostMode::kAuto},
    {"calculate", CostMode::kCalculate},
}};

constexpr std::array<Choice<LogLevel>, 5> kLogLevels = {{
    {"debug", LogLevel::kDebug},
    {"info", LogLevel::kInfo},
    {"notice", LogLevel::kNotice},
    {"warning", LogLevel::kWarning},
    {"error", LogLevel::kError},
}};

constexpr std::string_view kOverridesExample = R"(claude-sonnet-4-5:
  input: 3
  output: 15
  cache_write_5m: 3.75
  cache_write_1h: 6
  cache_read: 0.3
  input_above_200k: 6
  output_above_200k: 22.5
  cache_write_5m_above_200k: 7.5
  cache_write_1h_above_200k: 12
  cache_read_above_200k: 0.6
  fast_multiplier: 1)";

std::vector<ConfigKey> build_keys() {
  return {
      directory_list_key(
          {"sources.claude_dirs",
           "Claude config roots, each holding projects/; replaces CLAUDE_CONFIG_DIR and the "
           "defaults.",
           "CLAUDE_CONFIG_DIR's entries, else ${XDG_CONFIG_HOME:-~/.config}/claude and ~/.claude",
           "[~/.config/claude, ~/.claude]"},
          &Config::claude_dirs, default_claude_roots),
      string_key({"timezone",
                  "Time zone for days, weeks and months: an IANA name (\"Europe/Berlin\") or \"local\" "
                  "(TZ, else /etc/localtime), named at start and reload as --check-config shows."},
                 &Config::timezone, constant<std::string>("local"), must_be_time_zone),
      string_key({"identity",
                  "The `source` column of every row: tells machines apart in a shared database.",
                  "<USER>@<hostname>", "ana@laptop"},
                 &Config::identity, default_identity, must_not_be_empty),
      path_key(
          {"storage.sqlite_path", "The SQLite database (always kept; the fallback for PostgreSQL).",
           "${XDG_STATE_HOME:-~/.local/state}/claude-usaged/usage.db",
           "~/.local/state/claude-usaged/usage.db"},
          &Config::sqlite_path, default_sqlite_path, EmptyPath::kRefused),
      string_key({"storage.postgres_url",
                  "PostgreSQL connection URL (postgresql://user@host/db); empty: SQLite only."},
                 &Config::postgres_url, constant<std::string>(""), any_string),
      path_key({"storage.postgres_password_file",
                "File holding the PostgreSQL password, kept out of the URL; empty: none."},
               &Config::postgres_password_file, constant<fs::path>({}), EmptyPath::kMeansNone),
      path_key({"ctl.socket", "The control socket claude-usagectl talks to.",
                "$XDG_RUNTIME_DIR/claude-usaged.sock, else "
                "${XDG_STATE_HOME:-~/.local/state}/claude-usaged/claude-usaged.sock",
                "/run/user/1000/claude-usaged.sock"},
               &Config::ctl_socket, default_ctl_socket, EmptyPath::kRefused),
      string_key({"ctl.group",
                  "Group (name or gid) whose members may use the control socket (mode 0660); empty: "
                  "only this user (0600)."},
                 &Config::ctl_group, constant<std::string>(""), must_be_group),
      integer_key({"rollup.block_hours", "Length of a billing block in hours (1 to 24)."},
                  &Config::block_hours, 5, 1, 24),
      integer_key({"retention.raw_events_months",
                   "Keep raw events for this many full months before the current one (1 to 1200); older days "
                   "are frozen (their daily, session and block rows kept, final) and their events dropped. "
                   "0: keep every event for ever."},
                  &Config::raw_events_months, 0, 0, 1200),
      choice_key({"pricing.mode",
                  "auto: use the costUSD Claude Code logged when present; calculate: always "
                  "use prices."},
                 &Config::pricing_mode, CostMode::kAuto, kCostModes),
      path_key({"pricing.file",
                "LiteLLM's price list (model_prices_and_context_window.json) replacing the built-in "
                "prices; empty: built-in."},
               &Config::pricing_file, constant<fs::path>({}), EmptyPath::kMeansNone),
      price_overrides_key({"pricing.overrides",
                           "Prices per model in USD per million tokens, replacing the built-in "
                           "row; *_above_200k optional.",
                           "none", kOverridesExample}),
      project_groups_key({"projects.groups",
                          "Named groups of projects for --group and daily --by-group: globs over project "
                          "paths or folders; a project is in the first group that matches.",
                          "none", kProjectGroupsExample}),
      string_key({"http.listen",
                  "Address (host:port) of the dashboard, /metrics and /api; empty: no HTTP. A non-loopback "
                  "address exposes the usage to the network (behind the token)."},
                 &Config::http_listen, constant<std::string>("127.0.0.1:8798"), check_listen_address),
      path_key({"http.token_file", "The bearer token every HTTP path but /healthz requires; made (0600) when missing.",
                "${XDG_STATE_HOME:-~/.local/state}/claude-usaged/http.token",
                "/home/ana/.local/state/claude-usaged/http.token"},
               &Config::http_token_file, [](const Environment& env) { return state_dir(env) / "http.token"; },
               EmptyPath::kRefused),
      choice_key({"log.level", "Lowest level logged: debug, info, notice, warning or error."},
                 &Config::log_level, LogLevel::kInfo, kLogLevels),
      limit_integer_key({"limits.p90_window_hours",
                         "P90 token limit: completed blocks that started within this many hours count (1 to 8760)."},
                        &LimitSettings::p90_window_hours, 1, 8760),
      limit_ratio_key({"limits.p90_hit_ratio",
                       "P90: a block \"hit a limit\" when its input + output tokens reach this fraction of a "
                       "common limit (above 0, at most 1)."},
                      &LimitSettings::p90_hit_ratio),
      limit_list_key({"limits.p90_common_limits", "P90: the plans' usual 5-hour token limits a block may have hit."},
                     &LimitSettings::p90_common_limits),
      limit_integer_key({"limits.p90_floor", "P90: the least token limit it reports (0 or more)."},
                        &LimitSettings::p90_floor, 0),
      limit_integer_key({"limits.stale_minutes",
                         "An official rate-limit reading older than this many minutes is stale (1 to 1440)."},
                        &LimitSettings::stale_minutes, 1, 1440),
      limit_integer_key({"limits.burn_minutes",
                         "Burn rate of a limit window: its cost in this many minutes before now, per minute "
                         "(of the minutes the window has run, when fewer) (1 to 1440)."},
                        &LimitSettings::burn_minutes, 1, 1440),
  };
}

}  // namespace

std::string_view ConfigKey::section() const {
  auto dot = path.rfind('.');
  return dot == std::string_view::npos ? std::string_view{} : path.substr(0, dot);
}

std::string_view ConfigKey::name() const {
  auto dot = path.rfind('.');
  return dot == std::string_view::npos ? path : path.substr(dot + 1);
}

const std::vector<ConfigKey>& config_keys() {
  static const std::vector<ConfigKey> keys = build_keys();
  return keys;
}

const ConfigKey* find_config_key(std::string_view path) {
  for (const ConfigKey& key : config_keys()) {
    if (key.path == path) return &key;
  }
  return nullptr;
}

bool is_config_section(std::string_view path) {
  for (const ConfigKey& key : config_keys()) {
    if (key.section() == path) return true;
  }
  return false;
}

std::string known_keys_below(std::string_view section) {
  std::vector<std::string_view> seen;
  std::string names;
  auto add = [&](std::string_view name) {
    if (std::find(seen.begin(), seen.end(), name) != seen.end()) return;
    seen.push_back(name);
    names.append(names.empty() ? "" : ", ").append(name);
  };
  for (const ConfigKey& key : config_keys()) {
    if (key.section() == section) add(key.name());
    if (section.empty() && !key.section().empty()) add(key.section());
  }
  return names;
}

}  // namespace cu
