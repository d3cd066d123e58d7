#include "store/postgres_connection.h"

#include <algorithm>
#include <cctype>

namespace cu {
namespace {

constexpr std::string_view kMask = "***";

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
