#pragma once
// The control socket's file: whether a path is free, held by a dead daemon or by a live one, and
// preparing it for bind().
#include <filesystem>
#include <stdexcept>

namespace cu::ctl {

// Another process answers on the socket path: a second daemon must not steal it.
class SocketInUseError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class SocketPathState {
  kFree,       // nothing there
  kStale,      // a socket nobody listens on (connect: ECONNREFUSED), left by a daemon that died
  kLive,       // a socket someone accepts on
  kNotSocket,  // a file of another kind: never removed
};

// Probes `path` by connecting to it. Throws std::runtime_error when that is not possible for
// another reason (e.g. permission denied), naming the path.
SocketPathState probe_socket_path(const std::filesystem::path& path);

// Makes `path` ready for bind(): creates missing parent directories (mode 0700), removes a stale
// socket. Throws SocketInUseError for a live socket and std::runtime_error for a non-socket file
// or a path longer than a Unix socket address holds.
void prepare_socket_path(const std::filesystem::path& path);

}  // namespace cu::ctl
