#include "store/writer_lock.h"

#include <cerrno>
#include <cstring>
#include <map>
#include <mutex>

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>

#include "store/sqlite_store.h"

namespace cu {
namespace {

std::filesystem::path lock_path(const std::filesystem::path& database) {
  return std::filesystem::path(database.string() + ".lock");
}

// The pid the holder wrote into the lock file; 0 when it has not yet, or the file says nothing.
pid_t holder_of(int fd) {
  char text[32] = {};
  const ssize_t n = ::pread(fd, text, sizeof(text) - 1, 0);
  return n > 0 ? static_cast<pid_t>(std::strtol(text, nullptr, 10)) : 0;
}

DatabaseLocked locked_error(const std::filesystem::path& database, pid_t holder) {
  const std::string who = holder > 0 ? fmt::format("pid {}", holder) : std::string("another process");
  return DatabaseLocked(
      fmt::format("database {} is being written by {} (the claude-usaged service?); one writer per database: "
                  "stop it first (systemctl --user stop claude-usaged), or let it do the work "
                  "(claude-usagectl rescan)",
                  database.string(), who),
      holder);
}

// Opens and locks the file, then writes this process's pid into it.
int lock_file(const std::filesystem::path& database) {
  prepare_database_directory(database);
  const std::filesystem::path path = lock_path(database);
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) throw std::runtime_error(fmt::format("cannot open {}: {}", path.string(), std::strerror(errno)));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    const pid_t holder = holder_of(fd);
    ::close(fd);
    if (error == EWOULDBLOCK) throw locked_error(database, holder);
    throw std::runtime_error(fmt::format("cannot lock {}: {}", path.string(), std::strerror(error)));
  }
  // Best effort: without the pid, a refused writer says "another process".
  const std::string pid = fmt::format("{}\n", ::getpid());
  const bool written =
      ::ftruncate(fd, 0) == 0 && ::pwrite(fd, pid.data(), pid.size(), 0) == static_cast<ssize_t>(pid.size());
  static_cast<void>(written);
  return fd;
}

}  // namespace

std::shared_ptr<WriterLock> WriterLock::acquire(const std::filesystem::path& database) {
  static std::mutex mutex;
  static std::map<std::filesystem::path, std::weak_ptr<WriterLock>> held;
  const std::filesystem::path key = std::filesystem::weakly_canonical(std::filesystem::absolute(database));
  const std::lock_guard guard(mutex);
  if (auto lock = held[key].lock()) return lock;
  std::shared_ptr<WriterLock> lock(new WriterLock(lock_file(database)));
  held[key] = lock;
  return lock;
}

WriterLock::~WriterLock() { ::close(fd_); }

}  // namespace cu
