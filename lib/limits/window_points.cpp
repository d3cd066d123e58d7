#include "limits/window_points.h"

#include <algorithm>

namespace cu {
namespace {

using Range = std::pair<std::int64_t, std::int64_t>;

constexpr std::int64_t kMinuteMs = 60'000;

// [first event, last event] of `block` as a half-open range, clipped to [start_ms, end_ms).
Range span_of(const UsageBlock& block, std::int64_t start_ms, std::int64_t end_ms) {
  return {std::max(start_ms, block.first_event_ms), std::min(end_ms, block.actual_end_ms + 1)};
}

bool holds_events_in(const UsageBlock& block, std::int64_t start_ms, std::int64_t end_ms) {
  return !block.is_gap && block.actual_end_ms >= start_ms && block.first_event_ms < end_ms;
}

// Sorted, overlapping and touching ranges joined, empty ones dropped.
std::vector<Range> joined(std::vector<Range> ranges) {
  std::erase_if(ranges, [](const Range& range) { return range.second <= range.first; });
  std::sort(ranges.begin(), ranges.end());
  std::vector<Range> out;
  for (const Range& range : ranges) {
    if (!out.empty() && range.first <= out.back().second) {
      out.back().second = std::max(out.back().second, range.second);
    } else {
      out.push_back(range);
    }
  }
  return out;
}

bool covered(const Range& span, std::span<const Range> ranges) {
  return std::any_of(ranges.begin(), ranges.end(),
                     [&](const Range& range) { return range.first <= span.first && span.second <= range.second; });
}

UsagePoint total_of(const UsageBlock& block) {
  return {block.actual_end_ms, block.cost_usd, block.tokens.input + block.tokens.output, block.tokens.total()};
}

// Whether `at_ms` falls inside a block counted as one point: after its first event, before its last.
bool inside_a_total(std::int64_t at_ms, std::span<const UsageBlock> totals) {
  return std::any_of(totals.begin(), totals.end(), [&](const UsageBlock& block) {
    return block.first_event_ms <= at_ms && at_ms < block.actual_end_ms;
  });
}

}  // namespace

std::vector<std::pair<std::int64_t, std::int64_t>> window_detail_ranges(std::span<const UsageBlock> blocks,
                                                                       const RateLimitSnapshot& latest,
                                                                       std::int64_t end_ms, std::int64_t now_ms,
                                                                       const LimitSettings& settings) {
  const std::int64_t start_ms = window_start_ms(latest);
  if (end_ms <= start_ms) return {};
  const std::int64_t burn_from_ms = std::max(start_ms, now_ms - settings.burn_minutes * kMinuteMs);
  std::vector<Range> ranges;
  const UsageBlock* last = nullptr;
  for (const UsageBlock& block : blocks) {
    if (!holds_events_in(block, start_ms, end_ms)) continue;
    last = &block;
    const bool straddles_start = block.first_event_ms < start_ms;
    const bool in_burn = block.actual_end_ms >= burn_from_ms;
    const bool holds_latest = block.first_event_ms <= latest.captured_at_ms && latest.captured_at_ms < block.actual_end_ms;
    if (straddles_start || in_burn || holds_latest) ranges.push_back(span_of(block, start_ms, end_ms));
  }
  if (last == nullptr) return {{start_ms, end_ms}};
  ranges.emplace_back(std::max(start_ms, last->first_event_ms), end_ms);
  return joined(std::move(ranges));
}

WindowPoints window_points(std::span<const RateLimitSnapshot> readings, std::span<const UsageBlock> blocks,
                           std::span<const std::pair<std::int64_t, std::int64_t>> detail_ranges,
                           std::span<const UsagePoint> detail, std::int64_t end_ms) {
  WindowPoints out;
  if (readings.empty()) return out;
  const std::int64_t start_ms = window_start_ms(readings.back());
  std::vector<UsageBlock> totals;
  for (const UsageBlock& block : blocks) {
    if (!holds_events_in(block, start_ms, end_ms) || covered(span_of(block, start_ms, end_ms), detail_ranges)) continue;
    totals.push_back(block);
    out.points.push_back(total_of(block));
  }
  out.points.insert(out.points.end(), detail.begin(), detail.end());
  std::stable_sort(out.points.begin(), out.points.end(),
                   [](const UsagePoint& a, const UsagePoint& b) { return a.timestamp_ms < b.timestamp_ms; });
  for (std::size_t i = 0; i < readings.size(); ++i) {
    const bool latest = i + 1 == readings.size();
    if (latest || !inside_a_total(readings[i].captured_at_ms, totals)) out.readings.push_back(readings[i]);
  }
  return out;
}

}  // namespace cu
