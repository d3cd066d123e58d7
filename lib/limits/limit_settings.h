#pragma once
// The constants of the limit estimates (SPEC §11), config keys `limits.*` (lib/config).
#include <cstdint>
#include <vector>

namespace cu {

struct LimitSettings {
  // P90 token limit, Claude-Code-Usage-Monitor's method: completed blocks that started within
  // this many hours before now,
  std::int64_t p90_window_hours = 192;
  // of which those with input + output tokens >= p90_hit_ratio × any of p90_common_limits "hit a
  // limit" (when none does, all of them count),
  double p90_hit_ratio = 0.95;
  std::vector<std::int64_t> p90_common_limits{19'000, 88'000, 220'000, 880'000};
  // and the result is never below p90_floor.
  std::int64_t p90_floor = 19'000;
  // A window's latest official reading older than this is stale.
  std::int64_t stale_minutes = 10;
  // The burn rate is the window's cost of this many minutes before now, per minute.
  std::int64_t burn_minutes = 60;

  friend bool operator==(const LimitSettings&, const LimitSettings&) = default;
};

}  // namespace cu
