#include "ctl/socket_file.h"

#include <cerrno>
#include <cstring>
#include <system_error>

#include <fmt/format.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

namespace cu::ctl {
namespace {

constexpr std::size_t kMaxSocketPath = sizeof(sockaddr_un::sun_path) - 1;

// A connect() result on a non-blocking Unix socket: 0 or an errno.
int try_connect(const std::filesystem::path& path) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return errno;
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, path.c_str(), kMaxSocketPath);
  const int result = ::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address));
  const int error = result == 0 ? 0 : errno;
  ::close(fd);
  return error;
}

// Creates `dir` and its missing ancestors with mode 0700 (the socket's directory is private).
void make_private_dirs(const std::filesystem::path& dir) {
  std::error_code ec;
  if (dir.empty() || std::filesystem::exists(dir, ec)) return;
  make_private_dirs(dir.parent_path());
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    throw std::runtime_error(fmt::format("cannot create {}: {}", dir.string(), std::strerror(errno)));
  }
}

}  // namespace

SocketPathState probe_socket_path(const std::filesystem::path& path) {
  struct stat info{};
  if (::lstat(path.c_str(), &info) != 0) {
    if (errno == ENOENT) return SocketPathState::kFree;
    throw std::runtime_error(fmt::format("cannot inspect {}: {}", path.string(), std::strerror(errno)));
  }
  if (!S_ISSOCK(info.st_mode)) return SocketPathState::kNotSocket;
  switch (const int error = try_connect(path)) {
    case 0:
    case EAGAIN:  // a listener whose backlog is full is still a listener
      return SocketPathState::kLive;
    case ECONNREFUSED: return SocketPathState::kStale;
    case ENOENT: return SocketPathState::kFree;
    default:
      throw std::runtime_error(fmt::format("cannot probe the control socket {}: {}", path.string(), std::strerror(error)));
  }
}

void prepare_socket_path(const std::filesystem::path& path) {
  if (path.string().size() > kMaxSocketPath) {
    throw std::runtime_error(
        fmt::format("control socket path {} is longer than {} bytes (ctl.socket)", path.string(), kMaxSocketPath));
  }
  make_private_dirs(path.parent_path());
  switch (probe_socket_path(path)) {
    case SocketPathState::kFree: return;
    case SocketPathState::kStale:
      if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
        throw std::runtime_error(fmt::format("cannot remove the stale socket {}: {}", path.string(), std::strerror(errno)));
      }
      return;
    case SocketPathState::kLive:
      throw SocketInUseError(fmt::format("another claude-usaged is already listening on {}", path.string()));
    case SocketPathState::kNotSocket:
      throw std::runtime_error(fmt::format("{} exists and is not a socket; remove it or set ctl.socket", path.string()));
  }
}

}  // namespace cu::ctl
