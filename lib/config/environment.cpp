#include <pwd.h>
#include <unistd.h>

#include <array>
#include <cstdlib>
#include <filesystem>
#include <vector>

#include "config/config.h"

namespace cu {

namespace {

// The variables the defaults depend on; nothing else is copied from the process environment.
constexpr std::array<const char*, 8> kVariables = {
    "HOME",
    "USER",
    "LOGNAME",
    "XDG_CONFIG_HOME",
    "XDG_STATE_HOME",
    "XDG_RUNTIME_DIR",
    "CLAUDE_CONFIG_DIR",
    "TZ",
};

// The passwd entry of the real uid, for HOME and USER when the environment lacks them (systemd
// system units start with a minimal environment).
struct PasswdInfo {
  std::string home;
  std::string name;
};

PasswdInfo passwd_info() {
  long size_hint = sysconf(_SC_GETPW_R_SIZE_MAX);
  std::vector<char> buffer(size_hint > 0 ? static_cast<std::size_t>(size_hint) : 16384);
  passwd entry{};
  passwd* found = nullptr;
  if (getpwuid_r(getuid(), &entry, buffer.data(), buffer.size(), &found) != 0 || !found) return {};
  return {found->pw_dir ? found->pw_dir : "", found->pw_name ? found->pw_name : ""};
}

std::string host_name() {
  std::array<char, 256> buffer{};
  if (gethostname(buffer.data(), buffer.size() - 1) != 0) return "";
  return buffer.data();
}

std::optional<std::string> read_localtime_target() {
  namespace fs = std::filesystem;
  const fs::path localtime = "/etc/localtime";
  std::error_code error;
  const fs::file_status status = fs::symlink_status(localtime, error);
  if (error || !fs::exists(status)) return std::nullopt;
  if (!fs::is_symlink(status)) return "";
  const fs::path target = fs::read_symlink(localtime, error);
  return error ? "" : target.string();
}

}  // namespace

Environment Environment::current() {
  Environment env;
  for (const char* name : kVariables) {
    if (const char* value = std::getenv(name)) env.vars[name] = value;
  }
  bool lacks_user = env.vars["USER"].empty() && env.vars["LOGNAME"].empty();
  if (env.vars["HOME"].empty() || lacks_user) {
    PasswdInfo info = passwd_info();
    if (env.vars["HOME"].empty()) env.vars["HOME"] = info.home;
    if (lacks_user) env.vars["USER"] = info.name;
  }
  env.hostname = host_name();
  env.localtime_target = read_localtime_target();
  return env;
}

std::optional<std::string> Environment::get(const std::string& name) const {
  auto it = vars.find(name);
  if (it == vars.end()) return std::nullopt;
  return it->second;
}

}  // namespace cu
