#include "ctl/control_client.h"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace cu::ctl {
namespace {

using Clock = std::chrono::steady_clock;

// Responses are reports: big, but not unbounded.
constexpr std::size_t kMaxResponseBytes = std::size_t{512} << 20;
constexpr int kBusyRetryMs = 5;

class Socket {
 public:
  Socket() : fd_(::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) {
    if (fd_ < 0) throw ClientError(ClientErrorKind::kProtocol, fmt::format("socket: {}", std::strerror(errno)));
  }
  ~Socket() { ::close(fd_); }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  int fd() const { return fd_; }

 private:
  int fd_;
};

int remaining_ms(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return static_cast<int>(std::max<std::int64_t>(0, left));
}

// Waits for `events` on `fd`; false at the deadline.
bool wait_for(int fd, short events, Clock::time_point deadline) {
  while (true) {
    pollfd entry{fd, events, 0};
    const int ready = ::poll(&entry, 1, remaining_ms(deadline));
    if (ready > 0) return true;
    if (ready == 0) return false;
    if (errno != EINTR) return false;
  }
}

ClientError connect_error(const ClientOptions& options, int error) {
  const std::string path = options.socket_path.string();
  switch (error) {
    case ENOENT:
    case ECONNREFUSED:
    case ENOTDIR:
      return ClientError(ClientErrorKind::kNotRunning,
                         fmt::format("claude-usaged is not running (no daemon on {}); start it with "
                                     "`systemctl --user start claude-usaged` or run `claude-usaged`",
                                     path));
    case EACCES:
    case EPERM:
      return ClientError(ClientErrorKind::kPermissionDenied,
                         fmt::format("permission denied on {}: the control socket admits only the daemon's user "
                                     "(and its group in a system unit)",
                                     path));
    default: return ClientError(ClientErrorKind::kNotRunning, fmt::format("cannot connect to {}: {}", path, std::strerror(error)));
  }
}

void connect_socket(const Socket& socket, const ClientOptions& options) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  const std::string path = options.socket_path.string();
  if (path.size() >= sizeof(address.sun_path)) {
    throw ClientError(ClientErrorKind::kNotRunning, fmt::format("socket path too long: {}", path));
  }
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  const auto deadline = Clock::now() + options.connect_timeout;
  while (::connect(socket.fd(), reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0) {
    if (errno == EINTR) continue;
    // A full listen backlog: the daemon is alive but busy; retry until the deadline.
    if (errno != EAGAIN) throw connect_error(options, errno);
    if (Clock::now() >= deadline) {
      throw ClientError(ClientErrorKind::kTimeout, fmt::format("claude-usaged on {} did not accept in time", path));
    }
    ::poll(nullptr, 0, kBusyRetryMs);
  }
}

void send_all(const Socket& socket, std::string_view data, Clock::time_point deadline) {
  while (!data.empty()) {
    const ssize_t sent = ::send(socket.fd(), data.data(), data.size(), MSG_NOSIGNAL);
    if (sent > 0) {
      data.remove_prefix(static_cast<std::size_t>(sent));
    } else if (sent < 0 && (errno == EAGAIN || errno == EINTR)) {
      if (!wait_for(socket.fd(), POLLOUT, deadline)) throw ClientError(ClientErrorKind::kTimeout, "timed out sending the request");
    } else {
      throw ClientError(ClientErrorKind::kProtocol, fmt::format("sending the request failed: {}", std::strerror(errno)));
    }
  }
}

// Appends what one read brings to `data`: false when the daemon closed the connection.
bool receive_more(const Socket& socket, Clock::time_point deadline, std::string& data) {
  constexpr std::size_t kChunk = 1 << 18;
  while (true) {
    const std::size_t had = data.size();
    data.resize(had + kChunk);
    const ssize_t got = ::recv(socket.fd(), data.data() + had, kChunk, 0);
    data.resize(had + static_cast<std::size_t>(std::max<ssize_t>(got, 0)));
    if (got > 0) {
      if (data.size() > kMaxResponseBytes) throw ClientError(ClientErrorKind::kProtocol, "response too large");
      return true;
    }
    if (got == 0) return false;
    if (errno == EAGAIN || errno == EINTR) {
      if (!wait_for(socket.fd(), POLLIN, deadline)) throw ClientError(ClientErrorKind::kTimeout, "timed out waiting for the daemon's answer");
    } else {
      throw ClientError(ClientErrorKind::kProtocol, fmt::format("reading the answer failed: {}", std::strerror(errno)));
    }
  }
}

// The next line (without its newline); what was read past it is left in `rest`. Reads into the
// string itself, and looks for the newline only in what each read added: a 6-month
// `session --json` answer is 1.3 MB.
std::string receive_line(const Socket& socket, Clock::time_point deadline, std::string& rest) {
  std::string data = std::move(rest);
  rest.clear();
  std::size_t searched = 0;
  while (true) {
    if (const auto end = data.find('\n', searched); end != std::string::npos) {
      rest.assign(data, end + 1);
      data.resize(end);
      return data;
    }
    searched = data.size();
    if (!receive_more(socket, deadline, data)) {
      throw ClientError(ClientErrorKind::kProtocol, "the daemon closed the connection without an answer");
    }
  }
}

ClientError daemon_error(const Response& response) {
  switch (response.code) {
    case ErrorCode::kPermissionDenied: return ClientError(ClientErrorKind::kPermissionDenied, response.error, response.code);
    case ErrorCode::kVersionMismatch:
      return ClientError(ClientErrorKind::kVersionMismatch,
                         response.error + " (claude-usagectl and claude-usaged come from different versions; restart the daemon after upgrading)",
                         response.code);
    default: return ClientError(ClientErrorKind::kCommandFailed, response.error, response.code);
  }
}

}  // namespace

