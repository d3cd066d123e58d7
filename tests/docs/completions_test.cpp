// Each completion offers every command, each command's flags (and the global ones) and the values
// of flags with fixed choices, checked by running bash's and fish's completion engines on the
// generated files (zsh's needs a terminal: its specs are checked as text), and each file parses.
#include <algorithm>
#include <set>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "ctl/command_registry.h"
#include "docs/completions.h"
#include "docs/docs_test_support.h"

namespace cu::docs {
namespace {

using Words = std::set<std::string>;

const std::string kBashCtl = "bash-completion/completions/claude-usagectl";
const std::string kZshCtl = "zsh/vendor-completions/_claude-usagectl";
const std::string kFishCtl = "fish/vendor_completions.d/claude-usagectl.fish";

// The flags a command accepts, from the command registry and the CLI's own options.
Words flags_of(const ctl::CommandSpec& command) {
  Words flags;
  for (const std::string_view name : command.args) {
    const ctl::ArgSpec& spec = *ctl::find_arg(name);
    flags.insert(ctl::cli_flag_of(spec));
    if (spec.short_flag != '\0') flags.insert(fmt::format("-{}", spec.short_flag));
  }
  for (const OptionDoc& option : ctl_doc().options) {
    for (const std::string& flag : option.flags()) flags.insert(flag);
  }
  return flags;
}

Words command_names() {
  Words names;
  for (const ctl::CommandSpec& command : ctl::command_registry()) names.insert(std::string(command.name));
  return names;
}

// The flags of `command` that take one of fixed values, with those values.
std::vector<std::pair<std::string, Words>> choice_flags(const ctl::CommandSpec& command) {
  std::vector<std::pair<std::string, Words>> flags;
  for (const std::string_view name : command.args) {
    const ctl::ArgSpec& spec = *ctl::find_arg(name);
    if (spec.kind == ctl::ArgKind::kChoice) flags.emplace_back(ctl::cli_flag_of(spec), Words(spec.choices.begin(), spec.choices.end()));
  }
  return flags;
}

Words words_of(const std::string& output) {
  Words words;
  for (const std::string& line : test::lines_of(output)) words.insert(line.substr(0, line.find('\t')));
  return words;
}

// What bash offers for the command line `words` (the last being completed).
class BashCompletion {
 public:
  BashCompletion() : file_(test::written(dir_, "claude-usagectl.bash", test::generated(kBashCtl))) {}

  Words offered(const std::vector<std::string>& words) const {
    std::string array;
    for (const std::string& word : words) array += " " + cu::test::shell_quote(word);
    const std::string script = fmt::format(
        "source {}; COMP_WORDS=({}); COMP_CWORD={}; _claude_usagectl; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        cu::test::shell_quote(file_.string()), array, words.size() - 1);
    const cu::test::CommandResult result = cu::test::run_command("bash -c " + cu::test::shell_quote(script));
    EXPECT_EQ(result.exit_code, 0) << script;
    return words_of(result.output);
  }

 private:
  cu::test::TempDir dir_;
  std::filesystem::path file_;
};

// What fish offers for the command line `line`.
class FishCompletion {
 public:
  FishCompletion() : file_(test::written(dir_, "claude-usagectl.fish", test::generated(kFishCtl))) {}

  Words offered(const std::string& line) const {
    const std::string script =
        fmt::format("source {}; complete -C {}", cu::test::shell_quote(file_.string()), cu::test::shell_quote(line));
    const cu::test::CommandResult result =
        cu::test::run_command(fmt::format("HOME={} XDG_CONFIG_HOME={}/config fish --no-config -c {}",
                                          cu::test::shell_quote(dir_.path().string()),
                                          cu::test::shell_quote(dir_.path().string()), cu::test::shell_quote(script)));
    EXPECT_EQ(result.exit_code, 0) << script;
    return words_of(result.output);
  }

