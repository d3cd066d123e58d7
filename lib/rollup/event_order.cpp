#include "rollup/event_order.h"

#include <algorithm>
#include <tuple>

namespace cu {
namespace {

auto log_position(const UsageEvent& e) { return std::tie(e.file, e.line_offset, e.entry_index, e.id); }

template <typename Less>
std::vector<const UsageEvent*> sorted(std::span<const UsageEvent> events, Less less) {
  std::vector<const UsageEvent*> ordered;
  ordered.reserve(events.size());
  for (const UsageEvent& event : events) ordered.push_back(&event);
  std::sort(ordered.begin(), ordered.end(), [&](const UsageEvent* a, const UsageEvent* b) { return less(*a, *b); });
  return ordered;
}

}  // namespace

std::vector<const UsageEvent*> time_ordered(std::span<const UsageEvent> events) {
  return sorted(events, [](const UsageEvent& a, const UsageEvent& b) {
    if (a.entry.timestamp_ms != b.entry.timestamp_ms) return a.entry.timestamp_ms < b.entry.timestamp_ms;
    return log_position(a) < log_position(b);
  });
}

std::vector<const UsageEvent*> log_ordered(std::span<const UsageEvent> events) {
  return sorted(events, [](const UsageEvent& a, const UsageEvent& b) { return log_position(a) < log_position(b); });
}

}  // namespace cu
