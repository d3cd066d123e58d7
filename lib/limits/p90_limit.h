#pragma once
// The P90 token limit (SPEC §11), Claude-Code-Usage-Monitor's estimate of a plan's 5-hour limit
// from the user's own blocks, computed exactly as it does.
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "limits/limit_settings.h"
#include "rollup/rows.h"

namespace cu {

// Python's statistics.quantiles(values, n=n)[index] with method "exclusive" (values need not be
// sorted); a single value is its own quantile. Requires 0 <= index < n - 1 and values not empty.
double exclusive_quantile(std::vector<double> values, int n, int index);

// Blocks: non-gap, completed at `now_ms` (not active), started within p90_window_hours before now,
// with input + output tokens > 0. Sizes of those that hit a common limit (or of all when none
// did); their P90, truncated to an integer, and at least p90_floor. None without such blocks.
std::optional<std::int64_t> p90_token_limit(std::span<const UsageBlock> blocks, std::int64_t now_ms,
                                            const LimitSettings& settings);

}  // namespace cu
