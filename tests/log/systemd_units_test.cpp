// The shipped unit files (systemd/): what they promise (SPEC §8, docs/SYSTEMD.md), that
// `systemd-analyze verify` accepts them without a single warning, and that their
// `systemd-analyze security` exposure does not regress.
#include <filesystem>
#include <map>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/test_support.h"

namespace cu {
namespace {

namespace fs = std::filesystem;

constexpr const char* kInstalledBinary = "/usr/local/bin/claude-usaged";

fs::path unit_source(const std::string& name) { return fs::path(CU_SOURCE_DIR) / "systemd" / name; }

// key -> every value assigned to it, in order, for the keys of one section of a unit file.
using Section = std::map<std::string, std::vector<std::string>>;

Section read_section(const std::string& text, const std::string& wanted) {
  Section section;
  std::istringstream lines(text);
  std::string line;
  std::string current;
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    if (line[0] == '[') {
      current = line.substr(1, line.find(']') - 1);
      continue;
    }
    const std::size_t equals = line.find('=');
    if (current == wanted && equals != std::string::npos) {
      section[line.substr(0, equals)].push_back(line.substr(equals + 1));
    }
  }
  return section;
}

std::string last(const Section& section, const std::string& key) {
  auto it = section.find(key);
  return it == section.end() || it->second.empty() ? std::string("<unset>") : it->second.back();
}

// Replaces every occurrence of `from` in `text` with `to`.
std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

// verify requires every Exec*= program to exist. The build's daemon stands in for the installed
// one when it was built; /bin/true otherwise (the point is checking everything else).
std::string stand_in_binary() {
  const fs::path built = test::bin_dir() / "claude-usaged";
  return fs::exists(built) ? built.string() : std::string("/bin/true");
}

// A sandbox for systemd-analyze: a copy of a unit (under a chosen name, with the binary path
// replaced) and its own runtime, config and home directories, so that a --user run never
// reads the invoking user's units or needs a user session.
class AnalyzeSandbox {
 public:
  AnalyzeSandbox(const std::string& source_name, const std::string& copy_name) {
    const std::string text = test::read_file(unit_source(source_name));
    unit_ = dir_.path() / copy_name;
    test::write_file(unit_, replace_all(text, kInstalledBinary, stand_in_binary()));
    for (const char* sub : {"runtime", "home", "config", "data", "state"}) {
      fs::create_directories(dir_.path() / sub);
    }
  }

  const fs::path& unit() const { return unit_; }

  // Runs `systemd-analyze [--user] <arguments> <unit>` and returns its exit code and its
  // standard output and error together.
  test::CommandResult analyze(bool user, const std::string& arguments) const {
    const fs::path& d = dir_.path();
    std::string command = "env HOME=" + test::shell_quote((d / "home").string()) +
                          " XDG_RUNTIME_DIR=" + test::shell_quote((d / "runtime").string()) +
                          " XDG_CONFIG_HOME=" + test::shell_quote((d / "config").string()) +
                          " XDG_DATA_HOME=" + test::shell_quote((d / "data").string()) +
                          " XDG_STATE_HOME=" + test::shell_quote((d / "state").string()) +
                          " SYSTEMD_PAGER= SYSTEMD_COLORS=0 systemd-analyze" + (user ? " --user " : " ") +
                          arguments + " " + test::shell_quote(unit_.string()) + " 2>&1";
    return test::run_command(command);
  }

