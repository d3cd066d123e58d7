#include "store/postgres_connection.h"

#include <cctype>
#include <fstream>
#include <memory>
#include <vector>

#include <fmt/format.h>
#include <libpq-fe.h>

namespace cu {
namespace {

constexpr std::string_view kMask = "***";

using Options = std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)>;

// libpq's own parse of a URL or key/value string (no environment, no defaults applied).
Options parse_conninfo(std::string_view conninfo) {
  char* error = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(std::string(conninfo).c_str(), &error);
  if (parsed == nullptr) {
    std::string message = error != nullptr ? error : "out of memory";
    PQfreemem(error);
    while (!message.empty() && std::isspace(static_cast<unsigned char>(message.back()))) message.pop_back();
    throw PostgresConfigError(
        redact_postgres_url(fmt::format("invalid PostgreSQL connection string: {}", message)));
  }
  return Options(parsed, &PQconninfoFree);
}

// A key/value value, always quoted: backslash and single quote escaped (libpq's rule).
std::string quote_value(std::string_view value) {
  std::string quoted = "'";
  for (const char c : value) {
    if (c == '\\' || c == '\'') quoted += '\\';
    quoted += c;
  }
  quoted += '\'';
  return quoted;
}

std::string render(const PQconninfoOption* options, const std::map<std::string, std::string>& settings) {
  std::vector<std::string> parts;
  for (const PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (settings.count(o->keyword) != 0 || o->val == nullptr) continue;
    parts.push_back(fmt::format("{}={}", o->keyword, quote_value(o->val)));
  }
  for (const auto& [keyword, value] : settings) parts.push_back(fmt::format("{}={}", keyword, quote_value(value)));
  return fmt::format("{}", fmt::join(parts, " "));
}

std::string read_password_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line)) {
    throw PostgresConfigError(
        fmt::format("storage.postgres_password_file: cannot read a password from {}", path.string()));
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

bool is_url_end(char c) {
  return c == '/' || c == '?' || c == '"' || c == '\'' || std::isspace(static_cast<unsigned char>(c));
}

// Masks the password of the userinfo of each postgres:// or postgresql:// URL in `text`.
void redact_userinfo(std::string& text) {
  std::size_t from = 0;
  while ((from = text.find("postgres", from)) != std::string::npos) {
    std::size_t start = from + 8;
    if (text.compare(start, 2, "ql") == 0) start += 2;
    from = start;
    if (text.compare(start, 3, "://") != 0) continue;
    start += 3;
    std::size_t end = start;
    while (end < text.size() && !is_url_end(text[end])) ++end;
    const std::string_view authority = std::string_view(text).substr(start, end - start);
    const std::size_t at = authority.rfind('@');
    const std::size_t colon = authority.find(':');
    if (at == std::string_view::npos || colon == std::string_view::npos || colon > at) continue;
    text.replace(start + colon + 1, at - colon - 1, kMask);
    from = start + colon + 1 + kMask.size();
  }
}

// The end of a value that starts at `start`: a quoted key/value value, or up to a separator.
std::size_t value_end(const std::string& text, std::size_t start) {
  if (start < text.size() && text[start] == '\'') {
    std::size_t i = start + 1;
    while (i < text.size() && text[i] != '\'') i += text[i] == '\\' ? 2 : 1;
    return std::min(i + 1, text.size());
  }
  std::size_t i = start;
  while (i < text.size() && text[i] != '&' && text[i] != '"' && !std::isspace(static_cast<unsigned char>(text[i])))
    ++i;
  return i;
}

// Masks the value of every "...password = value" (key/value strings and URL query parameters;
// also sslpassword).
void redact_password_keywords(std::string& text) {
  std::string lower = text;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::size_t from = 0;
  while ((from = lower.find("password", from)) != std::string::npos) {
    std::size_t i = from + 8;
    from = i;
    while (i < text.size() && text[i] == ' ') ++i;
    if (i >= text.size() || text[i] != '=') continue;
    ++i;
    while (i < text.size() && text[i] == ' ') ++i;
    const std::size_t end = value_end(text, i);
    text.replace(i, end - i, kMask);
    lower.replace(i, end - i, kMask);
    from = i + kMask.size();
  }
}

}  // namespace

std::string conninfo_with(std::string_view conninfo, const std::map<std::string, std::string>& settings) {
  const Options options = parse_conninfo(conninfo);
  return render(options.get(), settings);
}

std::string conninfo_value(std::string_view conninfo, const std::string& keyword) {
  const Options options = parse_conninfo(conninfo);
  for (const PQconninfoOption* o = options.get(); o->keyword != nullptr; ++o) {
    if (keyword == o->keyword) return o->val != nullptr ? o->val : "";
  }
  return {};
}

std::string postgres_conninfo(const PostgresOptions& options) {
  if (options.url.empty()) throw PostgresConfigError("storage.postgres_url is empty");
  std::map<std::string, std::string> settings;
  auto add_default = [&](const char* keyword, std::string value) {
    if (conninfo_value(options.url, keyword).empty()) settings[keyword] = std::move(value);
  };
  if (!options.password_file.empty()) add_default("password", read_password_file(options.password_file));
  add_default("connect_timeout", std::to_string(options.connect_timeout.count()));
  add_default("keepalives_idle", "10");
  add_default("keepalives_interval", "5");
  add_default("keepalives_count", "3");
  add_default("tcp_user_timeout", std::to_string(options.tcp_user_timeout.count() * 1000));
  add_default("application_name", "claude-usaged");
  const std::string statement_timeout = std::to_string(options.statement_timeout.count() * 1000);
  const std::string server_options = conninfo_value(options.url, "options");
  // The URL's own server options come last, so they win over these defaults.
  settings["options"] = fmt::format("-c statement_timeout={} -c client_min_messages=warning{}{}",
                                    statement_timeout, server_options.empty() ? "" : " ", server_options);
  return conninfo_with(options.url, settings);
}

std::string redact_postgres_url(std::string_view text) {
  std::string redacted(text);
  redact_userinfo(redacted);
  redact_password_keywords(redacted);
  return redacted;
}

std::string redact_secret(std::string_view text, std::string_view secret) {
  std::string redacted = redact_postgres_url(text);
  if (secret.empty()) return redacted;
  std::size_t at = 0;
  while ((at = redacted.find(secret, at)) != std::string::npos) {
    redacted.replace(at, secret.size(), kMask);
    at += kMask.size();
  }
  return redacted;
}

}  // namespace cu
