// docs/SECURITY.md: the usage database and the files SQLite keeps beside it are readable and
// writable by their owner only, and a state directory the daemon creates is 0700, whatever the
// umask of whoever started it.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <string>

#include "store/sqlite_store.h"
#include "support/test_support.h"

namespace cu::test {
namespace {

namespace fs = std::filesystem;

// Sets the process umask for one test.
class ScopedUmask {
 public:
  explicit ScopedUmask(mode_t mask) : previous_(::umask(mask)) {}
  ~ScopedUmask() { ::umask(previous_); }
  ScopedUmask(const ScopedUmask&) = delete;
  ScopedUmask& operator=(const ScopedUmask&) = delete;

 private:
  mode_t previous_;
};

mode_t mode_of(const fs::path& path) {
  struct stat info {};
  if (::lstat(path.c_str(), &info) != 0) return static_cast<mode_t>(-1);
  return info.st_mode & 07777;
}

constexpr const char* kIdentity = "tester@testhost";

// Umask 0: nothing private comes from the umask; everything must come from the code.
TEST(StatePermissions, NewDatabaseAndItsFilesAreOwnerOnly) {
  const ScopedUmask open_umask(0);
  TempDir temp;
  const fs::path db = temp.path() / "claude-usaged" / "usage.db";
  SqliteStore store(db, kIdentity);
  EXPECT_EQ(mode_of(db.parent_path()), 0700u);
  EXPECT_EQ(mode_of(db), 0600u);
  // WAL mode: the write-ahead log and its index exist while the database is open.
  for (const char* suffix : {"-wal", "-shm"}) {
    const fs::path file = db.string() + suffix;
    ASSERT_TRUE(fs::exists(file)) << file;
    EXPECT_EQ(mode_of(file), 0600u) << file;
  }
}

TEST(StatePermissions, ExistingDatabaseIsMadePrivateWhenOpened) {
  TempDir temp;
  const fs::path db = temp.path() / "usage.db";
  { SqliteStore store(db, kIdentity); }
  ASSERT_EQ(::chmod(db.c_str(), 0644), 0);
  SqliteStore store(db, kIdentity);
  EXPECT_EQ(mode_of(db), 0600u);
}

// An existing directory is the user's: its mode is left alone (only the files are tightened).
TEST(StatePermissions, ExistingStateDirectoryKeepsItsMode) {
  TempDir temp;
  const fs::path dir = temp.path() / "state";
  fs::create_directories(dir);
  ASSERT_EQ(::chmod(dir.c_str(), 0750), 0);
  SqliteStore store(dir / "usage.db", kIdentity);
  EXPECT_EQ(mode_of(dir), 0750u);
  EXPECT_EQ(mode_of(dir / "usage.db"), 0600u);
}

// The real daemon, started with umask 000, on a state path that does not exist yet.
TEST(StatePermissions, DaemonCreatesItsStateOwnerOnly) {
  TempDir temp;
  const fs::path claude = temp.path() / "claude";
  fs::create_directories(claude / "projects");
  const fs::path db = temp.path() / "claude-usaged" / "usage.db";
  const fs::path config = temp.path() / "config.yaml";
  write_file(
      config,
      fmt::format("sources:\n  claude_dirs: [{}]\nidentity: {}\nstorage:\n  sqlite_path: {}\n"
                  "log:\n  level: warning\n",
                  claude.string(), kIdentity, db.string()));
  const CommandResult result = run_command(fmt::format(
      "umask 000 && {} --once --config {}", shell_quote((bin_dir() / "claude-usaged").string()),
      shell_quote(config.string())));
  ASSERT_EQ(result.exit_code, 0);
  EXPECT_EQ(mode_of(db.parent_path()), 0700u);
  EXPECT_EQ(mode_of(db), 0600u);
}

}  // namespace
}  // namespace cu::test
