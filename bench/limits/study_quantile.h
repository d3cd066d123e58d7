#pragma once
// The summary statistics of the study's tables.
#include <algorithm>
#include <cmath>
#include <vector>

namespace cu::study {

// The nearest-rank q-quantile (0 < q <= 1) of `values`: the smallest value with at least q of them
// at or below it; NaN when there are none.
inline double nearest_rank(std::vector<double> values, double q) {
  if (values.empty()) return std::nan("");
  std::ranges::sort(values);
  const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(values.size())));
  return values[std::clamp<std::size_t>(rank, 1, values.size()) - 1];
}

}  // namespace cu::study
