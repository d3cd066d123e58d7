#pragma once
// The generator's only source of randomness. Every draw goes through std::mt19937_64 (whose output
// the standard fixes) and the integer and floating-point arithmetic below, never through the
// implementation-defined std:: distributions, so one seed gives the same corpus everywhere.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <random>
#include <span>

namespace cu::gen {

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : engine_(seed) {}

  std::uint64_t next() { return engine_(); }

  // Uniform in [0, n); 0 when n is 0. The modulo bias is below 2^-40 for the sizes used here.
  std::uint64_t below(std::uint64_t n) { return n == 0 ? 0 : engine_() % n; }

  // Uniform in [lo, hi], both included; requires lo <= hi.
  std::int64_t between(std::int64_t lo, std::int64_t hi) {
    return lo + static_cast<std::int64_t>(below(static_cast<std::uint64_t>(hi - lo) + 1));
  }

  // Uniform in [0, 1).
  double unit() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }

  bool chance(double p) { return unit() < p; }

  // Standard normal (Box-Muller, one value per call).
  double normal() {
    const double u1 = 1.0 - unit();
    const double u2 = unit();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }

  // Log-normal with the given median; sigma is the spread of the underlying normal.
  double lognormal(double median, double sigma) { return median * std::exp(sigma * normal()); }

  // Log-uniform in [lo, hi): as many values between 1 and 10 KB as between 10 and 100 KB.
  double log_uniform(double lo, double hi) { return lo * std::exp(unit() * std::log(hi / lo)); }

  // Index drawn with probability proportional to weights[i]; requires a positive total.
  std::size_t weighted(std::span<const double> weights) {
    double total = 0;
    for (double w : weights) total += w;
    double x = unit() * total;
    for (std::size_t i = 0; i < weights.size(); ++i) {
      if (x < weights[i]) return i;
      x -= weights[i];
    }
    return weights.size() - 1;
  }

  template <typename T>
  const T& pick(std::span<const T> items) {
    return items[below(items.size())];
  }

 private:
  std::mt19937_64 engine_;
};

}  // namespace cu::gen
