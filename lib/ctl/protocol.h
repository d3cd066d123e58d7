#pragma once
// The control socket's wire format (docs/PROTOCOL.md): one JSON object per line each way.
//   request:  {"v":1,"cmd":"daily","args":{...}} (optionally "render":"json" or "json-raw")
//   response: {"v":1,"ok":true,"data":...}, {"v":1,"ok":true,"text":"..."},
//             {"v":1,"ok":true,"bytes":N} followed by N bytes of text and a newline ("json-raw"), or
//             {"v":1,"ok":false,"code":"...","error":"..."}
#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace cu::ctl {

inline constexpr int kProtocolVersion = 1;
// The longest request line accepted, without its terminating newline.
inline constexpr std::size_t kMaxRequestBytes = 64 * 1024;

// Why a request failed; sent as the response's "code" so that clients can tell them apart.
enum class ErrorCode {
  kBadRequest,          // not JSON, not an object, missing or mistyped fields
  kRequestTooLarge,     // a line over kMaxRequestBytes
  kVersionMismatch,     // "v" is not kProtocolVersion
  kUnknownCommand,
  kInvalidArgs,         // unknown argument, wrong type or bad value
  kPermissionDenied,    // the peer's uid (or group) is not admitted
  kIdleTimeout,         // the client sent no complete request in time
  kTooManyConnections,
  kUnavailable,         // the daemon cannot serve this command now (e.g. no hook wired)
  kFailed,              // the command ran and failed (e.g. reload rejected the config)
  kInternal,            // an unexpected exception inside a handler
};

std::string_view error_code_name(ErrorCode code);
// The inverse of error_code_name; kInternal for an unknown name.
ErrorCode error_code_from_name(std::string_view name);

// A request or argument problem, carried up to the request boundary and sent as an error response.
class ProtocolError : public std::runtime_error {
 public:
  ProtocolError(ErrorCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
  ErrorCode code() const { return code_; }

 private:
  ErrorCode code_;
};

struct Request {
  std::string cmd;
  nlohmann::json args = nlohmann::json::object();  // always an object
  // "render":"json": answer with the data already printed as `--json` prints it, in "text", so
  // that the client writes it out instead of parsing and printing a large report again.
  bool render_json = false;
  // "render":"json-raw": the same text, sent as it is after a header line that gives its length
  // (encode_ok_raw): neither escaped by the daemon nor parsed by the client.
  bool raw = false;
};

// Parses one request line (without its newline). Throws ProtocolError (kRequestTooLarge,
// kBadRequest, kVersionMismatch) for anything but {"v":1,"cmd":string,"args"?:object}; unknown
// top-level keys are errors too.
Request parse_request(std::string_view line);

// One line (without newline) for `cmd` and `args` (an object).
std::string encode_request(std::string_view cmd, const nlohmann::json& args, bool render_json = false,
                           bool raw = false);

std::string encode_ok(const nlohmann::json& data);
// The answer to a "render":"json" request: `data` as `--json` prints it (2-space indent).
std::string encode_ok_rendered(const nlohmann::json& data);
// The answer to a "render":"json-raw" request: {"bytes":N,"ok":true,"v":1}, a newline, and the N
// bytes of `data` as `--json` prints it (the newline that ends every answer follows).
std::string encode_ok_raw(const nlohmann::json& data);
// How `--json` prints data (ccusage's JSON.stringify(data, null, 2)), without the final newline.
std::string render_json(const nlohmann::json& data);
std::string encode_error(ErrorCode code, std::string_view message);

struct Response {
  bool ok = false;
  nlohmann::json data;        // when ok
  std::optional<std::string> text;  // when ok, for a "render":"json" request (data is then null)
  // When ok, for a "render":"json-raw" request: the length of the text after the header line.
  std::optional<std::size_t> text_bytes;
  ErrorCode code = ErrorCode::kInternal;  // when !ok
  std::string error;          // when !ok
};

// Parses one response line. Throws ProtocolError(kBadRequest) when it is not a response of this
// protocol, and ProtocolError(kVersionMismatch) when it carries another version.
Response parse_response(std::string_view line);

}  // namespace cu::ctl
