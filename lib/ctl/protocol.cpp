#include "ctl/protocol.h"

#include <array>
#include <utility>

#include <fmt/format.h>
#include <simdjson.h>

#include "ctl/pretty_json.h"

namespace cu::ctl {
namespace {

using Json = nlohmann::json;

constexpr std::array<std::pair<ErrorCode, std::string_view>, 11> kErrorNames{{
    {ErrorCode::kBadRequest, "bad_request"},
    {ErrorCode::kRequestTooLarge, "request_too_large"},
    {ErrorCode::kVersionMismatch, "version_mismatch"},
    {ErrorCode::kUnknownCommand, "unknown_command"},
    {ErrorCode::kInvalidArgs, "invalid_args"},
    {ErrorCode::kPermissionDenied, "permission_denied"},
    {ErrorCode::kIdleTimeout, "idle_timeout"},
    {ErrorCode::kTooManyConnections, "too_many_connections"},
    {ErrorCode::kUnavailable, "unavailable"},
    {ErrorCode::kFailed, "failed"},
    {ErrorCode::kInternal, "internal"},
}};

// Invalid UTF-8 cannot reach here from a parsed request, but a handler's message might carry
// bytes from a file name: replace rather than throw while encoding a response.
std::string dump_line(const Json& value) { return value.dump(-1, ' ', false, Json::error_handler_t::replace); }

// `text` (nlohmann's own rendering: valid UTF-8, control characters escaped inside its strings)
// as a JSON string, written here rather than by nlohmann: its escaping decodes UTF-8 a byte at a
// time, and a large answer is one long string (a 6-month `blocks --json`: 571 KB, about 5 ms
// of the daemon's 17). The same bytes as nlohmann's for such text (tests/ctl/protocol_test.cpp).
std::string json_string_of_rendered(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8 + 2);
  out += '"';
  std::size_t from = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c != '"' && c != '\\' && c >= 0x20) continue;
    out.append(text, from, i - from);
    from = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default: out += fmt::format("\\u{:04x}", c);
    }
  }
  out.append(text, from, text.size() - from);
  out += '"';
  return out;
}

Json parse_object(std::string_view line, std::string_view what) {
  Json value = Json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) throw ProtocolError(ErrorCode::kBadRequest, fmt::format("{} is not valid JSON", what));
  if (!value.is_object()) throw ProtocolError(ErrorCode::kBadRequest, fmt::format("{} is not a JSON object", what));
  return value;
}

void check_version(const Json& message, std::string_view peer) {
  const auto it = message.find("v");
  if (it == message.end()) {
    throw ProtocolError(ErrorCode::kVersionMismatch,
                        fmt::format("{} carries no protocol version (\"v\"); this side speaks version {}", peer,
                                    kProtocolVersion));
  }
  if (!it->is_number_integer() || it->get<std::int64_t>() != kProtocolVersion) {
    throw ProtocolError(ErrorCode::kVersionMismatch,
                        fmt::format("{} speaks protocol version {}, this side speaks version {}", peer,
                                    dump_line(*it), kProtocolVersion));
  }
}

}  // namespace

std::string_view error_code_name(ErrorCode code) {
  for (const auto& [value, name] : kErrorNames) {
    if (value == code) return name;
  }
  return "internal";
}

ErrorCode error_code_from_name(std::string_view name) {
  for (const auto& [value, known] : kErrorNames) {
    if (known == name) return value;
  }
  return ErrorCode::kInternal;
}

Request parse_request(std::string_view line) {
  if (line.size() > kMaxRequestBytes) {
    throw ProtocolError(ErrorCode::kRequestTooLarge,
                        fmt::format("request exceeds {} bytes", kMaxRequestBytes));
  }
  const Json message = parse_object(line, "request");
  check_version(message, "the client");
  Request request;
  for (const auto& [key, value] : message.items()) {
    if (key == "v") continue;
    if (key == "cmd") {
      if (!value.is_string()) throw ProtocolError(ErrorCode::kBadRequest, "\"cmd\" must be a string");
      request.cmd = value.get<std::string>();
    } else if (key == "args") {
      if (!value.is_object()) throw ProtocolError(ErrorCode::kBadRequest, "\"args\" must be an object");
      request.args = value;
    } else if (key == "render") {
      if (value != "json" && value != "json-raw") {
        throw ProtocolError(ErrorCode::kBadRequest, "\"render\" must be \"json\" or \"json-raw\"");
      }
      request.render_json = true;
      request.raw = value == "json-raw";
    } else {
      throw ProtocolError(ErrorCode::kBadRequest, fmt::format("unknown request field \"{}\"", key));
    }
  }
  if (request.cmd.empty()) throw ProtocolError(ErrorCode::kBadRequest, "request has no \"cmd\"");
  return request;
}

