// Where the Claude Code logs are (SPEC §2).
#include <set>
#include <string_view>
#include <system_error>

#include "config/config.h"
#include "config/default_paths.h"
#include "core/path_identity.h"

namespace cu {

namespace fs = std::filesystem;

namespace {

std::string_view trim(std::string_view text) {
  constexpr std::string_view kSpace = " \t\r\n";
  auto first = text.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  auto last = text.find_last_not_of(kSpace);
  return text.substr(first, last - first + 1);
}

// One CLAUDE_CONFIG_DIR entry as a root: "~" expanded, ".../projects" meaning its parent.
fs::path root_from_entry(std::string_view entry, const Environment& env) {
  fs::path root = normalize_dir(expand_home(entry, env));
  if (root.filename() == "projects" && root.has_parent_path()) root = root.parent_path();
  return root;
}

std::vector<fs::path> roots_from_variable(std::string_view value, const Environment& env) {
  std::vector<fs::path> roots;
  while (!value.empty()) {
    auto comma = value.find(',');
    std::string_view entry = trim(value.substr(0, comma));
    if (!entry.empty()) roots.push_back(root_from_entry(entry, env));
    value = comma == std::string_view::npos ? std::string_view{} : value.substr(comma + 1);
  }
  return roots;
}

}  // namespace

std::vector<fs::path> default_claude_roots(const Environment& env) {
  // Like ccusage: a CLAUDE_CONFIG_DIR with no non-blank entry counts as unset.
  if (auto variable = env.get("CLAUDE_CONFIG_DIR")) {
    auto roots = roots_from_variable(*variable, env);
    if (!roots.empty()) return roots;
  }
  return {xdg_dir(env, "XDG_CONFIG_HOME", ".config") / "claude", home_dir(env) / ".claude"};
}

std::vector<fs::path> configured_claude_roots(const Config& config) {
  std::vector<fs::path> roots;
  std::set<fs::path> seen;
  for (const fs::path& root : config.claude_dirs) {
    if (seen.insert(path_identity(root)).second) roots.push_back(root);
  }
  return roots;
}

std::vector<fs::path> effective_claude_roots(const Config& config) {
  std::vector<fs::path> roots;
  for (const fs::path& root : configured_claude_roots(config)) {
    std::error_code ec;
    if (fs::is_directory(root / "projects", ec)) roots.push_back(root);
  }
  return roots;
}

}  // namespace cu
