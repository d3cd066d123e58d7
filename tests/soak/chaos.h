#pragma once
// The faults the soak injects, one at a time, each verified where the daemon can show it happened
// (its log or its status) and counted by kind in the SoakContext.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "integration/fake_postgres.h"
#include "soak/daemon_process.h"
#include "soak/environment.h"
#include "soak/soak_context.h"
#include "soak/workload.h"

namespace cu::soak {

struct ChaosSetup {
  DaemonProcess& daemon;
  Tree& tree;
  Archive& archive;
  SoakContext& context;
  DaemonConfig config;
  std::filesystem::path config_path;
  PrivatePostgres* postgres = nullptr;   // null: no PostgreSQL faults
  WatchLimitGuard* watch_limit = nullptr;  // null: no watch-limit faults
  std::vector<std::filesystem::path> spare_files;  // staged files for new project directories
  std::uint64_t seed = 1;
  test::FakePostgres* hung_postgres = nullptr;  // accepts, never answers; null: no pg_hang faults
  bool identity_changes = false;                // change `identity` now and then
  std::string time_zone = "UTC";                // the daemon's TZ at its first start
  std::chrono::seconds duration{600};           // of the chaos: when the planned faults come
};

class Chaos {
 public:
  explicit Chaos(ChaosSetup setup);

  // Injects one random fault.
  void inject_one();
  // Housekeeping between faults: notices a daemon that died on its own (restarting it), resumes
  // PostgreSQL when its pause is over, samples memory.
  void tick();
  // Ends every fault still in effect (PostgreSQL resumed, limits restored, daemon running).
  void settle();

  void kill_and_restart();
  void pause_postgres();
  void rotate();
  void truncate();
  void remove();
  void overflow_queue();
  void exhaust_watches();
  void reload(bool good);
  void change_zone();
  void hang_postgres();
  void price_unknown_model();
  void change_identity();

  // The configuration in effect now (after settle(): the final one, with the real PostgreSQL).
  const DaemonConfig& config() const { return s_.config; }
  // The daemon's TZ now.
  const std::string& time_zone() const { return time_zone_; }
  // Every identity the daemon had before the current one.
  const std::vector<std::string>& former_identities() const { return former_identities_; }

 private:
  struct Picked {
    std::filesystem::path relative;
    std::filesystem::path path;
  };
  std::optional<Picked> pick_file();
  // Waits until the daemon's committed checkpoint covers all of `path` as it is now.
  bool wait_consumed(const std::filesystem::path& path, std::chrono::seconds timeout);
  // Rotation and deletion: the file's bytes are archived, then it is renamed away or deleted.
  void move_away(bool rotate);
  bool wait_answering(std::chrono::seconds timeout);
  void write_config(const std::string& text);
  // Writes the good config with s_.config as it is now and SIGHUPs the daemon; a problem (naming
  // `why`) unless it logs "configuration reloaded" and answers again.
  bool reload_current(const std::string& why);
  // A graceful restart (SIGTERM, which must exit 0) with the daemon's environment as it is now.
  void restart(const std::string& why);
  // Waits until `status` says `key` is `value`; a problem when it does not within `timeout`.
  bool wait_status(const std::string& key, const std::string& value, std::chrono::seconds timeout);
  void end_postgres_hang();
  // A fault planned to happen at least once (at a fraction of the duration) and not yet run.
  bool run_planned();
  void restart_after_crash(int status);

  ChaosSetup s_;
  std::mt19937_64 random_;
  std::chrono::steady_clock::time_point postgres_back_at_{};
  std::int64_t generation_ = 0;          // daemon starts and reloads: each has a fresh inotify watcher
  std::int64_t watch_fault_generation_ = -1;
  std::size_t next_spare_ = 0;
  int new_projects_ = 0;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  struct Planned {
    double at;  // fraction of the duration
    void (Chaos::*run)();
  };
  std::vector<Planned> planned_;
  std::string time_zone_;
  std::size_t zone_index_ = 0;
  std::string real_postgres_url_;
  bool hung_ = false;
  int hung_accepted_before_ = 0;
  std::chrono::steady_clock::time_point hang_over_at_{};
  int prices_given_ = 0;
  std::vector<std::string> former_identities_;
};

// The checkpoint the daemon committed for `path` under `source` (read-only access to its SQLite
// database).
struct CommittedCheckpoint {
  std::uint64_t device = 0;
  std::uint64_t inode = 0;
  std::int64_t offset = 0;
};
std::optional<CommittedCheckpoint> committed_checkpoint(const std::filesystem::path& database,
                                                        const std::string& source,
                                                        const std::filesystem::path& path);

}  // namespace cu::soak
