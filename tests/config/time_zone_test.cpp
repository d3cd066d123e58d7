// resolve_time_zone: `timezone: local` on a fake machine (TZ, /etc/localtime), never the real one.
#include <gtest/gtest.h>

#include "config/config.h"
#include "config/fake_environment.h"

namespace cu {
namespace {

using testing::fake_environment;

Environment machine(std::optional<std::string> tz, std::optional<std::string> localtime_target) {
  Environment env = fake_environment();
  if (tz) env.vars["TZ"] = *tz;
  env.localtime_target = std::move(localtime_target);
  return env;
}

std::string resolved(std::optional<std::string> tz, std::optional<std::string> localtime_target) {
  return resolve_time_zone("local", machine(std::move(tz), std::move(localtime_target)));
}

TEST(ResolveTimeZone, NamedZonesStayAsTheyAre) {
  EXPECT_EQ(resolve_time_zone("Europe/Berlin", machine("Asia/Tokyo", std::nullopt)), "Europe/Berlin");
}

TEST(ResolveTimeZone, TzComesFirstInEachOfItsForms) {
  const std::string link = "/usr/share/zoneinfo/Europe/Berlin";
  EXPECT_EQ(resolved("Asia/Tokyo", link), "Asia/Tokyo");
  EXPECT_EQ(resolved(":Asia/Tokyo", link), "Asia/Tokyo");
  EXPECT_EQ(resolved("/usr/share/zoneinfo/America/New_York", link), "America/New_York");
  EXPECT_EQ(resolved(":/usr/lib/zoneinfo/posix/Asia/Kolkata", link), "Asia/Kolkata");
  EXPECT_EQ(resolved("UTC", link), "UTC");
}

TEST(ResolveTimeZone, ThenTheTargetOfEtcLocaltime) {
  EXPECT_EQ(resolved(std::nullopt, "/usr/share/zoneinfo/Europe/Berlin"), "Europe/Berlin");
  EXPECT_EQ(resolved("", "../usr/share/zoneinfo/Etc/UTC"), "Etc/UTC");  // empty TZ: as if unset
  EXPECT_EQ(resolved(std::nullopt, "/var/db/timezone/zoneinfo/America/Sao_Paulo"), "America/Sao_Paulo");
}

TEST(ResolveTimeZone, NoEtcLocaltimeMeansUtcLikeLibc) { EXPECT_EQ(resolved(std::nullopt, std::nullopt), "UTC"); }

TEST(ResolveTimeZone, WhatNamesNoZoneIsAConfigError) {
  EXPECT_THROW(resolved("Mars/Olympus_Mons", std::nullopt), ConfigError);
  EXPECT_THROW(resolved("CET-1CEST", std::nullopt), ConfigError);  // a POSIX rule, no name
  EXPECT_THROW(resolved("/etc/my-zone", std::nullopt), ConfigError);
  EXPECT_THROW(resolved(std::nullopt, ""), ConfigError);  // a copy, not a symlink
  EXPECT_THROW(resolved(std::nullopt, "/usr/share/zoneinfo/"), ConfigError);
  EXPECT_THROW(resolved(std::nullopt, "/opt/zones/Berlin"), ConfigError);
  try {
    resolved(std::nullopt, "/opt/zones/Berlin");
  } catch (const ConfigError& error) {
    EXPECT_EQ(std::string(error.what()),
              "timezone: \"local\" cannot be resolved: /etc/localtime -> \"/opt/zones/Berlin\" names no IANA time "
              "zone; set timezone to a name such as \"Europe/Berlin\"");
  }
}

}  // namespace
}  // namespace cu
