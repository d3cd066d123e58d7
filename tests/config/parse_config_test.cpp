#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <set>

#include "config/config.h"
#include "config/config_keys.h"
#include "config/fake_environment.h"

namespace cu {
namespace {

namespace fs = std::filesystem;
using testing::fake_environment;

Config parse(const std::string& yaml) {
  return parse_config(yaml, fake_environment(), "config.yaml");
}

// The message of the ConfigError that parsing `yaml` throws, or "" when it parses.
std::string error_of(const std::string& yaml) {
  try {
    parse(yaml);
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "";
}

struct GoodValue {
  std::string key;
  std::string yaml;
  std::function<void(const Config&)> check;
};

const std::vector<GoodValue>& good_values() {
  static const std::vector<GoodValue> cases = {
      {"sources.claude_dirs", "sources:\n  claude_dirs:\n    - /data/a\n    - ~/b/\n",
       [](const Config& c) {
         EXPECT_EQ(c.claude_dirs, (std::vector<fs::path>{"/data/a", "/home/ana/b"}));
       }},
      {"sources.claude_dirs", "sources:\n  claude_dirs: /data/only\n",
       [](const Config& c) { EXPECT_EQ(c.claude_dirs, std::vector<fs::path>{"/data/only"}); }},
      {"timezone", "timezone: Europe/Berlin\n",
       [](const Config& c) { EXPECT_EQ(c.timezone, "Europe/Berlin"); }},
      {"timezone", "timezone: UTC\n", [](const Config& c) { EXPECT_EQ(c.timezone, "UTC"); }},
      {"timezone", "timezone: local\n", [](const Config& c) { EXPECT_EQ(c.timezone, "local"); }},
      {"identity", "identity: ci-runner-3\n",
       [](const Config& c) { EXPECT_EQ(c.identity, "ci-runner-3"); }},
      {"storage.sqlite_path", "storage:\n  sqlite_path: ~/db/usage.db\n",
       [](const Config& c) { EXPECT_EQ(c.sqlite_path, "/home/ana/db/usage.db"); }},
      {"storage.sqlite_path", "storage:\n  sqlite_path: /var/lib/x/../usage.db\n",
       [](const Config& c) { EXPECT_EQ(c.sqlite_path, "/var/lib/usage.db"); }},
      {"storage.postgres_url", "storage:\n  postgres_url: postgresql://ana@db.example/usage\n",
       [](const Config& c) { EXPECT_EQ(c.postgres_url, "postgresql://ana@db.example/usage"); }},
      {"storage.postgres_password_file", "storage:\n  postgres_password_file: /run/secrets/pg\n",
       [](const Config& c) { EXPECT_EQ(c.postgres_password_file, "/run/secrets/pg"); }},
      {"storage.postgres_password_file", "storage:\n  postgres_password_file: \"\"\n",
       [](const Config& c) { EXPECT_EQ(c.postgres_password_file, ""); }},
      {"ctl.socket", "ctl:\n  socket: /tmp/cu.sock\n",
       [](const Config& c) { EXPECT_EQ(c.ctl_socket, "/tmp/cu.sock"); }},
      {"ctl.group", "ctl:\n  group: root\n", [](const Config& c) { EXPECT_EQ(c.ctl_group, "root"); }},
      {"ctl.group", "ctl:\n  group: 4242\n", [](const Config& c) { EXPECT_EQ(c.ctl_group, "4242"); }},
      {"ctl.group", "ctl:\n  group: \"\"\n", [](const Config& c) { EXPECT_EQ(c.ctl_group, ""); }},
      {"retention.raw_events_months", "retention:\n  raw_events_months: 13\n",
       [](const Config& c) { EXPECT_EQ(c.raw_events_months, 13); }},
      {"retention.raw_events_months", "retention:\n  raw_events_months: 0\n",
       [](const Config& c) { EXPECT_EQ(c.raw_events_months, 0); }},
      {"rollup.block_hours", "rollup:\n  block_hours: 1\n",
       [](const Config& c) { EXPECT_EQ(c.block_hours, 1); }},
      {"rollup.block_hours", "rollup:\n  block_hours: 24\n",
       [](const Config& c) { EXPECT_EQ(c.block_hours, 24); }},
      {"rollup.block_hours", "rollup:\n  block_hours: +3\n",
       [](const Config& c) { EXPECT_EQ(c.block_hours, 3); }},
      {"pricing.file", "pricing:\n  file: ~/prices.json\n",
       [](const Config& c) { EXPECT_EQ(c.pricing_file, "/home/ana/prices.json"); }},
      {"pricing.file", "pricing:\n  file: \"\"\n", [](const Config& c) { EXPECT_EQ(c.pricing_file, ""); }},
      {"pricing.mode", "pricing:\n  mode: calculate\n",
       [](const Config& c) { EXPECT_EQ(c.pricing_mode, CostMode::kCalculate); }},
      {"pricing.mode", "pricing:\n  mode: auto\n",
       [](const Config& c) { EXPECT_EQ(c.pricing_mode, CostMode::kAuto); }},
      {"pricing.overrides",
       "pricing:\n  overrides:\n    my-model:\n      input: 2\n      output: 8\n"
       "      cache_write_5m: 2.5\n      cache_write_1h: 4\n      cache_read: 0.2\n",
       [](const Config& c) {
         ASSERT_EQ(c.pricing_overrides.size(), 1u);
         EXPECT_DOUBLE_EQ(c.pricing_overrides.at("my-model").output, 8e-6);
       }},
      {"projects.groups",
       "projects:\n  groups:\n    work: [\"/home/ana/work/*\", \"~/clients/*\"]\n    oss: -home-ana-src-*\n",
       [](const Config& c) {
         ASSERT_EQ(c.project_groups.size(), 2u);
         EXPECT_EQ(c.project_groups[0], (ProjectGroup{"work", {"/home/ana/work/*", "/home/ana/clients/*"}}));
         EXPECT_EQ(c.project_groups[1], (ProjectGroup{"oss", {"-home-ana-src-*"}}));
       }},
      {"http.listen", "http:\n  listen: \"[::1]:9000\"\n", [](const Config& c) { EXPECT_EQ(c.http_listen, "[::1]:9000"); }},
      {"http.listen", "http:\n  listen: \"\"\n", [](const Config& c) { EXPECT_EQ(c.http_listen, ""); }},
      {"http.token_file", "http:\n  token_file: ~/t/http.token\n",
       [](const Config& c) { EXPECT_EQ(c.http_token_file, "/home/ana/t/http.token"); }},
      {"log.level", "log:\n  level: debug\n",
       [](const Config& c) { EXPECT_EQ(c.log_level, LogLevel::kDebug); }},
      {"log.level", "log:\n  level: notice\n",
       [](const Config& c) { EXPECT_EQ(c.log_level, LogLevel::kNotice); }},
      {"log.level", "log:\n  level: warning\n",
       [](const Config& c) { EXPECT_EQ(c.log_level, LogLevel::kWarning); }},
      {"log.level", "log:\n  level: error\n",
       [](const Config& c) { EXPECT_EQ(c.log_level, LogLevel::kError); }},
      {"limits.p90_window_hours", "limits:\n  p90_window_hours: 1\n",
       [](const Config& c) { EXPECT_EQ(c.limits.p90_window_hours, 1); }},
      {"limits.p90_window_hours", "limits:\n  p90_window_hours: 8760\n",
       [](const Config& c) { EXPECT_EQ(c.limits.p90_window_hours, 8760); }},
      {"limits.p90_hit_ratio", "limits:\n  p90_hit_ratio: 1\n",
       [](const Config& c) { EXPECT_EQ(c.limits.p90_hit_ratio, 1.0); }},
      {"limits.p90_hit_ratio", "limits:\n  p90_hit_ratio: 0.001\n",
       [](const Config& c) { EXPECT_EQ(c.limits.p90_hit_ratio, 0.001); }},
      {"limits.p90_common_limits", "limits:\n  p90_common_limits: [44000, 220000]\n",
       [](const Config& c) { EXPECT_EQ(c.limits.p90_common_limits, (std::vector<std::int64_t>{44'000, 220'000})); }},
      {"limits.p90_common_limits", "limits:\n  p90_common_limits:\n    - 1\n",
       [](const Config& c) { EXPECT_EQ(c.limits.p90_common_limits, std::vector<std::int64_t>{1}); }},
      {"limits.p90_floor", "limits:\n  p90_floor: 0\n", [](const Config& c) { EXPECT_EQ(c.limits.p90_floor, 0); }},
      {"limits.p90_floor", "limits:\n  p90_floor: 44000\n",
       [](const Config& c) { EXPECT_EQ(c.limits.p90_floor, 44'000); }},
      {"limits.stale_minutes", "limits:\n  stale_minutes: 1\n",
       [](const Config& c) { EXPECT_EQ(c.limits.stale_minutes, 1); }},
      {"limits.stale_minutes", "limits:\n  stale_minutes: 1440\n",
       [](const Config& c) { EXPECT_EQ(c.limits.stale_minutes, 1440); }},
      {"limits.burn_minutes", "limits:\n  burn_minutes: 15\n",
       [](const Config& c) { EXPECT_EQ(c.limits.burn_minutes, 15); }},
      {"limits.burn_minutes", "limits:\n  burn_minutes: 1440\n",
       [](const Config& c) { EXPECT_EQ(c.limits.burn_minutes, 1440); }},
  };
  return cases;
}

struct BadValue {
  std::string key;
  std::string yaml;
  std::string message;
};

const std::vector<BadValue>& bad_values() {
  static const std::vector<BadValue> cases = {
      {"sources.claude_dirs", "sources:\n  claude_dirs: []\n",
       "config.yaml:2: sources.claude_dirs: must be a non-empty list of directories, got a list"},
      {"sources.claude_dirs", "sources:\n  claude_dirs:\n    - /ok\n    - relative/dir\n",
       "config.yaml:4: sources.claude_dirs: must be an absolute path or start with \"~/\", got "
       "\"relative/dir\""},
      {"sources.claude_dirs", "sources:\n  claude_dirs: {a: b}\n",
       "config.yaml:2: sources.claude_dirs: must be a non-empty list of directories, got a "
       "mapping"},
      {"timezone", "timezone: Mars/Olympus_Mons\n",
       "config.yaml:1: timezone: must be an IANA time zone name such as \"Europe/Berlin\", or "
       "\"local\", got \"Mars/Olympus_Mons\""},
      {"timezone", "timezone: [UTC]\n", "config.yaml:1: timezone: must be a string, got a list"},
      {"identity", "identity: \"\"\n", "config.yaml:1: identity: must not be empty"},
      {"storage.sqlite_path", "storage:\n  sqlite_path: \"\"\n",
       "config.yaml:2: storage.sqlite_path: must not be empty"},
      {"storage.sqlite_path", "storage:\n  sqlite_path: db/usage.db\n",
       "config.yaml:2: storage.sqlite_path: must be an absolute path or start with \"~/\", got "
       "\"db/usage.db\""},
      {"storage.postgres_url", "storage:\n  postgres_url: {host: db}\n",
       "config.yaml:2: storage.postgres_url: must be a string, got a mapping"},
      {"storage.postgres_password_file", "storage:\n  postgres_password_file: pg.pass\n",
       "config.yaml:2: storage.postgres_password_file: must be an absolute path or start with "
       "\"~/\", got \"pg.pass\""},
      {"pricing.file", "pricing:\n  file: prices.json\n",
       "config.yaml:2: pricing.file: must be an absolute path or start with \"~/\", got \"prices.json\""},
      {"ctl.socket", "ctl:\n  socket: \"\"\n", "config.yaml:2: ctl.socket: must not be empty"},
      {"ctl.socket", "ctl:\n  socket: [/a, /b]\n",
       "config.yaml:2: ctl.socket: must be a path, got a list"},
      {"ctl.group", "ctl:\n  group: no-such-group-cu-test\n",
       "config.yaml:2: ctl.group: must be a group name or a numeric gid; there is no group "
       "\"no-such-group-cu-test\""},
      {"ctl.group", "ctl:\n  group: 4294967295\n",
       "config.yaml:2: ctl.group: must be a group name or a numeric gid; there is no group \"4294967295\""},
      {"ctl.group", "ctl:\n  group: [adm]\n", "config.yaml:2: ctl.group: must be a string, got a list"},
      {"retention.raw_events_months", "retention:\n  raw_events_months: -1\n",
       "config.yaml:2: retention.raw_events_months: must be an integer from 0 to 1200, got \"-1\""},
      {"retention.raw_events_months", "retention:\n  raw_events_months: 6 months\n",
       "config.yaml:2: retention.raw_events_months: must be an integer from 0 to 1200, got \"6 months\""},
      {"rollup.block_hours", "rollup:\n  block_hours: abc\n",
       "config.yaml:2: rollup.block_hours: must be an integer from 1 to 24, got \"abc\""},
      {"rollup.block_hours", "rollup:\n  block_hours: 0\n",
       "config.yaml:2: rollup.block_hours: must be an integer from 1 to 24, got \"0\""},
      {"rollup.block_hours", "rollup:\n  block_hours: 25\n",
       "config.yaml:2: rollup.block_hours: must be an integer from 1 to 24, got \"25\""},
      {"rollup.block_hours", "rollup:\n  block_hours: 5.5\n",
       "config.yaml:2: rollup.block_hours: must be an integer from 1 to 24, got \"5.5\""},
      {"rollup.block_hours", "rollup:\n  block_hours: 99999999999999999999\n",
       "config.yaml:2: rollup.block_hours: must be an integer from 1 to 24, got "
       "\"99999999999999999999\""},
      {"pricing.mode", "pricing:\n  mode: estimate\n",
       "config.yaml:2: pricing.mode: must be one of auto, calculate, got \"estimate\""},
      {"pricing.overrides", "pricing:\n  overrides: [claude-opus-4]\n",
       "config.yaml:2: pricing.overrides: must be a mapping of model name to prices, got a list"},
      {"projects.groups", "projects:\n  groups: [work]\n",
       "config.yaml:2: projects.groups: must be a map of group names to lists of globs, got a list"},
      {"projects.groups", "projects:\n  groups:\n    work: []\n",
       "config.yaml:3: projects.groups: group \"work\" must have a glob or a non-empty list of globs, got a list"},
      {"projects.groups", "projects:\n  groups:\n    work: [\"\"]\n",
       "config.yaml:3: projects.groups: group \"work\" has an empty glob"},
      {"projects.groups", "projects:\n  groups:\n    (ungrouped): [\"*\"]\n",
       "config.yaml:3: projects.groups: a group name must not be empty nor \"(ungrouped)\""},
      {"http.listen", "http:\n  listen: 8798\n",
       "config.yaml:2: http.listen: must be host:port (e.g. 127.0.0.1:8798), got \"8798\""},
      {"http.listen", "http:\n  listen: example.com:80\n",
       "config.yaml:2: http.listen: the host must be an IP address or localhost, got \"example.com\""},
      {"http.token_file", "http:\n  token_file: token\n",
       "config.yaml:2: http.token_file: must be an absolute path or start with \"~/\", got \"token\""},
      {"log.level", "log:\n  level: loud\n",
       "config.yaml:2: log.level: must be one of debug, info, notice, warning, error, got "
       "\"loud\""},
      {"log.level", "log:\n  level: INFO\n",
       "config.yaml:2: log.level: must be one of debug, info, notice, warning, error, got "
       "\"INFO\""},
      {"limits.p90_window_hours", "limits:\n  p90_window_hours: 0\n",
       "config.yaml:2: limits.p90_window_hours: must be an integer from 1 to 8760, got \"0\""},
      {"limits.p90_window_hours", "limits:\n  p90_window_hours: 8761\n",
       "config.yaml:2: limits.p90_window_hours: must be an integer from 1 to 8760, got \"8761\""},
      {"limits.p90_hit_ratio", "limits:\n  p90_hit_ratio: 0\n",
       "config.yaml:2: limits.p90_hit_ratio: must be a number above 0 and at most 1, got \"0\""},
      {"limits.p90_hit_ratio", "limits:\n  p90_hit_ratio: 1.01\n",
       "config.yaml:2: limits.p90_hit_ratio: must be a number above 0 and at most 1, got \"1.01\""},
      {"limits.p90_hit_ratio", "limits:\n  p90_hit_ratio: 95%\n",
       "config.yaml:2: limits.p90_hit_ratio: must be a number above 0 and at most 1, got \"95%\""},
      {"limits.p90_hit_ratio", "limits:\n  p90_hit_ratio: .nan\n",
       "config.yaml:2: limits.p90_hit_ratio: must be a number above 0 and at most 1, got \".nan\""},
      {"limits.p90_common_limits", "limits:\n  p90_common_limits: []\n",
       "config.yaml:2: limits.p90_common_limits: must be a non-empty list of positive integers, got a list"},
      {"limits.p90_common_limits", "limits:\n  p90_common_limits: 19000\n",
       "config.yaml:2: limits.p90_common_limits: must be a non-empty list of positive integers, got \"19000\""},
      {"limits.p90_common_limits", "limits:\n  p90_common_limits:\n    - 19000\n    - 0\n",
       "config.yaml:4: limits.p90_common_limits: must be a non-empty list of positive integers, got \"0\""},
      {"limits.p90_common_limits", "limits:\n  p90_common_limits: [19000, 8.8e4]\n",
       "config.yaml:2: limits.p90_common_limits: must be a non-empty list of positive integers, got \"8.8e4\""},
      {"limits.p90_floor", "limits:\n  p90_floor: -1\n",
       "config.yaml:2: limits.p90_floor: must be an integer of at least 0, got \"-1\""},
      {"limits.p90_floor", "limits:\n  p90_floor: many\n",
       "config.yaml:2: limits.p90_floor: must be an integer of at least 0, got \"many\""},
      {"limits.stale_minutes", "limits:\n  stale_minutes: 0\n",
       "config.yaml:2: limits.stale_minutes: must be an integer from 1 to 1440, got \"0\""},
      {"limits.stale_minutes", "limits:\n  stale_minutes: 1441\n",
       "config.yaml:2: limits.stale_minutes: must be an integer from 1 to 1440, got \"1441\""},
      {"limits.burn_minutes", "limits:\n  burn_minutes: 0\n",
       "config.yaml:2: limits.burn_minutes: must be an integer from 1 to 1440, got \"0\""},
      {"limits.burn_minutes", "limits:\n  burn_minutes: [60]\n",
       "config.yaml:2: limits.burn_minutes: must be an integer from 1 to 1440, got a list"},
  };
  return cases;
}

TEST(ParseConfig, EveryKeyHasGoodAndBadValueCases) {
  std::set<std::string> good, bad;
  for (const auto& c : good_values()) good.insert(c.key);
  for (const auto& c : bad_values()) bad.insert(c.key);
  for (const ConfigKey& key : config_keys()) {
    EXPECT_TRUE(good.contains(std::string(key.path))) << key.path;
    EXPECT_TRUE(bad.contains(std::string(key.path))) << key.path;
  }
  for (const auto& c : good_values()) EXPECT_NE(find_config_key(c.key), nullptr) << c.key;
}

TEST(ParseConfig, GoodValues) {
  for (const GoodValue& c : good_values()) {
    SCOPED_TRACE(c.yaml);
    Config config = parse(c.yaml);
    c.check(config);
  }
}

TEST(ParseConfig, BadValuesNameKeyAndLine) {
  for (const BadValue& c : bad_values()) {
    SCOPED_TRACE(c.yaml);
    EXPECT_EQ(error_of(c.yaml), c.message);
  }
}

TEST(ParseConfig, EmptyDocumentsMeanAllDefaults) {
  Config defaults = default_config(fake_environment());
  for (std::string yaml : {"", "\n", "# nothing but a comment\n", "---\n", "---\n...\n", "{}\n",
                           "sources:\n", "rollup:\n  block_hours:\n", "timezone: ~\n"}) {
    SCOPED_TRACE(yaml);
    EXPECT_EQ(parse(yaml), defaults);
  }
}

TEST(ParseConfig, OnlyTheGivenKeysChange) {
  Config expected = default_config(fake_environment());
  expected.block_hours = 8;
  expected.log_level = LogLevel::kDebug;
  EXPECT_EQ(parse("rollup:\n  block_hours: 8\nlog:\n  level: debug\n"), expected);
}

TEST(ParseConfig, ErrorLineCountsCommentsAndBlankLines) {
  std::string yaml =
      "# claude-usaged\n"
      "\n"
      "timezone: UTC\n"
      "storage:\n"
      "  sqlite_path: /var/lib/cu/usage.db\n"
      "rollup:\n"
      "  block_hours: abc\n";
  EXPECT_EQ(error_of(yaml),
            "config.yaml:7: rollup.block_hours: must be an integer from 1 to 24, got \"abc\"");
}

TEST(ParseConfig, UnknownTopLevelKey) {
  EXPECT_EQ(error_of("timezone: UTC\n\ncolour: red\n"),
            "config.yaml:3: colour: unknown key (known: sources, timezone, identity, storage, "
            "ctl, rollup, retention, pricing, projects, http, log, limits)");
}

TEST(ParseConfig, UnknownNestedKey) {
  EXPECT_EQ(error_of("storage:\n  sqlite_path: /x.db\n  sqlite: /y.db\n"),
            "config.yaml:3: storage.sqlite: unknown key (known: sqlite_path, postgres_url, "
            "postgres_password_file)");
}

TEST(ParseConfig, KeysBelowALeafAreRefused) {
  EXPECT_EQ(error_of("rollup:\n  block_hours:\n    value: 5\n"),
            "config.yaml:3: rollup.block_hours: must be an integer from 1 to 24, got a mapping");
}

TEST(ParseConfig, ASectionMustBeAMapping) {
  EXPECT_EQ(error_of("rollup: 5\n"),
            "config.yaml:1: rollup: must be a mapping of keys (block_hours), got \"5\"");
}

TEST(ParseConfig, DottedKeysAreNotPaths) {
  EXPECT_EQ(error_of("rollup.block_hours: 5\n"),
            "config.yaml:1: rollup.block_hours: unknown key (known: sources, timezone, identity, "
            "storage, ctl, rollup, retention, pricing, projects, http, log, limits)");
}

TEST(ParseConfig, DuplicateKeys) {
  EXPECT_EQ(error_of("log:\n  level: info\n  level: debug\n"),
            "config.yaml:3: log.level: duplicate key");
  EXPECT_EQ(error_of("log:\n  level: info\nlog:\n  level: debug\n"),
            "config.yaml:3: log: duplicate key");
}

TEST(ParseConfig, TheDocumentMustBeAMapping) {
  EXPECT_EQ(error_of("- timezone\n- UTC\n"),
            "config.yaml:1: the config must be a mapping of keys, got a list");
  EXPECT_EQ(error_of("hello\n"),
            "config.yaml:1: the config must be a mapping of keys, got \"hello\"");
}

TEST(ParseConfig, YamlSyntaxErrorNamesTheLine) {
  EXPECT_EQ(error_of("timezone: UTC\nrollup:\n  block_hours: [5\nlog:\n  level: info\n"),
            "config.yaml:4: YAML syntax error: end of sequence flow not found");
  EXPECT_EQ(error_of("timezone: UTC\n identity: x\n"),
            "config.yaml:2: YAML syntax error: illegal map value");
  EXPECT_EQ(error_of("rollup:\n\tblock_hours: 5\n"),
            "config.yaml:2: YAML syntax error: illegal map value");
}

TEST(ParseConfig, OneDocumentOnly) {
  EXPECT_EQ(error_of("timezone: UTC\n---\nidentity: x\n"),
            "config.yaml:3: the config must be a single YAML document");
}

// An empty value has no reliable line of its own: the error names the key's line.
TEST(ParseConfig, NullListItemIsRefused) {
  EXPECT_EQ(error_of("sources:\n  claude_dirs:\n    - /ok\n    -\n"),
            "config.yaml:2: sources.claude_dirs: must be a path, got nothing");
}

TEST(ParseConfig, DefaultSourceName) {
  try {
    parse_config("colour: red\n", fake_environment());
    FAIL() << "no error";
  } catch (const ConfigError& error) {
    EXPECT_EQ(std::string(error.what()).substr(0, 9), "config:1:");
  }
}

TEST(ParseConfig, TildeWithoutHomeIsAnError) {
  Environment env = fake_environment(
      {{"XDG_STATE_HOME", "/s"}, {"XDG_RUNTIME_DIR", "/r"}, {"CLAUDE_CONFIG_DIR", "/c"}});
  env.vars.erase("HOME");
  try {
    parse_config("storage:\n  sqlite_path: ~/usage.db\n", env, "c.yaml");
    FAIL() << "no error";
  } catch (const ConfigError& error) {
    EXPECT_EQ(std::string(error.what()),
              "c.yaml:2: storage.sqlite_path: HOME is not set; cannot expand \"~\"");
  }
}

}  // namespace
}  // namespace cu
