#include "docs/program_doc.h"

#include <cctype>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "config/daemon_command_line.h"
#include "ctl/cli.h"
#include "ctl/command_registry.h"

namespace cu::docs {
namespace {

OptionDoc option_of(const CLI::Option& option) {
  OptionDoc doc;
  if (!option.get_snames().empty()) doc.short_flag = "-" + option.get_snames().front();
  if (!option.get_lnames().empty()) doc.long_flag = "--" + option.get_lnames().front();
  if (option.get_type_size_max() > 0) doc.value_name = option.get_type_name();
  doc.help = option.get_description();
  doc.path_value = doc.value_name == "FILE" || doc.value_name == "PATH";
  return doc;
}

std::string joined(const std::vector<std::string_view>& words, std::string_view separator) {
  return fmt::format("{}", fmt::join(words, separator));
}

// "SESSION-ID" for "session_id".
std::string upper_name(std::string_view name) {
  std::string text(name);
  for (char& c : text) c = c == '_' ? '-' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

std::string value_name_of(const ctl::ArgSpec& spec) {
  switch (spec.kind) {
    case ctl::ArgKind::kFlag: return "";
    case ctl::ArgKind::kDate: return "DATE";
    case ctl::ArgKind::kText: return upper_name(spec.name);
    case ctl::ArgKind::kChoice: return joined(spec.choices, "|");
    case ctl::ArgKind::kCount: return "N";
    case ctl::ArgKind::kTokenLimit: return "N|max|p90";
    case ctl::ArgKind::kJson: return "JSON";
    case ctl::ArgKind::kZone: return "ZONE";
    case ctl::ArgKind::kAliases: return "FOLDER=NAME,...";
    case ctl::ArgKind::kBreakdown: return "[" + joined(spec.choices, "|") + "]";  // the value is optional
  }
  return "VALUE";
}

std::vector<std::string> choices_of(const ctl::ArgSpec& spec) {
  if (spec.kind == ctl::ArgKind::kTokenLimit) return {"max", "p90"};
  return {spec.choices.begin(), spec.choices.end()};
}

OptionDoc option_of(const ctl::ArgSpec& spec) {
  OptionDoc doc;
  if (spec.short_flag != '\0') doc.short_flag = fmt::format("-{}", spec.short_flag);
  doc.long_flag = ctl::cli_flag_of(spec);
  doc.value_name = value_name_of(spec);
  doc.help = std::string(spec.help);
  if (spec.kind == ctl::ArgKind::kChoice) doc.help += fmt::format(" (default: {})", spec.choices.front());
  doc.choices = choices_of(spec);
  doc.no_effect = spec.scope == ctl::ArgScope::kCompat;
  return doc;
}

CommandDoc command_of(const ctl::CommandSpec& command) {
  CommandDoc doc{std::string(command.name), std::string(command.summary), {}};
  for (const auto name : command.args) doc.options.push_back(option_of(*ctl::find_arg(name)));
  return doc;
}

}  // namespace

std::vector<std::string> OptionDoc::flags() const {
  std::vector<std::string> given;
  if (!short_flag.empty()) given.push_back(short_flag);
  if (!long_flag.empty()) given.push_back(long_flag);
  return given;
}

std::vector<OptionDoc> options_of(const CLI::App& app) {
  std::vector<OptionDoc> options;
  for (const CLI::Option* option : app.get_options()) options.push_back(option_of(*option));
  return options;
}

ProgramDoc daemon_doc() {
  CLI::App app;
  DaemonOptions values;
  define_daemon_command_line(app, values);
  return ProgramDoc{app.get_name(), app.get_description(), options_of(app), {}};
}

ProgramDoc ctl_doc() {
  CLI::App app;
  ctl::GlobalOptions values;
  ctl::define_cli(app, values);
  ProgramDoc doc{app.get_name(), app.get_description(), options_of(app), {}};
  for (const ctl::CommandSpec& command : ctl::command_registry()) doc.commands.push_back(command_of(command));
  return doc;
}

}  // namespace cu::docs
