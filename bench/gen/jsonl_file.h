#pragma once
// A JSONL file being written: lines are built in place at the end of an in-memory buffer that is
// written out in large chunks. Not thread-safe; one owner.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace cu::gen {

class JsonlFile {
 public:
  // Creates the parent directories and the file (truncating it). Throws std::system_error.
  explicit JsonlFile(const std::filesystem::path& path);
  ~JsonlFile();
  JsonlFile(const JsonlFile&) = delete;
  JsonlFile& operator=(const JsonlFile&) = delete;

  // The buffer to append one line to; finish it with end_line(). Nothing else may touch the
  // file between the two calls.
  std::string& begin_line() {
    line_start_ = buffer_.size();
    return buffer_;
  }
  // The buffer holding the line begun by begin_line().
  std::string& buffer() { return buffer_; }
  // Requires the line to end with '\n'; counts it and flushes when the buffer is large.
  void end_line(bool has_usage);
  // Appends complete lines ('\n'-terminated) built elsewhere.
  void append_lines(std::string_view lines, std::uint64_t line_count, std::uint64_t usage_count);

  // Every byte written from now on is also appended to *copy (nullptr stops that).
  void tee_to(std::string* copy) { tee_ = copy; }

  // Flushes and closes; throws std::system_error. The destructor closes without reporting.
  void close();

  std::uint64_t bytes() const { return flushed_ + buffer_.size(); }
  std::uint64_t lines() const { return lines_; }
  std::uint64_t usage_lines() const { return usage_lines_; }

 private:
  void flush();

  std::filesystem::path path_;
  int fd_ = -1;
  std::string buffer_;
  std::size_t line_start_ = 0;
  std::string* tee_ = nullptr;
  std::uint64_t flushed_ = 0;
  std::uint64_t lines_ = 0;
  std::uint64_t usage_lines_ = 0;
};

}  // namespace cu::gen
