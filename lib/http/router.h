#pragma once
// What the HTTP listener answers (SPEC §12), as a pure function of the request: the paths, the
// token check, the API's query arguments. The socket side is http_server.h.
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cu::http {

struct HttpRequest {
  std::string_view method;
  std::string_view target;         // path and query, as sent
  std::string_view authorization;  // the Authorization header, if any
  std::string_view cookie;         // the Cookie header, if any
};

struct HttpResponse {
  unsigned status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // besides Content-Type
};

struct RouterContext {
  std::string token;  // what every path but /healthz requires
  // Answers one control-protocol request line (ctl/command_registry.h's handle_request_line).
  std::function<std::string(std::string_view request_line)> ask;
  // The /metrics text.
  std::function<std::string()> metrics;
  std::string_view dashboard_html;
};

// The cookie a browser keeps the token in after its first visit with ?token=.
inline constexpr std::string_view kTokenCookie = "claude_usaged_token";

HttpResponse route(const HttpRequest& request, const RouterContext& context);

// "a%20b+c" → "a b c" (application/x-www-form-urlencoded); nullopt for a bad escape.
std::optional<std::string> percent_decoded(std::string_view text);

// The query's name=value pairs in order, decoded; a name without '=' has an empty value.
// nullopt when an escape is bad.
std::optional<std::vector<std::pair<std::string, std::string>>> query_pairs(std::string_view query);

}  // namespace cu::http
