#pragma once
// Hand-built kept events for the rollup tests.
#include <date/date.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <string>

#include "core/usage_event.h"

namespace cu::test {

// "2026-04-01T22:00:00.001Z" as Unix epoch milliseconds.
inline std::int64_t utc_ms(const std::string& iso) {
  int year = 0;
  unsigned month = 0, day = 0, hour = 0, minute = 0, second = 0, milli = 0;
  if (std::sscanf(iso.c_str(), "%d-%u-%uT%u:%u:%u.%3uZ", &year, &month, &day, &hour, &minute, &second, &milli) != 7) {
    throw std::invalid_argument("bad timestamp " + iso);
  }
  const date::sys_days days{date::year{year} / date::month{month} / date::day{day}};
  const auto time = days + std::chrono::hours(hour) + std::chrono::minutes(minute) + std::chrono::seconds(second) +
                    std::chrono::milliseconds(milli);
  return std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
}

inline UsageEvent usage_event(std::int64_t id, std::int64_t timestamp_ms, std::string model, std::int64_t input,
                              std::int64_t output = 0, std::string session = "s1", std::string project = "p") {
  UsageEvent e;
  e.id = id;
  e.entry.message_id = "msg_" + std::to_string(id);
  e.entry.request_id = "req_" + std::to_string(id);
  e.entry.timestamp_ms = timestamp_ms;
  e.entry.model = std::move(model);
  e.entry.tokens.input = input;
  e.entry.tokens.output = output;
  e.project = std::move(project);
  e.session_id = std::move(session);
  return e;
}

}  // namespace cu::test
