#include "soak/environment.h"

#include <atomic>
#include <cstring>
#include <fstream>

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include "support/test_support.h"

namespace cu::soak {

namespace fs = std::filesystem;

namespace {

constexpr const char* kWatchLimitPath = "/proc/sys/fs/inotify/max_user_watches";

std::string storage_block(const DaemonConfig& config) {
  std::string text = fmt::format("storage:\n  sqlite_path: {}\n", config.database.string());
  if (!config.postgres_url.empty()) text += fmt::format("  postgres_url: \"{}\"\n", config.postgres_url);
  return text;
}

std::string header(const DaemonConfig& config, const std::string& timezone) {
  std::string roots = fmt::format("    - {}\n", config.logs.string());
  for (const fs::path& root : config.more_roots) roots += fmt::format("    - {}\n", root.string());
  std::string text = fmt::format("sources:\n  claude_dirs:\n{}timezone: {}\nidentity: {}\n", roots, timezone,
                                 config.identity);
  if (!config.price_overrides.empty()) text += "pricing:\n  overrides:\n" + config.price_overrides;
  return text;
}

// The original limit as text, for the signal handler; empty when nothing is lowered.
char g_original_limit[32] = {};
std::atomic<bool> g_limit_lowered{false};

}  // namespace

std::string render_good_config(const DaemonConfig& config) {
  return header(config, config.timezone) + storage_block(config) +
         fmt::format("ctl:\n  socket: {}\nlog:\n  level: info\n", config.socket.string());
}

std::string render_bad_config(const DaemonConfig& config, std::uint64_t variant) {
  const std::string tail = fmt::format("ctl:\n  socket: {}\nlog:\n  level: info\n", config.socket.string());
  switch (variant % 4) {
    case 0: return header(config, config.timezone) + storage_block(config) + "  no_such_key: 1\n" + tail;
    case 1: return header(config, "Mars/Olympus_Mons") + storage_block(config) + tail;
    case 2: return header(config, config.timezone) + storage_block(config) + tail + "rollup: [block_hours, 5\n";
    default: return header(config, config.timezone) + storage_block(config) + tail + "rollup:\n  block_hours: 99\n";
  }
}

std::unique_ptr<PrivatePostgres> PrivatePostgres::start(const fs::path& dir, std::string& why) {
  std::unique_ptr<PrivatePostgres> server(new PrivatePostgres(dir, ""));
  std::string url;
  if (server->script("start", &url) != 0) {
    why = "scripts/pg-test-server start failed (PostgreSQL server binaries missing?)";
    server->script("stop");  // whatever initdb left
    server->dir_.clear();
    return nullptr;
  }
  while (!url.empty() && url.back() == '\n') url.pop_back();
  server->url_ = url;
  return server;
}

PrivatePostgres::~PrivatePostgres() {
  if (!dir_.empty()) script("stop");
}

int PrivatePostgres::script(const char* command, std::string* output) const {
  const auto result = test::run_command(
      fmt::format("CU_PG_DIR={} {} {}", test::shell_quote(dir_.string()),
                  test::shell_quote(std::string(CU_SOURCE_DIR) + "/scripts/pg-test-server"), command));
  if (output != nullptr) *output = result.output;
  return result.exit_code;
}

bool PrivatePostgres::pause() {
  paused_ = script("pause") == 0;
  return paused_;
}

bool PrivatePostgres::resume() {
  const bool ok = script("resume") == 0;
  if (ok) paused_ = false;
  return ok;
}

WatchLimitGuard::WatchLimitGuard() {
  std::ifstream in(kWatchLimitPath);
  std::int64_t value = 0;
  if (!(in >> value)) return;
  if (::access(kWatchLimitPath, W_OK) != 0) return;
  original_ = value;
  const std::string text = std::to_string(value) + "\n";
  std::memset(g_original_limit, 0, sizeof(g_original_limit));
  std::memcpy(g_original_limit, text.data(), std::min(text.size(), sizeof(g_original_limit) - 1));
}

WatchLimitGuard::~WatchLimitGuard() { restore(); }

bool WatchLimitGuard::lower_to(std::int64_t value) {
  if (!available()) return false;
  g_limit_lowered = true;  // before the write: a signal in between must restore
  std::ofstream out(kWatchLimitPath);
  out << value << "\n";
  out.flush();
  return static_cast<bool>(out);
}

void WatchLimitGuard::restore() {
  if (!g_limit_lowered) return;
  std::ofstream out(kWatchLimitPath);
  out << original_ << "\n";
  out.flush();
  if (out) g_limit_lowered = false;
}

void restore_watch_limit_now() {
  if (!g_limit_lowered || g_original_limit[0] == '\0') return;
  const int fd = ::open(kWatchLimitPath, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return;
  (void)!::write(fd, g_original_limit, ::strlen(g_original_limit));
  ::close(fd);
  g_limit_lowered = false;
}

}  // namespace cu::soak
