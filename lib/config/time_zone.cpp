// `timezone: local` resolved to the IANA name of the machine's zone (SPEC §6), so that the name
// recorded with the derived tables changes when the machine's zone does.
#include <date/tz.h>
#include <fmt/format.h>

#include <string>
#include <string_view>

#include "config/config.h"

namespace cu {
namespace {

constexpr std::string_view kZoneinfo = "zoneinfo/";
constexpr std::string_view kPosixTree = "posix/";  // zoneinfo/posix/Area/City: the same zones

// The part of `path` after its last "zoneinfo/" directory ("" when it has none).
std::string below_zoneinfo(std::string_view path) {
  for (std::size_t at = path.rfind(kZoneinfo); at != std::string_view::npos;
       at = at == 0 ? std::string_view::npos : path.rfind(kZoneinfo, at - 1)) {
    if (at == 0 || path[at - 1] == '/') {
      std::string_view name = path.substr(at + kZoneinfo.size());
      if (name.starts_with(kPosixTree)) name.remove_prefix(kPosixTree.size());
      return std::string(name);
    }
  }
  return "";
}

// TZ's zone: ":Area/City", "Area/City", or an absolute path into a zoneinfo directory.
std::string zone_of_tz(std::string_view tz) {
  if (tz.starts_with(':')) tz.remove_prefix(1);
  if (tz.starts_with('/')) return below_zoneinfo(tz);
  return std::string(tz);
}

bool is_known_zone(const std::string& name) {
  if (name.empty()) return false;
  try {
    date::locate_zone(name);
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

std::string known_zone(const std::string& name, const std::string& origin) {
  if (is_known_zone(name)) return name;
  throw ConfigError(fmt::format(
      "timezone: \"local\" cannot be resolved: {} names no IANA time zone; set timezone to a name such as "
      "\"Europe/Berlin\"",
      origin));
}

}  // namespace

std::string resolve_time_zone(const std::string& configured, const Environment& env) {
  if (configured != "local") return configured;
  if (const auto tz = env.get("TZ"); tz && !tz->empty()) return known_zone(zone_of_tz(*tz), fmt::format("TZ=\"{}\"", *tz));
  if (!env.localtime_target) return "UTC";  // no /etc/localtime: libc's default
  if (env.localtime_target->empty()) return known_zone("", "/etc/localtime (not a symlink into zoneinfo/)");
  return known_zone(below_zoneinfo(*env.localtime_target),
                    fmt::format("/etc/localtime -> \"{}\"", *env.localtime_target));
}

}  // namespace cu
