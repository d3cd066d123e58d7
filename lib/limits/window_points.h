#pragma once
// The events of one window instance as estimate_window needs them, without reading each event of
// a long window: a heavy week holds tens of thousands of events, and `limits` answers in a few
// milliseconds. A block (usage_blocks) the estimate does not look into counts as one point at its
// last event holding its totals; the events of the blocks it does look into are read one by one.
// Every figure estimate_window computes from the result equals the one from all the events.
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "core/rate_limit.h"
#include "limits/limit_settings.h"
#include "rollup/rows.h"

namespace cu {

// Where the window [start_ms, end_ms) (end: min(now, resets_at)) needs its events one by one:
// the block in progress at start_ms (only its part from start_ms counts), the blocks that
// overlap the burn span before `now_ms`, the block of the latest reading, and everything from
// the last block's first event on (its events may be newer than its stored totals). Without
// blocks, the whole window. `blocks`: non-gap blocks ascending by start, of at least the window.
// Ranges are [from, to), ascending, not overlapping.
std::vector<std::pair<std::int64_t, std::int64_t>> window_detail_ranges(std::span<const UsageBlock> blocks,
                                                                       const RateLimitSnapshot& latest,
                                                                       std::int64_t end_ms, std::int64_t now_ms,
                                                                       const LimitSettings& settings);

struct WindowPoints {
  // The readings whose cost so far the points give exactly: all but those captured inside a
  // block counted as one point (its events after the capture cannot be told from those before).
  // The latest is always among them.
  std::vector<RateLimitSnapshot> readings;
  std::vector<UsagePoint> points;  // ascending by timestamp
};

// `readings`: the instance's, ascending by capture. `detail`: the events of the ranges
// window_detail_ranges gave, ascending. `blocks` as there.
WindowPoints window_points(std::span<const RateLimitSnapshot> readings, std::span<const UsageBlock> blocks,
                           std::span<const std::pair<std::int64_t, std::int64_t>> detail_ranges,
                           std::span<const UsagePoint> detail, std::int64_t end_ms);

}  // namespace cu
