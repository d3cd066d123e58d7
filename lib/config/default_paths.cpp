#include "config/default_paths.h"

namespace cu {

namespace fs = std::filesystem;

fs::path home_dir(const Environment& env) {
  auto home = env.get("HOME");
  if (!home || home->empty()) throw ConfigError("HOME is not set; cannot expand \"~\"");
  return fs::path(*home);
}

fs::path expand_home(std::string_view text, const Environment& env) {
  if (text == "~") return home_dir(env);
  if (text.starts_with("~/")) return home_dir(env) / text.substr(2);
  return fs::path(text);
}

fs::path xdg_dir(const Environment& env, const std::string& variable,
                 std::string_view fallback_below_home) {
  auto value = env.get(variable);
  if (value && fs::path(*value).is_absolute()) return fs::path(*value);
  return home_dir(env) / fallback_below_home;
}

fs::path state_dir(const Environment& env) {
  return xdg_dir(env, "XDG_STATE_HOME", ".local/state") / "claude-usaged";
}

fs::path default_sqlite_path(const Environment& env) { return state_dir(env) / "usage.db"; }

fs::path default_ctl_socket(const Environment& env) {
  auto runtime = env.get("XDG_RUNTIME_DIR");
  if (runtime && fs::path(*runtime).is_absolute()) {
    return fs::path(*runtime) / "claude-usaged.sock";
  }
  return state_dir(env) / "claude-usaged.sock";
}

std::string default_identity(const Environment& env) {
  auto user = env.get("USER");
  if (!user || user->empty()) user = env.get("LOGNAME");
  std::string name = user && !user->empty() ? *user : "unknown";
  std::string host = env.hostname.empty() ? "localhost" : env.hostname;
  return name + "@" + host;
}

fs::path normalize_dir(const fs::path& dir) {
  fs::path normal = dir.lexically_normal();
  if (!normal.has_filename() && normal.has_relative_path()) return normal.parent_path();
  return normal;
}

fs::path default_config_path(const Environment& env) {
  return xdg_dir(env, "XDG_CONFIG_HOME", ".config") / "claude-usaged" / "config.yaml";
}

}  // namespace cu
