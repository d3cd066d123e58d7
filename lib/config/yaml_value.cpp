#include "config/yaml_value.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>

namespace cu {

namespace {

// Drops one leading '+', which from_chars does not accept; "+-1" stays invalid.
std::string_view without_plus(std::string_view text) {
  if (text.starts_with('+') && !text.starts_with("+-")) text.remove_prefix(1);
  return text;
}

}  // namespace

ValueError::ValueError(const YAML::Node& node, const std::string& problem, std::string subkey)
    : std::runtime_error(problem),
      // An empty value's mark points past it, at the next token: better none (the key's line).
      mark(node.IsNull() ? YAML::Mark::null_mark() : node.Mark()),
      subkey(std::move(subkey)) {}

std::string describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Scalar: {
      std::string escaped;
      for (char c : node.Scalar()) {
        if (c == '"' || c == '\\') escaped += '\\';
        escaped += c;
      }
      return "\"" + escaped + "\"";
    }
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a mapping";
    default:
      return "nothing";
  }
}

std::optional<std::string> scalar_text(const YAML::Node& node) {
  if (!node.IsScalar()) return std::nullopt;
  return node.Scalar();
}

std::optional<long long> parse_integer(std::string_view text) {
  text = without_plus(text);
  long long value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

std::optional<double> parse_number(std::string_view text) {
  text = without_plus(text);
  double value = 0;
  auto [end, ec] =
      std::from_chars(text.data(), text.data() + text.size(), value, std::chars_format::general);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  if (!std::isfinite(value)) return std::nullopt;
  return value;
}

std::string read_scalar(const YAML::Node& node, std::string_view what) {
  auto text = scalar_text(node);
  if (!text) throw ValueError(node, fmt::format("must be {}, got {}", what, describe(node)));
  return *text;
}

}  // namespace cu
