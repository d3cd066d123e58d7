#include "limits/point_sums.h"

#include <algorithm>

namespace cu {

PointSums::PointSums(std::span<const UsagePoint> points) : points_(points) {
  running_.reserve(points.size() + 1);
  running_.push_back({});
  for (const UsagePoint& point : points) {
    PointTotals next = running_.back();
    next.cost_usd += point.cost_usd;
    next.input_output_tokens += point.input_output_tokens;
    next.total_tokens += point.total_tokens;
    running_.push_back(next);
  }
}

std::size_t PointSums::count_before(std::int64_t at_ms) const {
  const auto first_at = std::ranges::lower_bound(points_, at_ms, {}, &UsagePoint::timestamp_ms);
  return static_cast<std::size_t>(first_at - points_.begin());
}

PointTotals PointSums::between(std::int64_t from_ms, std::int64_t to_ms) const {
  if (to_ms <= from_ms) return {};
  const PointTotals& low = running_[count_before(from_ms)];
  const PointTotals& high = running_[count_before(to_ms)];
  return {high.cost_usd - low.cost_usd, high.input_output_tokens - low.input_output_tokens,
          high.total_tokens - low.total_tokens};
}

}  // namespace cu
