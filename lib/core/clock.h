#pragma once
// The wall clock (Unix epoch milliseconds) behind an interface, so that tests can jump it the way
// a suspend or a clock change does while the steady clock stands still.
#include <cstdint>

#include "core/time.h"

namespace cu {

class WallClock {
 public:
  virtual ~WallClock() = default;
  // Current wall-clock time in Unix epoch milliseconds. Any thread.
  virtual std::int64_t now_ms() const = 0;
};

// CLOCK_REALTIME (std::chrono::system_clock).
class SystemWallClock final : public WallClock {
 public:
  std::int64_t now_ms() const override { return cu::now_ms(); }
};

}  // namespace cu
