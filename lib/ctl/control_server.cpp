#include "ctl/control_server.h"

#include <cerrno>
#include <cstring>
#include <set>
#include <stdexcept>

#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctl/command_registry.h"
#include "ctl/peer_access.h"
#include "ctl/protocol.h"
#include "ctl/socket_file.h"
#include "log/log.h"

namespace cu::ctl {
namespace {

namespace asio = boost::asio;
using Local = asio::local::stream_protocol;
using ErrorCodeT = boost::system::error_code;

constexpr std::chrono::milliseconds kAcceptRetry{100};

class Connection;

}  // namespace

// Shared by the server object and every pending handler, so that handlers queued on the
// io_context after the server is gone find `stopped` set instead of freed memory.
struct ControlServer::State {
  State(asio::io_context& io_context, ReportSource& report_source, ControlHooks control_hooks,
        ControlServerOptions server_options)
      : io(io_context), source(report_source), hooks(std::move(control_hooks)), options(std::move(server_options)),
        acceptor(io_context), accept_retry(io_context) {}

  void listen();
  void remove_socket_file() const;

  asio::io_context& io;
  ReportSource& source;
  ControlHooks hooks;
  ControlServerOptions options;
  AccessPolicy policy;
  Local::acceptor acceptor;
  asio::steady_timer accept_retry;
  std::set<std::shared_ptr<Connection>> connections;
  ResponseCache answers;
  bool stopped = false;
  dev_t socket_device = 0;
  ino_t socket_inode = 0;
};

namespace {

using State = ControlServer::State;

// One client. Alternates between reading a request line and writing its response; a timer bounds
// each phase. Kept alive by its pending handlers and by State::connections until closed.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(std::shared_ptr<State> state, Local::socket socket)
      : state_(std::move(state)), socket_(std::move(socket)), timer_(state_->io) {}

  void start() {
    if (const auto refusal = admission_problem()) {
      respond(encode_error(refusal->first, refusal->second), /*then_close=*/true);
      return;
    }
    read_next();
  }

  void refuse(ErrorCode code, std::string_view message) { respond(encode_error(code, message), true); }

  void close() {
    if (phase_ == Phase::kClosed) return;
    phase_ = Phase::kClosed;
    ErrorCodeT ignored;
    socket_.close(ignored);
    timer_.cancel();
    state_->connections.erase(shared_from_this());
  }

 private:
  enum class Phase { kReading, kWriting, kClosed };

  std::optional<std::pair<ErrorCode, std::string>> admission_problem() {
    const auto peer = peer_credentials(socket_.native_handle());
    if (!peer) return std::pair{ErrorCode::kPermissionDenied, std::string("peer credentials unavailable")};
    const auto groups = state_->policy.group ? groups_of(*peer) : std::vector<gid_t>{};
    if (peer_is_allowed(*peer, state_->policy, groups)) return std::nullopt;
    log::write_limited("ctl-peer", LogLevel::kWarning,
                       fmt::format("control socket: refused uid {} (pid {})", peer->uid, peer->pid));
    return std::pair{ErrorCode::kPermissionDenied,
                     fmt::format("permission denied: uid {} may not use this daemon's control socket", peer->uid)};
  }

  // The peer's own supplementary groups; the user database's where the kernel does not say.
  std::vector<gid_t> groups_of(const PeerCredentials& peer) {
    if (auto groups = peer_groups(socket_.native_handle())) return std::move(*groups);
    return groups_of_user(peer.uid, peer.gid);
  }

  void arm_timer() {
    const std::uint64_t generation = ++timer_generation_;
    timer_.expires_after(state_->options.idle_timeout);
    timer_.async_wait([self = shared_from_this(), generation](const ErrorCodeT& ec) {
      if (!ec && generation == self->timer_generation_) self->on_timeout();
    });
  }

  void on_timeout() {
    if (phase_ == Phase::kReading) {
      refuse(ErrorCode::kIdleTimeout,
             fmt::format("no complete request within {} ms", state_->options.idle_timeout.count()));
    } else {
      close();
    }
  }

  void read_next() {
    if (phase_ == Phase::kClosed || state_->stopped) return;
    phase_ = Phase::kReading;
    arm_timer();
    asio::async_read_until(socket_, asio::dynamic_buffer(buffer_, kMaxRequestBytes + 1), '\n',
                           [self = shared_from_this()](const ErrorCodeT& ec, std::size_t size) {
                             self->on_read(ec, size);
                           });
  }

  void on_read(const ErrorCodeT& ec, std::size_t size) {
    if (phase_ != Phase::kReading || state_->stopped) return;
    if (ec == asio::error::not_found) {
      refuse(ErrorCode::kRequestTooLarge, fmt::format("request exceeds {} bytes", kMaxRequestBytes));
    } else if (ec == asio::error::eof) {
      // A last request without its newline is still answered.
      if (buffer_.find_first_not_of(" \t\r\n") == std::string::npos) {
        close();
      } else {
        respond(answer(buffer_), /*then_close=*/true);
      }
    } else if (ec) {
      close();
    } else {
      std::string line = buffer_.substr(0, size - 1);
      buffer_.erase(0, size);
      if (line.find_first_not_of(" \t\r") == std::string::npos) {
        read_next();
      } else {
        respond(answer(line), /*then_close=*/false);
      }
    }
  }

