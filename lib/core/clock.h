#pragma once
// The clocks a component reads, behind interfaces so that tests step time by hand (STYLE point 1):
// the monotonic one for durations and deadlines, the wall clock for dates. A suspend or a clock
// change moves the wall clock while the steady clock stands still; fakes can do both.
#include <chrono>
#include <cstdint>

#include "core/time.h"

namespace cu {

class Clock {
 public:
  using time_point = std::chrono::steady_clock::time_point;
  virtual ~Clock() = default;
  // Monotonic: never earlier than a previous answer. Callable from any thread.
  virtual time_point now() const = 0;
};

class SteadyClock final : public Clock {
 public:
  time_point now() const override { return std::chrono::steady_clock::now(); }
  // One shared instance: it has no state.
  static const SteadyClock& instance() {
    static const SteadyClock clock;
    return clock;
  }
};

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
