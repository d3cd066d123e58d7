// Reading the config file over the defaults, driven by the key table (config_keys.h).
#include <fmt/format.h>
#include <simdjson.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <vector>

#include "config/config.h"
#include "config/config_keys.h"
#include "config/yaml_value.h"

namespace cu {

namespace fs = std::filesystem;

namespace {

// "file:line" for a mark, the file alone for none.
std::string position(const std::string& source, const YAML::Mark& mark) {
  return mark.is_null() ? source : fmt::format("{}:{}", source, mark.line + 1);
}

// Walks one YAML document, applying every key to `config_`.
class DocumentReader {
 public:
  DocumentReader(const Environment& env, const std::string& source, Config& config)
      : env_(env), source_(source), config_(config) {}

  void read_document(const YAML::Node& root) {
    if (root.IsNull()) return;
    if (!root.IsMap()) {
      throw error(root.Mark(), "",
                  fmt::format("the config must be a mapping of keys, got {}", describe(root)));
    }
    read_mapping(root, "");
  }

 private:
  ConfigError error(const YAML::Mark& mark, std::string_view key, std::string_view problem) const {
    std::string where = position(source_, mark);
    if (key.empty()) return ConfigError(fmt::format("{}: {}", where, problem));
    return ConfigError(fmt::format("{}: {}: {}", where, key, problem));
  }

  void read_mapping(const YAML::Node& map, const std::string& section) {
    std::set<std::string> seen;
    for (const auto& entry : map) {
      auto name = scalar_text(entry.first);
      if (!name || name->empty()) {
        throw error(entry.first.Mark(), section, "keys must be non-empty names");
      }
      std::string path = section.empty() ? *name : section + "." + *name;
      if (!seen.insert(*name).second) throw error(entry.first.Mark(), path, "duplicate key");
      // Sections are nested mappings only: "rollup.block_hours:" is not the key it spells.
      bool dotted = name->find('.') != std::string::npos;
      read_entry(entry.first, entry.second, dotted ? "" : path, path, section);
    }
  }

  // `lookup` is the path to look the key up by, empty for a name that cannot be a key; `path`
  // is what messages call it.
  void read_entry(const YAML::Node& key, const YAML::Node& value, const std::string& lookup,
                  const std::string& path, const std::string& section) {
    if (const ConfigKey* config_key = find_config_key(lookup)) {
      read_value(*config_key, key, value);
    } else if (!lookup.empty() && is_config_section(lookup)) {
      if (value.IsMap()) {
        read_mapping(value, path);
      } else if (!value.IsNull()) {
        throw error(value.Mark(), path,
                    fmt::format("must be a mapping of keys ({}), got {}", known_keys_below(path),
                                describe(value)));
      }
    } else {
      throw error(key.Mark(), path,
                  fmt::format("unknown key (known: {})", known_keys_below(section)));
    }
  }

  // A null value ("key:" or "key: ~") keeps the default.
  void read_value(const ConfigKey& config_key, const YAML::Node& key, const YAML::Node& value) {
    if (value.IsNull()) return;
    try {
      config_key.parse(value, env_, config_);
    } catch (const ValueError& bad) {
      std::string path = std::string(config_key.path);
      if (!bad.subkey.empty()) path += "." + bad.subkey;
      throw error(bad.mark.is_null() ? key.Mark() : bad.mark, path, bad.what());
    } catch (const ConfigError& bad) {
      throw error(value.Mark(), config_key.path, bad.what());
    }
  }

