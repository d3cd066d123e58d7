#pragma once
// The file-system operations ingest needs, behind an interface so that tail scenarios (appends,
// partial lines, truncation, rotation, deletion) are unit-tested with an in-memory fake.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>

namespace cu {

struct FileStat {
  std::uint64_t device = 0;
  std::uint64_t inode = 0;
  std::int64_t size = 0;

  friend bool operator==(const FileStat&, const FileStat&) = default;
};

// An open file: stays readable after it is renamed or deleted, like a POSIX descriptor.
class OpenFile {
 public:
  virtual ~OpenFile() = default;
  // The open file's own identity and current size (fstat); nullopt on error.
  virtual std::optional<FileStat> stat() = 0;
  // Reads up to `length` bytes at `offset`; returns the count (0 at the end) or -errno.
  virtual std::int64_t read_at(char* buffer, std::size_t length, std::int64_t offset) = 0;
};

class FileSystem {
 public:
  virtual ~FileSystem() = default;
  // Opens a regular file for reading without following a final symlink; nullptr and `error`
  // (an errno value) on failure.
  virtual std::unique_ptr<OpenFile> open(const std::filesystem::path& path, int& error) = 0;
  // The identity of what `path` names now; nullopt when it does not exist.
  virtual std::optional<FileStat> stat(const std::filesystem::path& path) = 0;
};

// The process's real file system (POSIX open/pread/fstat).
FileSystem& real_file_system();

}  // namespace cu
