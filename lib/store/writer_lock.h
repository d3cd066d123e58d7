#pragma once
// One writer per database: claude-usaged (the daemon, --once, --rebuild) holds an exclusive
// flock(2) on "<database>.lock" for as long as it writes, with its pid in the file. Two writing
// processes would each keep their own in-memory dedup index and commit the same new lines twice.
// Readers (claude-usagectl through the daemon, tests, sqlite3) take no lock.
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

#include <sys/types.h>

namespace cu {

// Another process holds the writer lock. The message names the database and the holder's pid.
class DatabaseLocked : public std::runtime_error {
 public:
  DatabaseLocked(const std::string& message, pid_t holder) : std::runtime_error(message), holder_(holder) {}
  pid_t holder() const { return holder_; }  // 0 when the lock file did not say

 private:
  pid_t holder_;
};

class WriterLock {
 public:
  // The writer lock of the database at `database` (creating its directory, 0700, and the lock
  // file, 0600, when missing). Within one process the lock is shared: a second acquire returns the
  // holder of the first while it lives (a reload builds its pipeline before the old one goes), and
  // the lock is released with the last holder, or by the kernel when the process dies.
  // Throws DatabaseLocked when another process holds it, std::runtime_error when the lock file
  // cannot be opened. Thread-safe.
  static std::shared_ptr<WriterLock> acquire(const std::filesystem::path& database);

  ~WriterLock();
  WriterLock(const WriterLock&) = delete;
  WriterLock& operator=(const WriterLock&) = delete;

 private:
  explicit WriterLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace cu
