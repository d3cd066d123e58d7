#pragma once
// The control socket server (SPEC §8, docs/PROTOCOL.md): a Unix stream socket on the daemon's
// io_context, one JSON request per line, answered from a ReportSource and ControlHooks.
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/io_context.hpp>

#include "ctl/control_hooks.h"
#include "ctl/report_source.h"

namespace cu::ctl {

struct ControlServerOptions {
  std::filesystem::path socket_path;
  // Group mode (the system unit): the socket gets mode 0660 and this group, whose members may
  // connect. Otherwise mode 0600: only the daemon's user (and root).
  std::optional<std::string> group;
  // A connection that sends no complete request (or does not read its response) for this long is
  // dropped.
  std::chrono::milliseconds idle_timeout{5000};
  // Connections beyond this many get a `too_many_connections` error and are closed.
  std::size_t max_connections = 64;
};

// Threading: every member and every handler runs on the thread that runs `io` (the daemon's loop);
// `source` and `hooks` are only called there. `source` must outlive the server.
class ControlServer {
 public:
  // Binds options.socket_path (replacing a stale socket left by a dead daemon), listens and starts
  // accepting. Throws SocketInUseError (socket_file.h) when another daemon answers on the path,
  // std::runtime_error for anything else that prevents listening (bad path, unknown group, ...).
  ControlServer(boost::asio::io_context& io, ReportSource& source, ControlHooks hooks, ControlServerOptions options);
  ~ControlServer();
  ControlServer(const ControlServer&) = delete;
  ControlServer& operator=(const ControlServer&) = delete;

  // Closes the listener and every connection and removes the socket file (if it is still ours).
  // Idempotent; the destructor calls it.
  void stop();

  // Open connections, for status and tests.
  std::size_t connection_count() const;
  const std::filesystem::path& socket_path() const;

  struct State;

 private:
  std::shared_ptr<State> state_;
};

}  // namespace cu::ctl
