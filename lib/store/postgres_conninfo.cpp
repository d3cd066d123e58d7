// The connection strings handed to libpq (postgres_conninfo.h), parsed by libpq itself.
#include "store/postgres_conninfo.h"

#include <cctype>
#include <fstream>
#include <memory>
#include <vector>

#include <fmt/format.h>
#include <libpq-fe.h>

namespace cu {
namespace {

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

}  // namespace cu
