#pragma once
// A Clock the test moves: by hand (advance), and by `step` after each reading, so that code that
// reads the time in a loop sees it pass at a known rate. Single-threaded.
#include <chrono>

#include "core/clock.h"

namespace cu::test {

class FakeClock final : public Clock {
 public:
  explicit FakeClock(std::chrono::nanoseconds step = std::chrono::nanoseconds(0)) : step_(step) {}

  time_point now() const override {
    const time_point reading = now_;
    now_ += step_;
    return reading;
  }
  void advance(std::chrono::nanoseconds by) { now_ += by; }

 private:
  mutable time_point now_{};
  std::chrono::nanoseconds step_;
};

}  // namespace cu::test
