// The man pages document every config key, every command and each of its flags, and every option
// of both programs, read from the tables the programs run on (not from lib/docs' own model), and
// groff formats them without a warning.
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "config/config_keys.h"
#include "config/daemon_command_line.h"
#include "ctl/cli.h"
#include "ctl/command_registry.h"
#include "docs/docs_test_support.h"
#include "docs/roff.h"

namespace cu::docs {
namespace {

using test::generated;

const std::string kDaemonPage = "man/man8/claude-usaged.8";
const std::string kCtlPage = "man/man1/claude-usagectl.1";
const std::string kConfigPage = "man/man5/claude-usaged.yaml.5";

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// The part of `page` from the subsection heading `name` to the next heading.
std::string subsection(const std::string& page, const std::string& name) {
  const std::size_t start = page.find(".SS " + roff_bold(name) + "\n");
  if (start == std::string::npos) return "";
  const std::size_t next = std::min(page.find("\n.SS ", start + 1), page.find("\n.SH ", start + 1));
  return page.substr(start, next - start);
}

// Every flag of a CLI11 parser's options, as a page writes them.
std::vector<std::string> parser_flags(const CLI::App& app) {
  std::vector<std::string> flags;
  for (const CLI::Option* option : app.get_options()) {
    for (const std::string& name : option->get_snames()) flags.push_back(roff_literal_line("-" + name));
    for (const std::string& name : option->get_lnames()) flags.push_back(roff_literal_line("--" + name));
  }
  return flags;
}

TEST(ConfigManPage, NamesEveryKeyWithItsDescriptionAndDefault) {
  const std::string page = generated(kConfigPage);
  for (const ConfigKey& key : config_keys()) {
    EXPECT_TRUE(contains(page, ".TP\n" + roff_bold(key.path) + "\n")) << key.path;
    EXPECT_TRUE(contains(page, roff_text(fmt::format("{} Default: {}.", key.description, default_text(key)))))
        << key.path;
  }
}

TEST(ConfigManPage, ShowsTheExampleConfigLineByLine) {
  const std::string page = generated(kConfigPage);
  for (const std::string& line : test::lines_of(render_example_config())) {
    EXPECT_TRUE(contains(page, "\n" + roff_literal_line(line) + "\n")) << line;
  }
}

TEST(ConfigManPage, DefaultsReadAsTheirYaml) {
  EXPECT_EQ(default_text(*find_config_key("rollup.block_hours")), "5");
  EXPECT_EQ(default_text(*find_config_key("pricing.mode")), "auto");
  EXPECT_EQ(default_text(*find_config_key("storage.postgres_url")), "\"\"");
  EXPECT_EQ(default_text(*find_config_key("limits.p90_common_limits")), "[19000, 88000, 220000, 880000]");
  EXPECT_EQ(default_text(*find_config_key("identity")), "<USER>@<hostname>");
}

TEST(CtlManPage, DocumentsEveryCommandWithEachOfItsFlags) {
  const std::string page = generated(kCtlPage);
  for (const ctl::CommandSpec& command : ctl::command_registry()) {
    const std::string section = subsection(page, std::string(command.name));
    ASSERT_FALSE(section.empty()) << command.name;
    EXPECT_TRUE(contains(section, roff_text(std::string(command.summary)))) << command.name;
    for (const std::string_view name : command.args) {
      const ctl::ArgSpec& spec = *ctl::find_arg(name);
      EXPECT_TRUE(contains(section, roff_bold(ctl::cli_flag_of(spec)))) << command.name << " " << name;
      if (spec.short_flag != '\0') {
        EXPECT_TRUE(contains(section, roff_bold(fmt::format("-{}", spec.short_flag)))) << command.name << " " << name;
      }
      EXPECT_TRUE(contains(section, roff_text(std::string(spec.help)))) << command.name << " " << name;
    }
  }
}

TEST(CtlManPage, ListsTheFlagsWithoutEffectApart) {
  const std::string section = subsection(generated(kCtlPage), "daily");
  const std::size_t apart = section.find("Accepted without effect");
  ASSERT_NE(apart, std::string::npos);
  EXPECT_GT(section.find(roff_bold("--offline")), apart);
  EXPECT_LT(section.find(roff_bold("--since")), apart);
}

TEST(CtlManPage, DocumentsEveryGlobalOption) {
  CLI::App app;
  ctl::GlobalOptions values;
  ctl::define_cli(app, values);
  const std::string page = generated(kCtlPage);
  for (const std::string& flag : parser_flags(app)) EXPECT_TRUE(contains(page, "\\fB" + flag + "\\fR")) << flag;
  for (const int code : {ctl::kExitNotRunning, ctl::kExitUsage}) {
    EXPECT_TRUE(contains(page, fmt::format(".TP\n\\fB{}\\fR\n", code))) << code;
  }
}

TEST(DaemonManPage, DocumentsEveryOptionAndExitStatus) {
  CLI::App app;
  DaemonOptions values;
  define_daemon_command_line(app, values);
  const std::string page = generated(kDaemonPage);
  for (const std::string& flag : parser_flags(app)) EXPECT_TRUE(contains(page, "\\fB" + flag + "\\fR")) << flag;
  for (const int code : {kExitDatabaseLocked, kExitConfigError}) {
    EXPECT_TRUE(contains(page, fmt::format(".TP\n\\fB{}\\fR\n", code))) << code;
  }
}

TEST(ManPages, NameTheVersionAndEachOther) {
  for (const std::string& path : {kDaemonPage, kCtlPage, kConfigPage}) {
    const std::string page = generated(path);
    EXPECT_TRUE(contains(page, roff_literal_line(fmt::format("\"claude-usaged {}\"", CU_VERSION)))) << path;
    EXPECT_TRUE(contains(page, ".SH \"SEE ALSO\"")) << path;
  }
}

// groff's own warnings (-ww) and man-db's (what lintian runs) on each page: none.
TEST(ManPages, FormatWithoutWarnings) {
  REQUIRE_PROGRAM("groff");
  REQUIRE_PROGRAM("man");
  cu::test::TempDir dir;
  for (const std::string& path : {kDaemonPage, kCtlPage, kConfigPage}) {
    const std::string file =
        cu::test::shell_quote(test::written(dir, std::filesystem::path(path).filename(), generated(path)).string());
    const auto groff = cu::test::run_command("LC_ALL=C.UTF-8 groff -man -ww -z -Tutf8 " + file + " 2>&1");
    EXPECT_EQ(groff.exit_code, 0) << path;
    EXPECT_EQ(groff.output, "") << path;
    const auto man = cu::test::run_command("LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l " + file +
                                           " 2>&1 >/dev/null");
    EXPECT_EQ(man.exit_code, 0) << path;
    EXPECT_EQ(man.output, "") << path;
  }
}

}  // namespace
}  // namespace cu::docs