std::string encode_request(std::string_view cmd, const nlohmann::json& args, bool render_json, bool raw) {
  Json request{{"v", kProtocolVersion}, {"cmd", cmd}, {"args", args}};
  if (render_json || raw) request["render"] = raw ? "json-raw" : "json";
  return dump_line(request);
}

std::string render_json(const nlohmann::json& data) { return pretty_json(data); }

std::string encode_ok_rendered(const nlohmann::json& data) {
  return fmt::format("{{\"ok\":true,\"text\":{},\"v\":{}}}", json_string_of_rendered(render_json(data)), kProtocolVersion);
}

std::string encode_ok_raw(const nlohmann::json& data) {
  const std::string text = render_json(data);
  return fmt::format("{{\"bytes\":{},\"ok\":true,\"v\":{}}}\n{}", text.size(), kProtocolVersion, text);
}

// Serializes `data` in place: wrapping it in a new object would copy the whole report first
// (nlohmann initializer lists copy), which was most of the time of a large `daily` answer.
std::string encode_ok(const nlohmann::json& data) {
  return fmt::format("{{\"data\":{},\"ok\":true,\"v\":{}}}", dump_line(data), kProtocolVersion);
}

std::string encode_error(ErrorCode code, std::string_view message) {
  return dump_line(
      Json{{"v", kProtocolVersion}, {"ok", false}, {"code", error_code_name(code)}, {"error", message}});
}

namespace {

// The text of a successful "render":"json" answer of this protocol version, read with simdjson:
// such an answer is mostly one long string, which nlohmann's lexer reads about ten times slower
// (5 ms of a 6-month `daily --json` at 5 GB). nullopt for anything else, which the full parser
// below then accepts or explains.
std::optional<std::string> rendered_text(std::string_view line) {
  const simdjson::padded_string padded(line);
  simdjson::ondemand::parser parser;
  simdjson::ondemand::document document;
  simdjson::ondemand::object object;
  if (parser.iterate(padded).get(document) || document.get_object().get(object)) return std::nullopt;
  std::int64_t version = 0;
  bool ok = false;
  std::optional<std::string> text;
  for (auto field : object) {
    std::string_view key;
    if (field.unescaped_key().get(key)) return std::nullopt;
    if (key == "v") {
      if (field.value().get_int64().get(version)) return std::nullopt;
    } else if (key == "ok") {
      if (field.value().get_bool().get(ok)) return std::nullopt;
    } else if (key == "text") {
      std::string_view value;
      if (field.value().get_string().get(value)) return std::nullopt;
      text.emplace(value);
    } else {
      return std::nullopt;
    }
  }
  if (version != kProtocolVersion || !ok || !text) return std::nullopt;
  return text;
}

}  // namespace

Response parse_response(std::string_view line) {
  if (auto text = rendered_text(line)) {
    Response response;
    response.ok = true;
    response.text = std::move(text);
    return response;
  }
  const Json message = parse_object(line, "the daemon's response");
  check_version(message, "the daemon");
  const auto ok = message.find("ok");
  if (ok == message.end() || !ok->is_boolean()) {
    throw ProtocolError(ErrorCode::kBadRequest, "the daemon's response has no \"ok\"");
  }
  Response response;
  response.ok = ok->get<bool>();
  if (response.ok) {
    if (const auto text = message.find("text"); text != message.end() && text->is_string()) {
      response.text = text->get<std::string>();
    } else if (const auto bytes = message.find("bytes"); bytes != message.end()) {
      if (!bytes->is_number_unsigned()) {
        throw ProtocolError(ErrorCode::kBadRequest, "the daemon's \"bytes\" is not a length");
      }
      response.text_bytes = bytes->get<std::size_t>();
    } else {
      response.data = message.value("data", Json());
    }
    return response;
  }
  const auto code = message.find("code");
  const auto error = message.find("error");
  response.code = code != message.end() && code->is_string() ? error_code_from_name(code->get<std::string>())
                                                             : ErrorCode::kInternal;
  response.error = error != message.end() && error->is_string() ? error->get<std::string>() : "unknown error";
  return response;
}

}  // namespace cu::ctl
