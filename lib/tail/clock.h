#pragma once
// The monotonic clock a component reads, behind an interface so that tests step time by hand
// (STYLE point 1). SteadyClock is the real one; tests have their own fake.
#include <chrono>

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

}  // namespace cu
