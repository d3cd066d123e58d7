#include "limits/p90_limit.h"

#include <algorithm>

namespace cu {
namespace {

constexpr std::int64_t kHourMs = 3'600'000;

// Active at now_ms by its flag, or by SPEC §6's rule (now − last event < length, now < end).
bool active_at(const UsageBlock& block, std::int64_t now_ms) {
  const std::int64_t length_ms = block.end_ms - block.start_ms;
  return block.is_active || (now_ms - block.actual_end_ms < length_ms && now_ms < block.end_ms);
}

// Input + output tokens of the blocks that count: non-gap, completed, recent enough, not empty.
std::vector<std::int64_t> eligible_sizes(std::span<const UsageBlock> blocks, std::int64_t now_ms,
                                         const LimitSettings& settings) {
  const std::int64_t earliest_start_ms = now_ms - settings.p90_window_hours * kHourMs;
  std::vector<std::int64_t> sizes;
  for (const UsageBlock& block : blocks) {
    const std::int64_t size = block.tokens.input + block.tokens.output;
    if (block.is_gap || active_at(block, now_ms) || block.start_ms < earliest_start_ms || size <= 0) continue;
    sizes.push_back(size);
  }
  return sizes;
}

// Claude-Code-Usage-Monitor's rule: at least hit_ratio × one of the common limits.
bool hit_a_limit(std::int64_t size, const LimitSettings& settings) {
  return std::ranges::any_of(settings.p90_common_limits, [&](std::int64_t limit) {
    return static_cast<double>(size) >= static_cast<double>(limit) * settings.p90_hit_ratio;
  });
}

// The sizes that hit a limit, or all of them when none did.
std::vector<double> hit_sizes(const std::vector<std::int64_t>& sizes, const LimitSettings& settings) {
  std::vector<double> hits;
  for (const std::int64_t size : sizes) {
    if (hit_a_limit(size, settings)) hits.push_back(static_cast<double>(size));
  }
  if (hits.empty()) hits.assign(sizes.begin(), sizes.end());
  return hits;
}

}  // namespace

double exclusive_quantile(std::vector<double> values, int n, int index) {
  std::ranges::sort(values);
  const auto count = static_cast<std::int64_t>(values.size());
  if (count == 1) return values.front();
  // Python's statistics.quantiles, method "exclusive": cut point i = index + 1 of n.
  const std::int64_t m = count + 1;
  const std::int64_t i = index + 1;
  const std::int64_t j = std::clamp<std::int64_t>(i * m / n, 1, count - 1);
  const std::int64_t delta = i * m - j * n;
  return (values[j - 1] * static_cast<double>(n - delta) + values[j] * static_cast<double>(delta)) / n;
}

std::optional<std::int64_t> p90_token_limit(std::span<const UsageBlock> blocks, std::int64_t now_ms,
                                            const LimitSettings& settings) {
  const std::vector<std::int64_t> sizes = eligible_sizes(blocks, now_ms, settings);
  if (sizes.empty()) return std::nullopt;
  const double p90 = exclusive_quantile(hit_sizes(sizes, settings), 10, 8);
  return std::max(static_cast<std::int64_t>(p90), settings.p90_floor);
}

}  // namespace cu
