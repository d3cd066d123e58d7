#include "config/daemon_command_line.h"

#include <CLI/CLI.hpp>
#include <gtest/gtest.h>

#include <vector>

namespace cu {
namespace {

// Parses `args` (without the program name) as claude-usaged's main does.
DaemonOptions parsed(std::vector<const char*> args) {
  CLI::App app;
  DaemonOptions options;
  define_daemon_command_line(app, options);
  args.insert(args.begin(), "claude-usaged");
  app.parse(static_cast<int>(args.size()), args.data());
  return options;
}

TEST(DaemonCommandLine, ReadsEachOption) {
  const DaemonOptions none = parsed({});
  EXPECT_EQ(none.config_path, "");
  EXPECT_FALSE(none.once || none.check_config || none.rebuild);
  const DaemonOptions all = parsed({"-c", "/etc/x.yaml", "--once", "--check-config", "--rebuild"});
  EXPECT_EQ(all.config_path, "/etc/x.yaml");
  EXPECT_TRUE(all.once && all.check_config && all.rebuild);
  EXPECT_EQ(parsed({"--config=/y.yaml"}).config_path, "/y.yaml");
}

TEST(DaemonCommandLine, RefusesWhatItDoesNotKnow) {
  EXPECT_THROW(parsed({"--bogus"}), CLI::ParseError);
  EXPECT_THROW(parsed({"--config"}), CLI::ParseError);
}

}  // namespace
}  // namespace cu
