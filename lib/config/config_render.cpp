// render_config and the example config, both driven by the key table (config_keys.h).
#include <yaml-cpp/yaml.h>

#include <sstream>

#include "config/config.h"
#include "config/config_keys.h"

namespace cu {

namespace {

constexpr std::string_view kExampleHeader =
    R"(# claude-usaged example configuration (SPEC §8).
# Copy to ${XDG_CONFIG_HOME:-~/.config}/claude-usaged/config.yaml and remove the "#" in front of
# the keys you change (and of their section). Every key is optional; a missing file, an empty one
# or an empty value means the default. `claude-usaged --check-config` prints the effective config.
# Generated from lib/config/config_keys.cpp; tests/config checks that this file matches it.
)";

// yaml-cpp writes a null node as nothing at all ("~" reads back as null), and an empty mapping
// on a line of its own.
void emit_value(YAML::Emitter& out, const YAML::Node& value) {
  if (value.IsNull()) {
    out << YAML::Null;
  } else if (value.IsMap() && value.size() == 0) {
    out << YAML::Flow << YAML::BeginMap << YAML::EndMap;
  } else {
    out << value;
  }
}

// `name: value` as block YAML, each line prefixed with `prefix`.
std::string prefixed_entry(std::string_view prefix, std::string_view name,
                           const YAML::Node& value) {
  YAML::Emitter out;
  out << YAML::BeginMap << YAML::Key << std::string(name) << YAML::Value;
  emit_value(out, value);
  out << YAML::EndMap;
  std::istringstream lines(out.c_str());
  std::string text;
  for (std::string line; std::getline(lines, line);) text += std::string(prefix) + line + "\n";
  return text;
}

// The value the example shows: the constant default, or the row's example.
YAML::Node example_value(const ConfigKey& key) {
  if (!key.default_doc.empty()) return YAML::Load(std::string(key.example));
  Config config;
  key.set_default(Environment{}, config);
  return key.render(config);
}

std::string example_entry(const ConfigKey& key) {
  bool nested = !key.section().empty();
  std::string comment = nested ? "#  # " : "# ";
  std::string text = comment + std::string(key.description) + "\n";
  if (!key.default_doc.empty())
    text += comment + "Default: " + std::string(key.default_doc) + ".\n";
  return text + prefixed_entry(nested ? "#  " : "#", key.name(), example_value(key));
}

}  // namespace

std::string render_config(const Config& config) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  std::string_view open_section;
  for (const ConfigKey& key : config_keys()) {
    if (key.section() != open_section) {
      if (!open_section.empty()) out << YAML::EndMap;
      open_section = key.section();
      if (!open_section.empty())
        out << YAML::Key << std::string(open_section) << YAML::Value << YAML::BeginMap;
    }
    out << YAML::Key << std::string(key.name()) << YAML::Value;
    emit_value(out, key.render(config));
  }
  if (!open_section.empty()) out << YAML::EndMap;
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

std::string default_text(const ConfigKey& key) {
  if (!key.default_doc.empty()) return std::string(key.default_doc);
  YAML::Emitter out;
  out << YAML::Flow;
  emit_value(out, example_value(key));
  return out.c_str();
}

std::string render_example_config() {
  std::string text(kExampleHeader);
  std::string_view open_section = "-";
  for (const ConfigKey& key : config_keys()) {
    if (key.section().empty() || key.section() != open_section) text += "\n";
    if (!key.section().empty() && key.section() != open_section) {
      text.append("#").append(key.section()).append(":\n");
    }
    open_section = key.section();
    text += example_entry(key);
  }
  return text;
}

}  // namespace cu
