#pragma once
// The declarative table of config keys (SPEC §8). Defaults, parsing, validation, render_config and
// the example config are all driven by it; adding a key means adding one row.
#include <yaml-cpp/yaml.h>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"

namespace cu {

struct ConfigKey {
  std::string_view path;         // dotted, at most one section deep: "rollup.block_hours"
  std::string_view description;  // one line, shown above the key in the example config
  // The default spelled out when it depends on the environment ("${XDG_STATE_HOME:-...}/usage.db");
  // empty when the default is a constant, which the example config then shows as the value.
  std::string_view default_doc;
  // The value the example config shows (YAML text) when `default_doc` is set; valid for the key.
  std::string_view example;
  std::function<void(const Environment&, Config&)> set_default;
  // Reads a non-null value into the config. Throws ValueError (yaml_value.h) on a bad value.
  std::function<void(const YAML::Node&, const Environment&, Config&)> parse;
  // The config's value as YAML that `parse` reads back to the same value.
  std::function<YAML::Node(const Config&)> render;

  std::string_view section() const;  // "rollup"; empty for a top-level key
  std::string_view name() const;     // "block_hours"
};

// Every key, grouped by section in the order render_config and the example config show them.
const std::vector<ConfigKey>& config_keys();

const ConfigKey* find_config_key(std::string_view path);

// Whether `path` names a section, i.e. some key lies below it.
bool is_config_section(std::string_view path);

// A key's default as the docs show it: `default_doc` when the environment decides it, else the
// constant default as one line of YAML ("5", "auto", "\"\"", "[19000, 88000]").
std::string default_text(const ConfigKey& key);

// The names of the keys directly below `section` ("" for the top level), comma-separated.
std::string known_keys_below(std::string_view section);

}  // namespace cu
