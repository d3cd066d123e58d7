#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "config/config.h"
#include "config/config_keys.h"
#include "config/fake_environment.h"

namespace cu {
namespace {

namespace fs = std::filesystem;
using testing::fake_environment;

Config every_key_changed() {
  Config config = default_config(fake_environment());
  config.claude_dirs = {"/data/claude", "/home/ana/work claude", "/srv/x:y"};
  config.timezone = "America/New_York";
  config.identity = "null";
  config.sqlite_path = "/var/lib/claude-usaged/usage.db";
  config.postgres_url = "postgresql://ana@db.example:5432/usage?sslmode=require";
  config.postgres_password_file = "/run/secrets/pg password";
  config.ctl_socket = "/run/claude-usaged/ctl.sock";
  config.ctl_group = "65534";
  config.block_hours = 24;
  config.pricing_mode = CostMode::kCalculate;
  config.log_level = LogLevel::kWarning;
  config.limits.p90_window_hours = 8760;
  config.limits.p90_hit_ratio = 0.1 + 0.2;  // 0.30000000000000004: the shortest text that reads back
  config.limits.p90_common_limits = {44'000, 1};
  config.limits.p90_floor = 0;
  config.limits.stale_minutes = 1;
  config.limits.burn_minutes = 1440;
  ModelPrices tiered{3e-6, 15e-6, 3.75e-6, 6e-6, 0.3e-6, 6e-6, 22.5e-6, 7.5e-6, 12e-6, 0.6e-6, 1};
  ModelPrices odd{0.1234567e-6, 1e-12, 0, 1.0 / 3.0 * 1e-6, 7e-7, {}, {}, {}, {}, {}, 2.5};
  config.pricing_overrides = {{"claude-sonnet-4-5", tiered},
                              {"us.anthropic.claude-x-v1:0", odd},
                              {"glm 4.7", ModelPrices{}}};
  return config;
}

TEST(RenderConfig, DefaultsRoundTrip) {
  Config config = default_config(fake_environment());
  EXPECT_EQ(parse_config(render_config(config), fake_environment()), config);
}

TEST(RenderConfig, EveryKeyChangedRoundTrips) {
  Config config = every_key_changed();
  std::string text = render_config(config);
  EXPECT_EQ(parse_config(text, fake_environment()), config) << text;
}

TEST(RenderConfig, RoundTripDoesNotDependOnTheEnvironment) {
  Config config = every_key_changed();
  Environment other = fake_environment({{"CLAUDE_CONFIG_DIR", "/elsewhere"},
                                        {"XDG_STATE_HOME", "/state"},
                                        {"XDG_RUNTIME_DIR", "/run/user/7"}});
  EXPECT_EQ(parse_config(render_config(config), other), config);
}

TEST(RenderConfig, ShowsEveryKey) {
  std::string text = render_config(default_config(fake_environment()));
  for (const ConfigKey& key : config_keys()) {
    std::string line = (key.section().empty() ? "" : "  ") + std::string(key.name()) + ":";
    EXPECT_NE(text.find("\n" + line), std::string::npos) << key.path << "\n" << text;
  }
}

TEST(RenderConfig, DefaultsAsYaml) {
  std::string expected =
      "sources:\n"
      "  claude_dirs:\n"
      "    - /home/ana/.config/claude\n"
      "    - /home/ana/.claude\n"
      "timezone: local\n"
      "identity: ana@laptop\n"
      "storage:\n"
      "  sqlite_path: /home/ana/.local/state/claude-usaged/usage.db\n"
      "  postgres_url: \"\"\n"
      "  postgres_password_file: \"\"\n"
      "ctl:\n"
      "  socket: /home/ana/.local/state/claude-usaged/claude-usaged.sock\n"
      "  group: \"\"\n"
      "rollup:\n"
      "  block_hours: 5\n"
      "retention:\n"
      "  raw_events_months: 0\n"
      "pricing:\n"
      "  mode: auto\n"
      "  file: \"\"\n"
      "  overrides: {}\n"
      "projects:\n"
      "  groups: {}\n"
      "http:\n"
      "  listen: 127.0.0.1:8798\n"
      "  token_file: /home/ana/.local/state/claude-usaged/http.token\n"
      "log:\n"
      "  level: info\n"
      "limits:\n"
      "  p90_window_hours: 192\n"
      "  p90_hit_ratio: 0.95\n"
      "  p90_common_limits: [19000, 88000, 220000, 880000]\n"
      "  p90_floor: 19000\n"
      "  stale_minutes: 10\n"
      "  burn_minutes: 60\n";
  EXPECT_EQ(render_config(default_config(fake_environment())), expected);
}

TEST(RenderConfig, PricesArePerMillionTokens) {
  Config config = default_config(fake_environment());
  config.pricing_overrides["m"] =
      ModelPrices{3e-6, 15e-6, 3.75e-6, 6e-6, 0.3e-6, {}, {}, {}, {}, {}, 6};
  std::string text = render_config(config);
  EXPECT_NE(text.find("      input: 3\n      output: 15\n      cache_write_5m: 3.75\n"
                      "      cache_write_1h: 6\n      cache_read: 0.3\n      fast_multiplier: 6\n"),
            std::string::npos)
      << text;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

const fs::path kExampleFile = fs::path(CU_SOURCE_DIR) / "etc" / "claude-usaged.yaml";

TEST(ExampleConfig, ShippedFileMatchesTheKeyTable) {
  std::string expected = render_example_config();
  if (read_file(kExampleFile) != expected) {
    fs::path fresh = fs::path(CU_BIN_DIR) / "claude-usaged.yaml.expected";
    std::ofstream(fresh, std::ios::binary) << expected;
    FAIL() << kExampleFile << " is out of date with lib/config/config_keys.cpp; the generated "
           << "text is in " << fresh << " (copy it over the shipped file)";
  }
}

TEST(ExampleConfig, ShippedFileParsesToTheDefaults) {
  std::string text = read_file(kExampleFile);
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(parse_config(text, fake_environment()), default_config(fake_environment()));
}

// The example with every key uncommented: lines "#key", "#  key" and "#  # text" lose their
// first "#"; prose lines ("# text") stay comments.
std::string uncommented(const std::string& text) {
  std::istringstream lines(text);
  std::string result;
  for (std::string line; std::getline(lines, line);) {
    bool prose = line.starts_with("# ") && line.size() > 2 && line[2] != ' ';
    if (line.starts_with("#") && !prose) line.erase(0, 1);
    result += line + "\n";
  }
  return result;
}

TEST(ExampleConfig, EveryExampleValueIsValid) {
  std::string text = uncommented(render_example_config());
  Config defaults = default_config(fake_environment());
  Config config = parse_config(text, fake_environment(), "uncommented example");
  for (const ConfigKey& key : config_keys()) {
    std::string node_text = YAML::Dump(key.render(config));
    EXPECT_NE(text.find(std::string(key.name()) + ":"), std::string::npos) << key.path;
    // A constant default is what the example shows.
    if (key.default_doc.empty()) {
      EXPECT_EQ(node_text, YAML::Dump(key.render(defaults))) << key.path;
    }
  }
}

}  // namespace
}  // namespace cu
