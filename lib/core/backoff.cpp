#include "core/backoff.h"

#include <algorithm>

namespace cu {

Backoff::Backoff(std::chrono::milliseconds initial, std::chrono::milliseconds max, std::uint64_t seed)
    : initial_(std::max(initial, std::chrono::milliseconds(1))), max_(std::max(max, initial_)), random_(seed) {}

std::chrono::milliseconds Backoff::next_delay() {
  ++failures_;
  std::int64_t ceiling = initial_.count();
  for (int i = 1; i < failures_ && ceiling < max_.count(); ++i) ceiling *= 2;
  ceiling = std::min(ceiling, max_.count());
  std::uniform_int_distribution<std::int64_t> jitter(ceiling / 2, ceiling);
  return std::chrono::milliseconds(jitter(random_));
}

}  // namespace cu
