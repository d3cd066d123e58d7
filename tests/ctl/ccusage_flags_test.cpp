// Every flag the pinned ccusage documents on `ccusage claude <command> --help` is accepted by
// `claude-usagectl <command>`: read from ccusage's own help text, so a flag ccusage adds fails here
// until it is honoured or accepted without effect (docs/PROTOCOL.md, "ccusage's flags").
#include <map>
#include <regex>
#include <sstream>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "ctl/cli.h"
#include "support/test_support.h"

namespace cu::ctl {
namespace {

struct Flag {
  std::string short_name;  // "-z" or empty
  std::string long_name;   // "--timezone"
  std::string value_name;  // "timezone" for "<timezone>" or "[timezone]"; empty for a switch
};

// The OPTIONS of a ccusage help text: "  -z, --timezone <timezone>   Timezone for ..."
std::vector<Flag> flags_of_help(const std::string& help) {
  static const std::regex kOption(R"(^\s+(?:(-[A-Za-z]),\s+)?(--[a-z][a-z-]*)(?:\s+[<\[]([a-z-]+)[>\]])?)");
  std::vector<Flag> flags;
  std::istringstream lines(help);
  bool in_options = false;
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with("OPTIONS:")) {
      in_options = true;
      continue;
    }
    std::smatch match;
    if (in_options && std::regex_search(line, match, kOption)) {
      flags.push_back({match[1].str(), match[2].str(), match[3].str()});
    }
  }
  return flags;
}

// A valid value for each kind of value ccusage's help names. An unknown name fails the test: a new
// flag needs a decision here and in the registry.
std::optional<std::string> sample_value(const std::string& value_name, const std::string& config_path) {
  static const std::map<std::string, std::string> kSamples{
      {"since", "20250101"},        {"until", "20251231"},        {"mode", "calculate"},
      {"debug-samples", "3"},       {"order", "desc"},            {"timezone", "America/New_York"},
      {"project", "-home-ana-api"}, {"project-aliases", "-home-ana-api=API"},
      {"last", "2"},                {"start-of-week", "monday"},  {"id", "s1"},
      {"token-limit", "max"},       {"session-length", "5"},      {"visual-burn-rate", "text"},
      {"cost-source", "both"},      {"refresh-interval", "1"},    {"context-low-threshold", "50"},
      {"context-medium-threshold", "80"}};
  if (value_name == "config") return config_path;
  const auto it = kSamples.find(value_name);
  if (it == kSamples.end()) return std::nullopt;
  return it->second;
}

struct CliRun {
  int code = -1;
  std::string out;
  std::string err;
};

CliRun run_cli_with(const std::vector<std::string>& args, const test::TempDir& home) {
  std::istringstream in("{}");
  std::ostringstream out;
  std::ostringstream err;
  Environment env;
  env.vars["HOME"] = home.path().string();
  env.vars["XDG_RUNTIME_DIR"] = (home.path() / "run").string();
  env.hostname = "test";
  CliIo io{in, out, err, env, false};
  CliRun run;
  run.code = run_cli(args, io);
  run.out = out.str();
  run.err = err.str();
  return run;
}

TEST(CcusageFlags, EveryFlagOfCcusagesHelpIsAccepted) {
  const auto ccusage = test::ccusage_path();
  if (!ccusage) {
    if (test::running_in_ci()) FAIL() << "ccusage is not installed";
    GTEST_SKIP() << "ccusage not installed (scripts/install-ccusage)";
  }
  test::TempDir home;
  const std::string config = (home.path() / "config.yaml").string();
  test::write_file(config, "timezone: UTC\n");
  // No daemon listens here: an accepted flag ends in "not running" (statusline: its fallback line).
  const std::string socket = (home.path() / "none.socket").string();
  std::size_t checked = 0;
  for (const std::string command : {"daily", "weekly", "monthly", "session", "blocks", "statusline"}) {
    const test::CommandResult help = test::run_command(fmt::format("{} claude {} --help", ccusage->string(), command));
    ASSERT_EQ(help.exit_code, 0) << help.output;
    const std::vector<Flag> flags = flags_of_help(help.output);
    ASSERT_GE(flags.size(), 10U) << command << ": " << help.output;
    for (const Flag& flag : flags) {
      std::vector<std::string> names{flag.long_name};
      if (!flag.short_name.empty()) names.push_back(flag.short_name);
      for (const std::string& name : names) {
        SCOPED_TRACE(fmt::format("claude-usagectl {} {}", command, name));
        std::vector<std::string> args{"--socket", socket, command, name};
        if (!flag.value_name.empty()) {
          const auto value = sample_value(flag.value_name, config);
          ASSERT_TRUE(value) << "no sample value for <" << flag.value_name << ">: decide what " << flag.long_name
                             << " means here";
          args.push_back(*value);
        }
        const CliRun run = run_cli_with(args, home);
        if (name == "--help" || name == "-h") {
          EXPECT_EQ(run.code, kExitOk);
          EXPECT_NE(run.out.find("Usage"), std::string::npos) << run.out;
        } else if (name == "--version" || name == "-v") {
          EXPECT_EQ(run.code, kExitOk);
          EXPECT_NE(run.out.find(CU_VERSION), std::string::npos) << run.out;
        } else if (command == std::string("statusline")) {
          EXPECT_EQ(run.code, kExitOk) << run.err;
          EXPECT_NE(run.out.find("claude-usaged not running"), std::string::npos) << run.out << run.err;
        } else {
          EXPECT_EQ(run.code, kExitNotRunning) << run.out << run.err;
        }
        ++checked;
      }
    }
  }
  // ccusage 20.0.24: 104 flags on these six commands, 158 names with their short forms.
  EXPECT_GE(checked, 150U);
}

// Values are checked before the daemon is asked: a bad one is a usage error (exit 2).
TEST(CcusageFlags, BadValuesAreUsageErrors) {
  test::TempDir home;
  const std::string socket = (home.path() / "none.socket").string();
  EXPECT_EQ(run_cli_with({"--socket", socket, "daily", "-z", "Mars/Olympus"}, home).code, kExitUsage);
  EXPECT_EQ(run_cli_with({"--socket", socket, "daily", "-m", "estimate"}, home).code, kExitUsage);
  EXPECT_EQ(run_cli_with({"--socket", socket, "daily", "--project-aliases", "noequals"}, home).code, kExitUsage);
  EXPECT_EQ(run_cli_with({"--socket", socket, "daily", "-O", "-z", "UTC", "-m", "display"}, home).code, kExitNotRunning);
}

}  // namespace
}  // namespace cu::ctl
