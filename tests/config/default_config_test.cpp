#include <gtest/gtest.h>

#include <cstdlib>

#include "config/config.h"
#include "config/fake_environment.h"

namespace cu {
namespace {

using testing::fake_environment;

TEST(DefaultConfig, FromHomeAlone) {
  Config config = default_config(fake_environment());
  EXPECT_EQ(config.claude_dirs,
            (std::vector<std::filesystem::path>{"/home/ana/.config/claude", "/home/ana/.claude"}));
  EXPECT_EQ(config.timezone, "local");
  EXPECT_EQ(config.identity, "ana@laptop");
  EXPECT_EQ(config.sqlite_path, "/home/ana/.local/state/claude-usaged/usage.db");
  EXPECT_EQ(config.postgres_url, "");
  EXPECT_EQ(config.postgres_password_file, "");
  EXPECT_EQ(config.ctl_socket, "/home/ana/.local/state/claude-usaged/claude-usaged.sock");
  EXPECT_EQ(config.block_hours, 5);
  EXPECT_EQ(config.pricing_mode, CostMode::kAuto);
  EXPECT_TRUE(config.pricing_overrides.empty());
  EXPECT_EQ(config.log_level, LogLevel::kInfo);
}

TEST(DefaultConfig, XdgDirectoriesMoveTheDefaults) {
  Config config = default_config(fake_environment({{"XDG_CONFIG_HOME", "/x/config"},
                                                   {"XDG_STATE_HOME", "/x/state"},
                                                   {"XDG_RUNTIME_DIR", "/run/user/1000"}}));
  EXPECT_EQ(config.claude_dirs,
            (std::vector<std::filesystem::path>{"/x/config/claude", "/home/ana/.claude"}));
  EXPECT_EQ(config.sqlite_path, "/x/state/claude-usaged/usage.db");
  EXPECT_EQ(config.ctl_socket, "/run/user/1000/claude-usaged.sock");
}

TEST(DefaultConfig, RelativeOrEmptyXdgValuesAreIgnored) {
  Config config = default_config(fake_environment(
      {{"XDG_CONFIG_HOME", "config"}, {"XDG_STATE_HOME", ""}, {"XDG_RUNTIME_DIR", "run"}}));
  EXPECT_EQ(config.claude_dirs.front(), "/home/ana/.config/claude");
  EXPECT_EQ(config.sqlite_path, "/home/ana/.local/state/claude-usaged/usage.db");
  EXPECT_EQ(config.ctl_socket, "/home/ana/.local/state/claude-usaged/claude-usaged.sock");
}

TEST(DefaultConfig, SocketFallbackFollowsXdgStateHome) {
  Config config = default_config(fake_environment({{"XDG_STATE_HOME", "/var/lib/ana"}}));
  EXPECT_EQ(config.ctl_socket, "/var/lib/ana/claude-usaged/claude-usaged.sock");
}

TEST(DefaultConfig, IdentityFallsBackToLognameThenPlaceholders) {
  Environment env = fake_environment({{"LOGNAME", "bob"}});
  env.vars.erase("USER");
  EXPECT_EQ(default_config(env).identity, "bob@laptop");
  env.vars.erase("LOGNAME");
  env.hostname.clear();
  EXPECT_EQ(default_config(env).identity, "unknown@localhost");
}

TEST(DefaultConfig, MissingHomeIsAConfigError) {
  Environment env = fake_environment();
  env.vars.erase("HOME");
  EXPECT_THROW(default_config(env), ConfigError);
}

TEST(DefaultConfig, WithoutHomeWhenEveryPathComesFromTheEnvironment) {
  Environment env = fake_environment(
      {{"XDG_STATE_HOME", "/s"}, {"XDG_RUNTIME_DIR", "/r"}, {"CLAUDE_CONFIG_DIR", "/c"}});
  env.vars.erase("HOME");
  Config config = default_config(env);
  EXPECT_EQ(config.claude_dirs, std::vector<std::filesystem::path>{"/c"});
  EXPECT_EQ(config.sqlite_path, "/s/claude-usaged/usage.db");
}

TEST(DefaultConfigPath, UsesXdgConfigHome) {
  EXPECT_EQ(default_config_path(fake_environment()), "/home/ana/.config/claude-usaged/config.yaml");
  EXPECT_EQ(default_config_path(fake_environment({{"XDG_CONFIG_HOME", "/etc/xdg"}})),
            "/etc/xdg/claude-usaged/config.yaml");
}

TEST(EnvironmentCurrent, ReadsTheProcessEnvironment) {
  ::setenv("CLAUDE_CONFIG_DIR", "/tmp/cu-config-test-roots", 1);
  Environment env = Environment::current();
  ::unsetenv("CLAUDE_CONFIG_DIR");
  EXPECT_EQ(env.get("CLAUDE_CONFIG_DIR"), "/tmp/cu-config-test-roots");
  EXPECT_FALSE(env.hostname.empty());
  EXPECT_TRUE(env.get("HOME").has_value());
  EXPECT_EQ(env.get("NOT_A_VARIABLE_CONFIG_READS"), std::nullopt);
}

TEST(EnvironmentGet, DistinguishesUnsetFromEmpty) {
  Environment env = fake_environment({{"XDG_STATE_HOME", ""}});
  EXPECT_EQ(env.get("XDG_STATE_HOME"), "");
  EXPECT_EQ(env.get("XDG_RUNTIME_DIR"), std::nullopt);
}

}  // namespace
}  // namespace cu
