#include "jsonl_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace cu::gen {
namespace {

constexpr std::size_t kFlushAt = 1 << 20;

[[noreturn]] void throw_errno(const std::string& what, const std::filesystem::path& path) {
  throw std::system_error(errno, std::generic_category(), what + " " + path.string());
}

}  // namespace

JsonlFile::JsonlFile(const std::filesystem::path& path) : path_(path) {
  std::filesystem::create_directories(path.parent_path());
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) throw_errno("cannot create", path);
  buffer_.reserve(kFlushAt + (kFlushAt >> 2));
}

JsonlFile::~JsonlFile() {
  if (fd_ < 0) return;
  try {
    flush();
  } catch (const std::system_error&) {
    // Destructors run during unwinding too; close() is the place that reports errors.
  }
  ::close(fd_);
}

void JsonlFile::end_line(bool has_usage) {
  ++lines_;
  if (has_usage) ++usage_lines_;
  if (tee_ != nullptr) tee_->append(buffer_, line_start_, std::string::npos);
  if (buffer_.size() >= kFlushAt) flush();
}

void JsonlFile::append_lines(std::string_view lines, std::uint64_t line_count,
                             std::uint64_t usage_count) {
  buffer_.append(lines);
  lines_ += line_count;
  usage_lines_ += usage_count;
  if (tee_ != nullptr) tee_->append(lines);
  if (buffer_.size() >= kFlushAt) flush();
}

void JsonlFile::flush() {
  std::size_t done = 0;
  while (done < buffer_.size()) {
    const ssize_t n = ::write(fd_, buffer_.data() + done, buffer_.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw_errno("cannot write", path_);
    done += static_cast<std::size_t>(n);
  }
  flushed_ += buffer_.size();
  buffer_.clear();
}

void JsonlFile::close() {
  if (fd_ < 0) return;
  flush();
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) throw_errno("cannot close", path_);
}

}  // namespace cu::gen
