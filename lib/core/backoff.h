#pragma once
// Capped exponential backoff with jitter, for reconnecting to PostgreSQL.
#include <chrono>
#include <cstdint>
#include <random>

namespace cu {

// After the n-th consecutive failure, wait a random time in [d/2, d] where
// d = min(max, initial · 2^(n−1)): retries of many daemons spread out instead of arriving together,
// and a server that stays down costs one attempt per `max`.
class Backoff {
 public:
  Backoff(std::chrono::milliseconds initial, std::chrono::milliseconds max, std::uint64_t seed);

  // Records a failure and returns how long to wait before the next attempt.
  std::chrono::milliseconds next_delay();
  // After a success: the next failure waits about `initial` again.
  void reset() { failures_ = 0; }
  int failures() const { return failures_; }

 private:
  std::chrono::milliseconds initial_;
  std::chrono::milliseconds max_;
  int failures_ = 0;
  std::mt19937_64 random_;
};

}  // namespace cu
