#pragma once
// The soak's surroundings: the daemon's config files, a private PostgreSQL it can stop and start,
// and a guard that always puts a lowered inotify limit back.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace cu::soak {

struct DaemonConfig {
  std::filesystem::path logs;      // the Claude root
  std::filesystem::path database;  // storage.sqlite_path
  std::filesystem::path socket;    // ctl.socket
  std::string postgres_url;        // empty: SQLite only
  std::string identity;
  std::string timezone = "local";  // resolved by the daemon from its TZ
  std::string price_overrides{};   // the YAML below `pricing: overrides:` (indented), or empty
  std::vector<std::filesystem::path> more_roots{};  // further Claude roots (the reference's archive)
};

// The model the workload writes that no built-in price knows (the chaos prices it later).
inline constexpr const char* kUnknownModel = "claude-soak-unknown-1";

// The YAML the daemon runs with (log level info, so reloads and fallbacks are visible).
std::string render_good_config(const DaemonConfig& config);
// One of several broken variants (unknown key, bad time zone, invalid YAML, out-of-range value).
std::string render_bad_config(const DaemonConfig& config, std::uint64_t variant);

// A PostgreSQL server of the soak alone (scripts/pg-test-server with its own CU_PG_DIR), stopped and
// deleted on destruction.
class PrivatePostgres {
 public:
  // Starts it; null (with the reason in `why`) when it cannot.
  static std::unique_ptr<PrivatePostgres> start(const std::filesystem::path& dir, std::string& why);
  PrivatePostgres(const PrivatePostgres&) = delete;
  PrivatePostgres& operator=(const PrivatePostgres&) = delete;
  ~PrivatePostgres();

  const std::string& url() const { return url_; }
  bool pause();   // stops it like a crash, keeping its data
  bool resume();  // starts it again on its data
  bool paused() const { return paused_; }

 private:
  PrivatePostgres(std::filesystem::path dir, std::string url) : dir_(std::move(dir)), url_(std::move(url)) {}
  int script(const char* command, std::string* output = nullptr) const;

  std::filesystem::path dir_;
  std::string url_;
  bool paused_ = false;
};

// /proc/sys/fs/inotify/max_user_watches, lowered for a short window. The original value is put back
// by restore(), by the destructor, and by the soak's signal handler (restore_watch_limit_now).
class WatchLimitGuard {
 public:
  WatchLimitGuard();  // reads the current value
  ~WatchLimitGuard();
  bool available() const { return original_ > 0; }  // readable and writable (root)
  std::int64_t original() const { return original_; }
  bool lower_to(std::int64_t value);
  void restore();

 private:
  std::int64_t original_ = 0;
};

// Async-signal-safe: writes back the value a WatchLimitGuard lowered, if any.
void restore_watch_limit_now();

}  // namespace cu::soak
