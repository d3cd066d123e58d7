#pragma once
// Sums of usage points over time ranges in O(log points) each, from cumulative sums built once:
// what the window estimates and the window history ask of thousands of readings.
#include <cstdint>
#include <span>
#include <vector>

#include "core/rate_limit.h"

namespace cu {

struct PointTotals {
  double cost_usd = 0;
  std::int64_t input_output_tokens = 0;
  std::int64_t total_tokens = 0;
};

class PointSums {
 public:
  // `points` ascending by timestamp; they must outlive this object.
  explicit PointSums(std::span<const UsagePoint> points);

  // The points with from_ms <= timestamp < to_ms; zero when to_ms <= from_ms.
  PointTotals between(std::int64_t from_ms, std::int64_t to_ms) const;
  double cost_between(std::int64_t from_ms, std::int64_t to_ms) const { return between(from_ms, to_ms).cost_usd; }

 private:
  // The number of points with timestamp < at_ms.
  std::size_t count_before(std::int64_t at_ms) const;

  std::span<const UsagePoint> points_;
  std::vector<PointTotals> running_;  // running_[i]: the sums of the first i points
};

}  // namespace cu
