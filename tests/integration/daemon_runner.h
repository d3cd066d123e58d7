#pragma once
// Runs the real claude-usaged binary against a log folder with a private config and database.
#include <filesystem>
#include <string>
#include <vector>

#include "store/sqlite_store.h"
#include "support/test_support.h"

namespace cu::test {

inline constexpr const char* kTestIdentity = "tester@testhost";

struct DaemonSetup {
  std::filesystem::path work;  // holds config.yaml and usage.db
  std::vector<std::filesystem::path> claude_dirs;
  std::string timezone = "UTC";
  std::string extra_config = {};  // YAML appended to config.yaml (keys not written above)
  std::string postgres_url{};  // storage.postgres_url when not empty
  std::string identity = kTestIdentity;
  std::string log_level = "warning";

  std::filesystem::path config_path() const { return work / "config.yaml"; }
  std::filesystem::path database_path() const { return work / "usage.db"; }
  std::filesystem::path socket_path() const { return work / "ctl.sock"; }

  // Writes config.yaml for this setup.
  void write_config() const;

  // Runs `claude-usaged --once --config ...` (plus `extra` arguments); returns its exit code.
  int run_once(const std::string& extra = "") const;

  // `claude-usaged --once` (or what `arguments` say) with the variable assignments `env` in front
  // ("TZ=Asia/Tokyo"); stderr joins stdout in the result.
  CommandResult run_daemon(const std::string& env, const std::string& arguments = "--once") const;

  // `claude-usagectl --socket ... <arguments>` against this setup's socket, stderr discarded.
  CommandResult ctl(const std::string& arguments) const;

  // Whether a daemon answers on the socket and has finished its backfill (`status` says watching).
  bool watching() const;

  // Opens the database the daemon wrote.
  SqliteStore open_store() const { return SqliteStore(database_path(), identity); }
};

}  // namespace cu::test