 private:
  test::TempDir dir_;
  fs::path unit_;
};

bool have_systemd_analyze() { return test::run_command("command -v systemd-analyze >/dev/null").exit_code == 0; }

#define REQUIRE_SYSTEMD_ANALYZE()                                                         \
  do {                                                                                    \
    if (!have_systemd_analyze()) {                                                        \
      if (test::running_in_ci()) FAIL() << "systemd-analyze is required under CI=true";  \
      GTEST_SKIP() << "systemd-analyze not installed (Debian package: systemd)";          \
    }                                                                                     \
  } while (false)

// ---- what the units promise ----------------------------------------------------------------

struct UnitCase {
  const char* file;
  bool system;
};

void PrintTo(const UnitCase& unit, std::ostream* out) { *out << unit.file; }

class UnitContentTest : public ::testing::TestWithParam<UnitCase> {
 protected:
  std::string text_ = test::read_file(unit_source(GetParam().file));
  Section service_ = read_section(text_, "Service");
};

TEST_P(UnitContentTest, IsANotifyServiceWithWatchdogAndReload) {
  EXPECT_EQ(last(service_, "Type"), "notify");
  EXPECT_EQ(last(service_, "NotifyAccess"), "main");
  EXPECT_EQ(last(service_, "WatchdogSec"), "30s");
  EXPECT_EQ(last(service_, "TimeoutStopSec"), "30s");
  EXPECT_EQ(last(service_, "Restart"), "on-failure");
  EXPECT_EQ(last(service_, "ExecReload"), "/bin/kill -HUP $MAINPID");
}

TEST_P(UnitContentTest, ChecksTheConfigBeforeStartingTheInstalledDaemon) {
  const std::string exec_start = last(service_, "ExecStart");
  EXPECT_EQ(exec_start.rfind(kInstalledBinary, 0), 0U) << exec_start;
  bool checks_config = false;
  for (const std::string& pre : service_["ExecStartPre"]) {
    checks_config = checks_config || (pre.find(std::string(kInstalledBinary) + " ") != std::string::npos &&
                                      pre.find("--check-config") != std::string::npos);
  }
  EXPECT_TRUE(checks_config);
}

TEST_P(UnitContentTest, IsHardened) {
  const std::map<std::string, std::string> expected = {
      {"NoNewPrivileges", "yes"},        {"ProtectSystem", "strict"},       {"ProtectHome", "read-only"},
      {"PrivateTmp", "yes"},             {"PrivateDevices", "yes"},         {"ProtectKernelTunables", "yes"},
      {"ProtectKernelModules", "yes"},   {"ProtectKernelLogs", "yes"},      {"ProtectClock", "yes"},
      {"ProtectHostname", "yes"},        {"RestrictNamespaces", "yes"},     {"LockPersonality", "yes"},
      {"MemoryDenyWriteExecute", "yes"}, {"RestrictRealtime", "yes"},       {"RestrictSUIDSGID", "yes"},
      {"SystemCallArchitectures", "native"}, {"CapabilityBoundingSet", ""}, {"UMask", "0077"},
      {"RestrictAddressFamilies", "AF_UNIX AF_INET AF_INET6"},
  };
  for (const auto& [key, value] : expected) EXPECT_EQ(last(service_, key), value) << key;
  EXPECT_EQ(service_["SystemCallFilter"].front(), "@system-service");
  if (GetParam().system) {
    EXPECT_EQ(last(service_, "ProtectControlGroups"), "yes");
  }
}

INSTANTIATE_TEST_SUITE_P(Units, UnitContentTest,
                         ::testing::Values(UnitCase{"claude-usaged.service", false},
                                           UnitCase{"claude-usaged@.service", true}),
                         [](const auto& info) { return info.param.system ? "SystemTemplate" : "User"; });

TEST(UserUnitContent, WritesOnlyTheStateAndRuntimeDirectories) {
  Section service = read_section(test::read_file(unit_source("claude-usaged.service")), "Service");
  EXPECT_EQ(last(service, "ReadWritePaths"), "-%h/.local/state/claude-usaged %t");
  EXPECT_EQ(service["ExecStartPre"].front(), "+mkdir -p -m 0700 %h/.local/state/claude-usaged");
  EXPECT_EQ(last(service, "PrivateUsers"), "yes");
  EXPECT_EQ(service.count("User"), 0U);
  Section install = read_section(test::read_file(unit_source("claude-usaged.service")), "Install");
  EXPECT_EQ(last(install, "WantedBy"), "default.target");
}

TEST(SystemTemplateContent, RunsAsTheInstanceUserWithItsOwnDirectories) {
  const std::string text = test::read_file(unit_source("claude-usaged@.service"));
  Section service = read_section(text, "Service");
  EXPECT_EQ(last(service, "User"), "%i");
  EXPECT_EQ(last(service, "StateDirectory"), "claude-usaged/%i");
  EXPECT_EQ(last(service, "RuntimeDirectory"), "claude-usaged/%i");
  // Traversable, so that members of ctl.group's group reach the socket, whose own mode guards it.
  EXPECT_EQ(last(service, "RuntimeDirectoryMode"), "0711");
  EXPECT_EQ(last(service, "Environment"),
            "XDG_STATE_HOME=/var/lib/claude-usaged/%i XDG_RUNTIME_DIR=/run/claude-usaged/%i");
  EXPECT_EQ(last(service, "ExecStart"), std::string(kInstalledBinary) + " --config /etc/claude-usaged/config.yaml");
  EXPECT_EQ(service.count("ReadWritePaths"), 0U);
  EXPECT_EQ(last(read_section(text, "Unit"), "RequiresMountsFor"), "/home/%i");
  EXPECT_EQ(last(read_section(text, "Install"), "WantedBy"), "multi-user.target");
}

// ---- systemd-analyze verify ----------------------------------------------------------------

TEST(SystemdAnalyzeVerify, UserUnitHasNoWarnings) {
  REQUIRE_SYSTEMD_ANALYZE();
  AnalyzeSandbox sandbox("claude-usaged.service", "claude-usaged.service");
  const test::CommandResult result = sandbox.analyze(/*user=*/true, "verify");
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_EQ(result.output, "");
}

TEST(SystemdAnalyzeVerify, SystemTemplateInstanceHasNoWarnings) {
  REQUIRE_SYSTEMD_ANALYZE();
  AnalyzeSandbox sandbox("claude-usaged@.service", "claude-usaged@alice.service");
  const test::CommandResult result = sandbox.analyze(/*user=*/false, "verify");
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_EQ(result.output, "");
}

// The checks above are only as good as verify's complaints reaching them: a unit with an unknown
// key and a missing program must produce output and fail.
TEST(SystemdAnalyzeVerify, ReportsABrokenCopy) {
  REQUIRE_SYSTEMD_ANALYZE();
  AnalyzeSandbox sandbox("claude-usaged@.service", "claude-usaged@alice.service");
  std::string text = test::read_file(sandbox.unit());
  text = replace_all(text, "NoNewPrivileges=yes", "NoNewPrivileges=yes\nProtectEverything=yes");
  text = replace_all(text, "ExecReload=/bin/kill", "ExecReload=/nonexistent/kill");
  test::write_file(sandbox.unit(), text);
  const test::CommandResult result = sandbox.analyze(/*user=*/false, "verify");
  EXPECT_NE(result.exit_code, 0);
  EXPECT_NE(result.output.find("ProtectEverything"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("/nonexistent/kill"), std::string::npos) << result.output;
}

// ---- scripts/install ------------------------------------------------------------------------

// Staged installs (--destdir) of this build's programs; never touches the real system.
class InstallScriptTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* program : {"claude-usaged", "claude-usagectl", "../lib/claude-usaged/modules/postgres.so"}) {
      // Missing programs would make the script run a full build; that is not this test's job.
      if (!fs::exists(test::bin_dir() / program)) GTEST_SKIP() << program << " not built";
    }
  }

  test::CommandResult install(const std::string& arguments) const {
    const fs::path& d = dir_.path();
    return test::run_command("env HOME=" + test::shell_quote((d / "home").string()) +
                             " XDG_CONFIG_HOME= BUILD_DIR=" + test::shell_quote(test::bin_dir().parent_path().string()) +
                             " " + test::shell_quote((fs::path(CU_SOURCE_DIR) / "scripts/install").string()) + " " +
                             arguments + " --destdir " + test::shell_quote((d / "stage").string()) + " 2>&1");
  }

  // Every staged file with its content, for comparing two runs.
  std::map<std::string, std::string> staged() const {
    std::map<std::string, std::string> files;
    for (const auto& entry : fs::recursive_directory_iterator(dir_.path() / "stage")) {
      if (entry.is_regular_file()) files[entry.path().string()] = test::read_file(entry.path());
    }
    return files;
  }

  fs::path stage(const std::string& path) const { return dir_.path() / "stage" / fs::path(path).relative_path(); }

  test::TempDir dir_;
};