namespace {

// Sends `line` and returns the response line; what the daemon sent after it is left in `rest`.
std::string exchange(const ClientOptions& options, std::string_view line, Socket& socket,
                     Clock::time_point deadline, std::string& rest) {
  connect_socket(socket, options);
  std::string request(line);
  request += '\n';
  try {
    send_all(socket, request, deadline);
  } catch (const ClientError&) {
    // A daemon that refuses a peer answers and closes at once, maybe before the request is sent:
    // its answer says more than the broken pipe.
    try {
      return receive_line(socket, deadline, rest);
    } catch (const ClientError&) {
    }
    throw;
  }
  return receive_line(socket, deadline, rest);
}

Response parsed(const std::string& line) {
  try {
    return parse_response(line);
  } catch (const ProtocolError& error) {
    const auto kind = error.code() == ErrorCode::kVersionMismatch ? ClientErrorKind::kVersionMismatch : ClientErrorKind::kProtocol;
    throw ClientError(kind, error.what());
  }
}

}  // namespace

std::string exchange_line(const ClientOptions& options, std::string_view line) {
  Socket socket;
  std::string rest;
  return exchange(options, line, socket, Clock::now() + options.response_timeout, rest);
}

namespace {

Response ask(const ClientOptions& options, std::string_view cmd, const nlohmann::json& args, bool render_json) {
  Response response = parsed(exchange_line(options, encode_request(cmd, args, render_json)));
  if (!response.ok) throw daemon_error(response);
  return response;
}

}  // namespace

nlohmann::json call_daemon(const ClientOptions& options, std::string_view cmd, const nlohmann::json& args) {
  return std::move(ask(options, cmd, args, false).data);
}

// Asks for "json-raw": the text arrives as it is after the header line, so that a large report is
// neither escaped by the daemon nor unescaped and copied here (a 1.3 MB `session --json` spent
// most of the client's time so).
std::string call_daemon_rendered(const ClientOptions& options, std::string_view cmd, const nlohmann::json& args) {
  Socket socket;
  std::string text;
  const auto deadline = Clock::now() + options.response_timeout;
  Response response = parsed(exchange(options, encode_request(cmd, args, true, true), socket, deadline, text));
  if (!response.ok) throw daemon_error(response);
  if (response.text) return std::move(*response.text);
  if (!response.text_bytes) throw ClientError(ClientErrorKind::kProtocol, "the daemon's answer has no text");
  const std::size_t length = *response.text_bytes;
  if (length > kMaxResponseBytes) throw ClientError(ClientErrorKind::kProtocol, "response too large");
  text.reserve(length + 1);
  while (text.size() <= length) {  // the text and the newline that ends the answer
    if (!receive_more(socket, deadline, text)) {
      throw ClientError(ClientErrorKind::kProtocol, "the daemon closed the connection in the middle of its answer");
    }
  }
  if (text.size() != length + 1 || text[length] != '\n') {
    throw ClientError(ClientErrorKind::kProtocol, "the daemon's answer is longer than it announced");
  }
  text.resize(length);
  return text;
}

}  // namespace cu::ctl
