#pragma once
// Reading typed values out of yaml-cpp nodes, with errors that point at the offending node.
#include <yaml-cpp/yaml.h>

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace cu {

// A bad value inside one config key. `mark` is where in the text (the key's own line when the
// node has none); `subkey` names the part below the key ("my-model.input"), empty for the key.
class ValueError : public std::runtime_error {
 public:
  ValueError(const YAML::Node& node, const std::string& problem, std::string subkey = {});

  YAML::Mark mark;
  std::string subkey;
};

// How an error message shows a node: "\"abc\"", "a list", "a mapping" or "nothing".
std::string describe(const YAML::Node& node);

// The node's text when it is a scalar; nullopt for lists, mappings and null.
std::optional<std::string> scalar_text(const YAML::Node& node);

// Whole decimal numbers with an optional sign; nullopt for anything else or on overflow.
std::optional<long long> parse_integer(std::string_view text);

// Finite decimal numbers ("3", "0.3", "1e-6"); nullopt for anything else.
std::optional<double> parse_number(std::string_view text);

// The node's text, or ValueError "must be <what>, got ..." when it is not a scalar.
std::string read_scalar(const YAML::Node& node, std::string_view what);

}  // namespace cu