TEST_F(InstallScriptTest, UserInstallStagesProgramsManPagesUnitAndConfigIdempotently) {
  const test::CommandResult first = install("--user --prefix /opt/cu");
  ASSERT_EQ(first.exit_code, 0) << first.output;
  EXPECT_NE(first.output.find("systemctl --user enable --now claude-usaged"), std::string::npos) << first.output;
  const fs::path home = dir_.path() / "home";
  const fs::path unit = stage((home / ".config/systemd/user/claude-usaged.service").string());
  const fs::path config = stage((home / ".config/claude-usaged/config.yaml").string());
  EXPECT_TRUE(fs::exists(stage("/opt/cu/bin/claude-usaged")));
  EXPECT_TRUE(fs::exists(stage("/opt/cu/bin/claude-usagectl")));
  EXPECT_TRUE(fs::exists(stage("/opt/cu/lib/claude-usaged/modules/postgres.so")));
  EXPECT_TRUE(fs::exists(stage("/opt/cu/share/man/man1/claude-usagectl.1.gz")));
  EXPECT_TRUE(fs::exists(stage("/opt/cu/share/bash-completion/completions/claude-usagectl")));
  EXPECT_TRUE(fs::exists(stage("/opt/cu/share/doc/claude-usaged/SYSTEMD.md")));
  EXPECT_EQ(test::read_file(config), test::read_file(fs::path(CU_SOURCE_DIR) / "etc/claude-usaged.yaml"));
  EXPECT_EQ(fs::status(config).permissions() & fs::perms::all, fs::perms::owner_read | fs::perms::owner_write);
  const std::string unit_text = test::read_file(unit);
  EXPECT_EQ(last(read_section(unit_text, "Service"), "ExecStart"), "/opt/cu/bin/claude-usaged");
  EXPECT_EQ(unit_text.find("/usr/local"), std::string::npos);

  // The installed daemon finds its PostgreSQL module from where it is installed.
  test::write_file(dir_.path() / "postgres.yaml", "storage:\n  postgres_url: postgresql://nobody@127.0.0.1:9/none\n");
  const test::CommandResult check = test::run_command(
      test::shell_quote(stage("/opt/cu/bin/claude-usaged").string()) + " --check-config --config " +
      test::shell_quote((dir_.path() / "postgres.yaml").string()) + " 2>&1");
  EXPECT_EQ(check.exit_code, 0) << check.output;

  const auto before = staged();
  test::write_file(config, "timezone: UTC\n");
  const test::CommandResult second = install("--user --prefix /opt/cu");
  ASSERT_EQ(second.exit_code, 0) << second.output;
  EXPECT_EQ(test::read_file(config), "timezone: UTC\n");
  auto after = staged();
  after[config.string()] = before.at(config.string());
  EXPECT_EQ(after, before);
}

