#include "http/token.h"

#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <fmt/format.h>

namespace cu::http {
namespace {

constexpr std::size_t kTokenBytes = 32;
constexpr std::size_t kTokenDigits = 2 * kTokenBytes;

std::string new_token() {
  std::array<unsigned char, kTokenBytes> bytes{};
  std::size_t filled = 0;
  while (filled < bytes.size()) {
    const ssize_t got = ::getrandom(bytes.data() + filled, bytes.size() - filled, 0);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) throw std::runtime_error(fmt::format("getrandom: {}", std::strerror(errno)));
    filled += static_cast<std::size_t>(got);
  }
  std::string token;
  for (const unsigned char byte : bytes) token += fmt::format("{:02x}", byte);
  return token;
}

bool valid_token(std::string_view text) {
  return text.size() == kTokenDigits && text.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

std::string problem(const std::filesystem::path& path, std::string_view what) {
  return fmt::format("http.token_file {}: {}", path.string(), what);
}

// Writes a new token to a fresh file (O_EXCL: never over another process's token).
void create(const std::filesystem::path& path) {
  std::error_code error;
  if (path.has_parent_path() && !std::filesystem::exists(path.parent_path())) {
    std::filesystem::create_directories(path.parent_path(), error);
    if (error) throw std::runtime_error(problem(path, error.message()));
    std::filesystem::permissions(path.parent_path(), std::filesystem::perms::owner_all, error);
  }
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return;  // made by someone else meanwhile: read theirs
    throw std::runtime_error(problem(path, std::strerror(errno)));
  }
  const std::string text = new_token() + "\n";
  const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  const int saved = errno;
  ::close(fd);
  if (!written) throw std::runtime_error(problem(path, std::strerror(saved)));
}

}  // namespace

std::string load_or_create_token(const std::filesystem::path& path) {
  if (!std::filesystem::exists(std::filesystem::symlink_status(path))) create(path);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) throw std::runtime_error(problem(path, std::strerror(errno)));
  struct stat info {};
  if (::fstat(fd, &info) == 0 && (info.st_mode & 077) != 0) ::fchmod(fd, 0600);
  std::array<char, kTokenDigits + 2> buffer{};
  const ssize_t length = ::read(fd, buffer.data(), buffer.size());
  ::close(fd);
  std::string_view text(buffer.data(), length > 0 ? static_cast<std::size_t>(length) : 0);
  if (text.ends_with('\n')) text.remove_suffix(1);
  if (!valid_token(text)) throw std::runtime_error(problem(path, "holds no token (64 hex digits); delete it to get a new one"));
  return std::string(text);
}

bool tokens_equal(std::string_view a, std::string_view b) {
  unsigned char difference = a.size() == b.size() ? 0 : 1;
  const std::size_t length = std::min(a.size(), b.size());
  for (std::size_t i = 0; i < length; ++i) difference |= static_cast<unsigned char>(a[i] ^ b[i]);
  return difference == 0;
}

}  // namespace cu::http