  std::string answer(std::string_view line) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return handle_request_line(line, state_->source, state_->hooks, &state_->answers);
  }

  void respond(std::string line, bool then_close) {
    if (phase_ == Phase::kClosed) return;
    phase_ = Phase::kWriting;
    out_ = std::move(line);
    out_ += '\n';
    arm_timer();
    asio::async_write(socket_, asio::buffer(out_),
                      [self = shared_from_this(), then_close](const ErrorCodeT& ec, std::size_t) {
                        if (self->phase_ == Phase::kClosed) return;
                        if (ec || then_close || self->state_->stopped) {
                          self->close();
                        } else {
                          self->read_next();
                        }
                      });
  }

  std::shared_ptr<State> state_;
  Local::socket socket_;
  asio::steady_timer timer_;
  std::uint64_t timer_generation_ = 0;
  std::string buffer_;
  std::string out_;
  Phase phase_ = Phase::kReading;
};

void accept_next(const std::shared_ptr<State>& state) {
  state->acceptor.async_accept([state](const ErrorCodeT& ec, Local::socket socket) {
    if (state->stopped) return;
    if (ec) {
      // Out of file descriptors and the like: try again shortly rather than spin.
      log::write_limited("ctl-accept", LogLevel::kError, fmt::format("control socket: accept failed: {}", ec.message()));
      state->accept_retry.expires_after(kAcceptRetry);
      state->accept_retry.async_wait([state](const ErrorCodeT& wait_error) {
        if (!wait_error && !state->stopped) accept_next(state);
      });
      return;
    }
    auto connection = std::make_shared<Connection>(state, std::move(socket));
    const bool full = state->connections.size() >= state->options.max_connections;
    state->connections.insert(connection);
    if (full) {
      connection->refuse(ErrorCode::kTooManyConnections, "too many control connections; try again");
    } else {
      connection->start();
    }
    accept_next(state);
  });
}

std::runtime_error listen_error(const std::filesystem::path& path, std::string_view step, std::string_view why) {
  return std::runtime_error(fmt::format("control socket {}: {} failed: {}", path.string(), step, why));
}

}  // namespace

void ControlServer::State::listen() {
  const std::filesystem::path& path = options.socket_path;
  policy.owner_uid = ::geteuid();
  if (options.group) policy.group = group_id(*options.group);
  prepare_socket_path(path);
  ErrorCodeT ec;
  acceptor.open(Local(), ec);
  if (ec) throw listen_error(path, "socket", ec.message());
  // The umask makes the file private from the moment it exists; chmod below states it explicitly.
  const mode_t previous = ::umask(policy.group ? 0117 : 0177);
  acceptor.bind(Local::endpoint(path.string()), ec);
  ::umask(previous);
  if (ec) throw listen_error(path, "bind", ec.message());
  struct stat info{};
  if (::lstat(path.c_str(), &info) == 0) {
    socket_device = info.st_dev;
    socket_inode = info.st_ino;
  }
  acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) throw listen_error(path, "listen", ec.message());
  if (::chmod(path.c_str(), policy.group ? 0660 : 0600) != 0) throw listen_error(path, "chmod", std::strerror(errno));
  if (policy.group && ::chown(path.c_str(), static_cast<uid_t>(-1), *policy.group) != 0) {
    throw listen_error(path, "chown to group " + *options.group, std::strerror(errno));
  }
}

void ControlServer::State::remove_socket_file() const {
  struct stat info{};
  const char* path = options.socket_path.c_str();
  if (::lstat(path, &info) == 0 && info.st_dev == socket_device && info.st_ino == socket_inode) ::unlink(path);
}

ControlServer::ControlServer(boost::asio::io_context& io, ReportSource& source, ControlHooks hooks,
                             ControlServerOptions options)
    : state_(std::make_shared<State>(io, source, std::move(hooks), std::move(options))) {
  try {
    state_->listen();
  } catch (...) {
    ErrorCodeT ignored;
    state_->acceptor.close(ignored);
    if (state_->socket_inode != 0) state_->remove_socket_file();
    throw;
  }
  accept_next(state_);
}

ControlServer::~ControlServer() { stop(); }

void ControlServer::stop() {
  if (state_->stopped) return;
  state_->stopped = true;
  ErrorCodeT ignored;
  state_->acceptor.close(ignored);
  state_->accept_retry.cancel();
  const auto connections = std::move(state_->connections);
  state_->connections.clear();
  for (const auto& connection : connections) connection->close();
  state_->remove_socket_file();
}

std::size_t ControlServer::connection_count() const { return state_->connections.size(); }

const std::filesystem::path& ControlServer::socket_path() const { return state_->options.socket_path; }

}  // namespace cu::ctl