TEST_F(InstallScriptTest, SystemInstallStagesTheTemplateAndTheSharedConfig) {
  const test::CommandResult result = install("--system");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("systemctl enable --now claude-usaged@"), std::string::npos) << result.output;
  EXPECT_TRUE(fs::exists(stage("/usr/local/bin/claude-usaged")));
  EXPECT_TRUE(fs::exists(stage("/etc/claude-usaged/config.yaml")));
  EXPECT_EQ(test::read_file(stage("/etc/systemd/system/claude-usaged@.service")),
            test::read_file(unit_source("claude-usaged@.service")));
}

TEST_F(InstallScriptTest, RejectsUnknownArgumentsAndRelativePrefixes) {
  EXPECT_EQ(install("--bogus").exit_code, 2);
  EXPECT_EQ(install("--prefix relative/dir").exit_code, 2);
  EXPECT_FALSE(fs::exists(dir_.path() / "stage" / "usr"));
}

// ---- systemd-analyze security --------------------------------------------------------------

// `--threshold` is ten times the displayed exposure; the ceilings are the values measured with
// systemd 252 (docs/SYSTEMD.md): 1.3 for the template, 1.9 for the user unit (which the offline
// analysis scores as if it ran as root, 0.4 of it).
bool security_offline_supported() {
  return test::run_command("systemd-analyze security --help 2>&1 | grep -q -- --offline").exit_code == 0;
}

TEST(SystemdAnalyzeSecurity, ExposureStaysAtTheMeasuredLevel) {
  REQUIRE_SYSTEMD_ANALYZE();
  if (!security_offline_supported()) GTEST_SKIP() << "systemd-analyze security --offline needs systemd >= 250";
  AnalyzeSandbox user("claude-usaged.service", "claude-usaged.service");
  const test::CommandResult user_result = user.analyze(/*user=*/true, "security --offline=yes --threshold=19");
  EXPECT_EQ(user_result.exit_code, 0) << user_result.output;
  AnalyzeSandbox system("claude-usaged@.service", "claude-usaged@alice.service");
  const test::CommandResult system_result = system.analyze(/*user=*/false, "security --offline=yes --threshold=13");
  EXPECT_EQ(system_result.exit_code, 0) << system_result.output;
}

}  // namespace
}  // namespace cu
