#include "limits/window_history.h"

#include <algorithm>
#include <map>
#include <utility>

#include "limits/point_sums.h"

namespace cu {
namespace {

// Instances ordered by start, then window.
using InstanceKey = std::pair<std::int64_t, RateLimitWindow>;

// Counts `snapshot` into its instance: readings, and the earliest of the highest readings.
void add_reading(WindowHistory& instance, const RateLimitSnapshot& snapshot) {
  const bool first = instance.readings++ == 0;
  const bool higher = snapshot.used_percentage > instance.peak_percentage;
  const bool earlier_tie =
      snapshot.used_percentage == instance.peak_percentage && snapshot.captured_at_ms < instance.peak_at_ms;
  if (first || higher || earlier_tie) {
    instance.peak_percentage = snapshot.used_percentage;
    instance.peak_at_ms = snapshot.captured_at_ms;
  }
}

std::map<InstanceKey, WindowHistory> instances_of(std::span<const RateLimitSnapshot> snapshots) {
  std::map<InstanceKey, WindowHistory> instances;
  for (const RateLimitSnapshot& snapshot : snapshots) {
    const std::int64_t start_ms = window_start_ms(snapshot);
    WindowHistory& instance = instances[{start_ms, snapshot.window}];
    instance.window = snapshot.window;
    instance.start_ms = start_ms;
    instance.resets_at_ms = snapshot.resets_at_ms;
    add_reading(instance, snapshot);
  }
  return instances;
}

// The instance's usage until its reset (or now), and what its peak implies 100 % costs.
void add_usage(WindowHistory& instance, const PointSums& sums, std::int64_t now_ms) {
  const PointTotals totals = sums.between(instance.start_ms, std::min(instance.resets_at_ms, now_ms));
  instance.cost_usd = totals.cost_usd;
  instance.input_output_tokens = totals.input_output_tokens;
  instance.total_tokens = totals.total_tokens;
  if (instance.peak_percentage > 0) {
    const double cost_at_peak = sums.cost_between(instance.start_ms, instance.peak_at_ms + 1);
    instance.implied_limit_usd = cost_at_peak * 100 / instance.peak_percentage;
  }
}

}  // namespace

std::vector<WindowHistory> window_history(std::span<const RateLimitSnapshot> snapshots,
                                          std::span<const UsagePoint> points, std::int64_t now_ms) {
  const PointSums sums(points);
  std::vector<WindowHistory> history;
  for (auto& [key, instance] : instances_of(snapshots)) {
    add_usage(instance, sums, now_ms);
    history.push_back(std::move(instance));
  }
  return history;
}

}  // namespace cu