  const Environment& env_;
  const std::string& source_;
  Config& config_;
};

// Why a key or value cannot be a config's text, or "". Every value is a name, a path, a URL, a
// number or a glob: none spans lines or holds a control character, and render_config could not
// write one that did so that it reads back the same (yaml-cpp 0.7 writes a trailing CR as is,
// which the next read takes as part of the line break). Nor could it write what is not UTF-8;
// yaml-cpp 0.7 makes that out of a UTF-8 file too, reading the double-quoted escapes `\N` and
// `\_` as the single bytes 0x85 and 0xA0.
std::string scalar_problem(std::string_view text) {
  if (!simdjson::validate_utf8(text.data(), text.size())) {
    return "a key or value that is not UTF-8 text (the YAML escapes \\N and \\_ count as such: "
           "write the character itself)";
  }
  for (std::size_t i = 0; i < text.size(); ++i) {
    auto byte = static_cast<unsigned char>(text[i]);
    unsigned code = byte;
    // U+0080..U+009F, the C1 controls, are 0xC2 0x80..0x9F in UTF-8.
    if (byte == 0xC2 && i + 1 < text.size()) code = static_cast<unsigned char>(text[i + 1]);
    bool c1 = byte == 0xC2 && code >= 0x80 && code <= 0x9F;
    if (code < 0x20 || code == 0x7F || c1) {
      return fmt::format("a key or value with a line break or control character (U+{:04X})", code);
    }
  }
  return "";
}

// Ignores the content of a YAML stream; keeps, per document, where its root node starts (where
// the document starts when it has none), and the first key or value that cannot be a config's.
class DocumentMarks : public YAML::EventHandler {
 public:
  std::vector<YAML::Mark> roots;
  std::optional<YAML::Mark> bad_scalar;
  std::string problem;

  void OnDocumentStart(const YAML::Mark& mark) override {
    roots.push_back(mark);
    root_seen_ = false;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t) override { node_at(mark); }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override { node_at(mark); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                const std::string& value) override {
    node_at(mark);
    if (bad_scalar) return;
    problem = scalar_problem(value);
    if (!problem.empty()) bad_scalar = mark;
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    node_at(mark);
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    node_at(mark);
  }
  void OnMapEnd() override {}

 private:
  void node_at(const YAML::Mark& mark) {
    if (!root_seen_ && !roots.empty()) roots.back() = mark;
    root_seen_ = true;
  }
  bool root_seen_ = false;
};

// Throws unless `yaml_text` holds at most one document, whose every key and value is one line of
// UTF-8 text (scalar_problem). Reads at most two documents: yaml-cpp 0.7's LoadAll never ends on
// some malformed streams (a top-level `,`, or a tag before one), each round adding an empty
// document until memory runs out.
void require_single_plain_document(const std::string& yaml_text, const std::string& source) {
  std::istringstream in(yaml_text);
  YAML::Parser parser(in);
  DocumentMarks documents;
  while (documents.roots.size() < 2 && parser.HandleNextDocument(documents)) {
  }
  if (documents.roots.size() >= 2) {
    throw ConfigError(fmt::format("{}: the config must be a single YAML document",
                                  position(source, documents.roots[1])));
  }
  if (documents.bad_scalar) {
    throw ConfigError(
        fmt::format("{}: {}", position(source, *documents.bad_scalar), documents.problem));
  }
}

YAML::Node load_yaml(const std::string& yaml_text, const std::string& source) {
  try {
    require_single_plain_document(yaml_text, source);
    return YAML::Load(yaml_text);
  } catch (const YAML::Exception& bad) {
    throw ConfigError(fmt::format("{}: YAML syntax error: {}", position(source, bad.mark), bad.msg));
  }
}

// What the config means on this machine: `timezone: local` named, `pricing.file` checked.
Config settled(Config config, const Environment& env) {
  config.timezone = resolve_time_zone(config.timezone, env);
  make_price_table(config);
  return config;
}

}  // namespace

Config default_config(const Environment& env) {
  Config config;
  for (const ConfigKey& key : config_keys()) key.set_default(env, config);
  return config;
}

Config parse_config(const std::string& yaml_text, const Environment& env,
                    const std::string& source_name) {
  YAML::Node root = load_yaml(yaml_text, source_name);
  Config config = default_config(env);
  DocumentReader(env, source_name, config).read_document(root);
  return config;
}

Config load_config(const fs::path& path, const Environment& env, bool path_is_explicit) {
  return settled(read_config(path, env, path_is_explicit), env);
}

Config read_config(const fs::path& path, const Environment& env, bool path_is_explicit) {
  std::error_code ec;
  bool exists = fs::exists(path, ec);
  if (!exists && !ec && !path_is_explicit) return default_config(env);
  if (fs::is_directory(path, ec)) {
    throw ConfigError(fmt::format("{}: is a directory, not a config file", path.string()));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw ConfigError(
        fmt::format("{}: cannot read the config file: {}", path.string(), std::strerror(errno)));
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    throw ConfigError(fmt::format("{}: cannot read the config file", path.string()));
  }
  return parse_config(text.str(), env, path.string());
}

}  // namespace cu
