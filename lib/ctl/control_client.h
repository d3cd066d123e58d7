#pragma once
// The client side of the control socket: one request, one response, with deadlines, and errors
// sorted into what the CLI tells the user (daemon not running, permission denied, ...).
#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "ctl/protocol.h"

namespace cu::ctl {

enum class ClientErrorKind {
  kNotRunning,        // no socket file, or nobody listening on it
  kPermissionDenied,  // the socket file's mode, or the daemon's peer check
  kTimeout,           // no connection or no complete response before the deadline
  kVersionMismatch,   // the daemon speaks another protocol version
  kProtocol,          // the daemon's answer is not a response of this protocol
  kCommandFailed,     // the daemon answered with an error (see code())
};

class ClientError : public std::runtime_error {
 public:
  ClientError(ClientErrorKind kind, const std::string& message, ErrorCode code = ErrorCode::kInternal)
      : std::runtime_error(message), kind_(kind), code_(code) {}
  ClientErrorKind kind() const { return kind_; }
  ErrorCode code() const { return code_; }  // the daemon's code for kCommandFailed

 private:
  ClientErrorKind kind_;
  ErrorCode code_;
};

struct ClientOptions {
  std::filesystem::path socket_path;
  std::chrono::milliseconds connect_timeout{1000};
  // From connecting to the end of the response line.
  std::chrono::milliseconds response_timeout{30000};
};

// Sends {"v":1,"cmd":cmd,"args":args} and returns the response's "data". Throws ClientError.
nlohmann::json call_daemon(const ClientOptions& options, std::string_view cmd, const nlohmann::json& args);

// Sends the request with "render":"json-raw" and returns the data as `--json` prints it (no final
// newline). Throws ClientError.
std::string call_daemon_rendered(const ClientOptions& options, std::string_view cmd, const nlohmann::json& args);

// Sends one raw line (a newline is appended) and returns the raw response line, without parsing
// it: for tests and debugging. Throws ClientError for connection problems.
std::string exchange_line(const ClientOptions& options, std::string_view line);

}  // namespace cu::ctl