 private:
  cu::test::TempDir dir_;
  std::filesystem::path file_;
};

TEST(BashCompletion, OffersEveryCommandThenItsFlagsAndChoices) {
  REQUIRE_PROGRAM("bash");
  const BashCompletion bash;
  EXPECT_EQ(bash.offered({"claude-usagectl", ""}), command_names());
  EXPECT_EQ(bash.offered({"claude-usagectl", "--socket", "/tmp/s", "--json", ""}), command_names());
  for (const ctl::CommandSpec& command : ctl::command_registry()) {
    const std::string name(command.name);
    EXPECT_EQ(bash.offered({"claude-usagectl", name, "-"}), flags_of(command)) << name;
    for (const auto& [flag, choices] : choice_flags(command)) {
      EXPECT_EQ(bash.offered({"claude-usagectl", name, flag, ""}), choices) << name << " " << flag;
      EXPECT_EQ(bash.offered({"claude-usagectl", name, flag, "=", ""}), choices) << name << " " << flag << "=";
    }
  }
  EXPECT_EQ(bash.offered({"claude-usagectl", "blocks", "--token-limit", "m"}), Words{"max"});
  EXPECT_EQ(bash.offered({"claude-usagectl", "daily", "--since", ""}), Words{});
}

TEST(BashCompletion, OffersTheDaemonsOptions) {
  REQUIRE_PROGRAM("bash");
  cu::test::TempDir dir;
  const auto file = test::written(dir, "claude-usaged.bash", test::generated("bash-completion/completions/claude-usaged"));
  const std::string script = fmt::format(
      "source {}; COMP_WORDS=(claude-usaged --); COMP_CWORD=1; _claude_usaged; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
      cu::test::shell_quote(file.string()));
  const Words offered = words_of(cu::test::run_command("bash -c " + cu::test::shell_quote(script)).output);
  for (const OptionDoc& option : daemon_doc().options) EXPECT_TRUE(offered.contains(option.long_flag)) << option.long_flag;
  EXPECT_TRUE(offered.contains("--once"));
}

TEST(FishCompletion, OffersEveryCommandThenItsFlagsAndChoices) {
  REQUIRE_PROGRAM("fish");
  const FishCompletion fish;
  EXPECT_EQ(fish.offered("claude-usagectl "), command_names());
  for (const ctl::CommandSpec& command : ctl::command_registry()) {
    const std::string name(command.name);
    Words long_flags;
    for (const std::string& flag : flags_of(command)) {
      if (flag.starts_with("--")) long_flags.insert(flag);
    }
    EXPECT_EQ(fish.offered(fmt::format("claude-usagectl {} --", name)), long_flags) << name;
    for (const auto& [flag, choices] : choice_flags(command)) {
      EXPECT_EQ(fish.offered(fmt::format("claude-usagectl {} {} ", name, flag)), choices) << name << " " << flag;
    }
  }
}

TEST(FishCompletion, OffersTheDaemonsOptions) {
  REQUIRE_PROGRAM("fish");
  cu::test::TempDir dir;
  const auto file = test::written(dir, "claude-usaged.fish", test::generated("fish/vendor_completions.d/claude-usaged.fish"));
  const auto result = cu::test::run_command(
      fmt::format("HOME={0} XDG_CONFIG_HOME={0}/config fish --no-config -c {1}", cu::test::shell_quote(dir.path().string()),
                  cu::test::shell_quote(fmt::format("source {}; complete -C 'claude-usaged --'", file.string()))));
  const Words offered = words_of(result.output);
  for (const OptionDoc& option : daemon_doc().options) EXPECT_TRUE(offered.contains(option.long_flag)) << option.long_flag;
}

// zsh: each command's arm of the `case` holds a spec for each of its flags; the commands are
// described with their summaries.
TEST(ZshCompletion, HasASpecForEveryCommandAndEachOfItsFlags) {
  const std::string text = test::generated(kZshCtl);
  for (const ctl::CommandSpec& command : ctl::command_registry()) {
    const std::string name(command.name);
    EXPECT_NE(text.find(fmt::format("'{}:", name)), std::string::npos) << name;
    const std::size_t arm = text.find(fmt::format("        ({})\n", name));
    ASSERT_NE(arm, std::string::npos) << name;
    const std::string body = text.substr(arm, text.find(";;", arm) - arm);
    for (const std::string_view arg : command.args) {
      const ctl::ArgSpec& spec = *ctl::find_arg(arg);
      const bool takes_value = spec.kind != ctl::ArgKind::kFlag;
      EXPECT_NE(body.find(")" + ctl::cli_flag_of(spec) + (takes_value ? "=[" : "[")), std::string::npos) << name << " " << arg;
      if (spec.short_flag != '\0') {
        EXPECT_NE(body.find(fmt::format(")-{}[", spec.short_flag)), std::string::npos) << name << " " << arg;
      }
      if (spec.kind == ctl::ArgKind::kChoice) {
        EXPECT_NE(body.find(fmt::format(":({})'", fmt::join(spec.choices, " "))), std::string::npos) << name << " " << arg;
      }
    }
  }
}

TEST(ZshCompletion, HasASpecForEveryOptionOfBothPrograms) {
  for (const auto& [path, program] : {std::pair{kZshCtl, ctl_doc()},
                                      std::pair{std::string("zsh/vendor-completions/_claude-usaged"), daemon_doc()}}) {
    const std::string text = test::generated(path);
    for (const OptionDoc& option : program.options) {
      for (const std::string& flag : option.flags()) {
        const std::string spec = ")" + flag + (option.takes_value() && flag.starts_with("--") ? "=[" : "[");
        EXPECT_NE(text.find(spec), std::string::npos) << path << " " << flag;
      }
    }
  }
}

TEST(Completions, ParseInTheirShells) {
  cu::test::TempDir dir;
  for (const GeneratedFile& file : generated_files()) {
    std::string shell;
    if (file.path.starts_with("bash-completion/")) shell = "bash";
    if (file.path.starts_with("zsh/")) shell = "zsh";
    if (file.path.starts_with("fish/")) shell = "fish";
    if (shell.empty()) continue;
    if (!test::have_program(shell)) {
      if (cu::test::running_in_ci()) ADD_FAILURE() << shell << " is missing (scripts/install-deps)";
      continue;
    }
    const auto path = test::written(dir, std::filesystem::path(file.path).filename(), file.text);
    const auto result = cu::test::run_command(fmt::format("{} -n {} 2>&1", shell, cu::test::shell_quote(path.string())));
    EXPECT_EQ(result.exit_code, 0) << file.path << ": " << result.output;
    EXPECT_EQ(result.output, "") << file.path;
  }
}

TEST(ShellWord, RefusesWhatAShellWouldSplitOrExpand) {
  EXPECT_EQ(shell_word("--start-of-week"), "--start-of-week");
  EXPECT_EQ(shell_word("emoji-text"), "emoji-text");
  for (const std::string word : {"", "a b", "it's", "$HOME", "a*", "`x`"}) {
    EXPECT_THROW(shell_word(word), std::invalid_argument) << word;
  }
}

}  // namespace
}  // namespace cu::docs
