#include "ingest/file_system.h"

#include <cerrno>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace cu {
namespace {

FileStat to_file_stat(const struct stat& st) {
  return FileStat{static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino), st.st_size};
}

class PosixFile final : public OpenFile {
 public:
  explicit PosixFile(int fd) : fd_(fd) {}
  ~PosixFile() override { ::close(fd_); }
  PosixFile(const PosixFile&) = delete;
  PosixFile& operator=(const PosixFile&) = delete;

  std::optional<FileStat> stat() override {
    struct stat st {};
    if (::fstat(fd_, &st) != 0) return std::nullopt;
    return to_file_stat(st);
  }

  std::int64_t read_at(char* buffer, std::size_t length, std::int64_t offset) override {
    for (;;) {
      const ssize_t n = ::pread(fd_, buffer, length, offset);
      if (n >= 0) return n;
      if (errno != EINTR) return -errno;
    }
  }

 private:
  int fd_;
};

class PosixFileSystem final : public FileSystem {
 public:
  std::unique_ptr<OpenFile> open(const std::filesystem::path& path, int& error) override {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0) {
      error = errno;
      return nullptr;
    }
    return std::make_unique<PosixFile>(fd);
  }

  std::optional<FileStat> stat(const std::filesystem::path& path) override {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
    return to_file_stat(st);
  }
};

}  // namespace

FileSystem& real_file_system() {
  static PosixFileSystem file_system;
  return file_system;
}

}  // namespace cu
