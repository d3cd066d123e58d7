#include "http/router.h"

#include <optional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "ctl/command_args.h"
#include "ctl/command_registry.h"
#include "ctl/protocol.h"
#include "http/token.h"
#include "log/log.h"

namespace cu::http {
namespace {

using Json = nlohmann::json;

constexpr std::string_view kJson = "application/json";

HttpResponse text(unsigned status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

HttpResponse json_error(unsigned status, std::string_view message) {
  HttpResponse response;
  response.status = status;
  response.content_type = kJson;
  // The message may quote the request (a command name), which need not be UTF-8.
  response.body = Json{{"error", message}}.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n";
  return response;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The value of cookie `name` in a Cookie header ("a=1; claude_usaged_token=…").
std::string_view cookie_value(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    const std::size_t end = std::min(header.find(';'), header.size());
    std::string_view pair = header.substr(0, end);
    while (pair.starts_with(' ')) pair.remove_prefix(1);
    if (pair.size() > name.size() && pair.starts_with(name) && pair[name.size()] == '=') {
      return pair.substr(name.size() + 1);
    }
    header.remove_prefix(std::min(end + 1, header.size()));
  }
  return {};
}

// Where the request shows the token: nullopt when it does not; `from_query` when it came in ?token=.
bool authorized(const HttpRequest& request, const std::vector<std::pair<std::string, std::string>>& query,
                const RouterContext& context, bool& from_query) {
  from_query = false;
  constexpr std::string_view kBearer = "Bearer ";
  if (request.authorization.starts_with(kBearer) &&
      tokens_equal(request.authorization.substr(kBearer.size()), context.token)) {
    return true;
  }
  if (const std::string_view cookie = cookie_value(request.cookie, kTokenCookie);
      !cookie.empty() && tokens_equal(cookie, context.token)) {
    return true;
  }
  for (const auto& [name, value] : query) {
    if (name == "token" && tokens_equal(value, context.token)) {
      from_query = true;
      return true;
    }
  }
  return false;
}

// GET /api/<command>?<arg>=<value>: the command's --json text, through the control protocol.
HttpResponse api(std::string_view command_name, const std::vector<std::pair<std::string, std::string>>& query,
                 const RouterContext& context) {
  const ctl::CommandSpec* command = ctl::find_command(command_name);
  if (command == nullptr) return json_error(404, fmt::format("unknown command \"{}\"", command_name));
  Json args = Json::object();
  for (const auto& [name, value] : query) {
    if (name == "token") continue;
    const ctl::ArgSpec* spec = ctl::find_arg(name);
    const bool declared = spec != nullptr && std::find(command->args.begin(), command->args.end(), name) != command->args.end();
    if (!declared || spec->scope != ctl::ArgScope::kRequest) {
      return json_error(400, fmt::format("{} takes no argument \"{}\"", command_name, name));
    }
    args[name] = ctl::arg_value_of_text(*spec, value);
  }
  const ctl::Response answer = ctl::parse_response(context.ask(ctl::encode_request(command_name, args, /*render_json=*/true)));
  if (!answer.ok) {
    const bool client_error = answer.code == ctl::ErrorCode::kInvalidArgs || answer.code == ctl::ErrorCode::kUnknownCommand;
    return json_error(client_error ? 400 : answer.code == ctl::ErrorCode::kUnavailable ? 503 : 500, answer.error);
  }
  HttpResponse response;
  response.content_type = kJson;
  response.body = answer.text.value_or(answer.data.dump()) + "\n";
  return response;
}

// route() without the net: may throw.
HttpResponse route_checked(const HttpRequest& request, const RouterContext& context) {
  if (request.method != "GET" && request.method != "HEAD") {
    HttpResponse response = text(405, "method not allowed\n");
    response.headers.emplace_back("Allow", "GET, HEAD");
    return response;
  }
  const std::size_t question = std::min(request.target.find('?'), request.target.size());
  const std::string_view path = request.target.substr(0, question);
  const auto query = query_pairs(question < request.target.size() ? request.target.substr(question + 1) : "");
  if (!query) return text(400, "bad percent-escape in the query\n");
  if (path == "/healthz") return text(200, "ok\n");
  bool from_query = false;
  if (!authorized(request, *query, context, from_query)) {
    HttpResponse response = text(401, "a token is required: claude-usagectl web prints the dashboard's URL with it\n");
    response.headers.emplace_back("WWW-Authenticate", "Bearer");
    return response;
  }
  HttpResponse response;
  if (path == "/" || path == "/index.html") {
    response.content_type = "text/html; charset=utf-8";
    response.body = std::string(context.dashboard_html);
  } else if (path == "/metrics") {
    response.content_type = "text/plain; version=0.0.4; charset=utf-8";
    response.body = context.metrics();
  } else if (path.starts_with("/api/") && path.size() > 5) {
    response = api(path.substr(5), *query, context);
  } else {
    return text(404, "not found\n");
  }
  response.headers.emplace_back("Cache-Control", "no-store");
  if (from_query) {
    response.headers.emplace_back("Set-Cookie", fmt::format("{}={}; Path=/; HttpOnly; SameSite=Strict", kTokenCookie,
                                                             context.token));
  }
  return response;
}

}  // namespace

std::optional<std::string> percent_decoded(std::string_view text) {
  std::string decoded;
  decoded.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      decoded += ' ';
    } else if (text[i] == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      const int high = hex_digit(text[i + 1]);
      const int low = hex_digit(text[i + 2]);
      if (high < 0 || low < 0) return std::nullopt;
      decoded += static_cast<char>(high * 16 + low);
      i += 2;
    } else {
      decoded += text[i];
    }
  }
  return decoded;
}

std::optional<std::vector<std::pair<std::string, std::string>>> query_pairs(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> pairs;
  while (!query.empty()) {
    const std::size_t end = std::min(query.find('&'), query.size());
    const std::string_view pair = query.substr(0, end);
    query.remove_prefix(std::min(end + 1, query.size()));
    if (pair.empty()) continue;
    const std::size_t equals = std::min(pair.find('='), pair.size());
    auto name = percent_decoded(pair.substr(0, equals));
    auto value = percent_decoded(equals < pair.size() ? pair.substr(equals + 1) : std::string_view{});
    if (!name || !value) return std::nullopt;
    pairs.emplace_back(std::move(*name), std::move(*value));
  }
  return pairs;
}

HttpResponse route(const HttpRequest& request, const RouterContext& context) {
  // A failure inside (the store behind /metrics, say) is this request's 500, never the loop's.
  try {
    return route_checked(request, context);
  } catch (const std::exception& error) {
    log::warning("http: {} {}: {}", request.method, request.target.substr(0, 200), error.what());
    return text(500, "internal error; see the daemon's log\n");
  }
}

}  // namespace cu::http
