#include "history_simulation.h"

#include <algorithm>
#include <cmath>

namespace cu::study {
namespace {

constexpr std::int64_t kHourMs = 3'600'000;
constexpr std::int64_t kBlockMs = 5 * kHourMs;
constexpr std::int64_t kHistoryMs = 192 * kHourMs;
// Between blocks the user rests 0 … 16 hours (median 3 h): one to four blocks a day.
constexpr double kGapMedianHours = 3;
// A block that runs into the limit ends within a request or two of it: 97 … 102 % of the limit
// (the request that crosses still completes). Any other block holds 5 … 90 % of it.
constexpr double kHitLow = 0.97;
constexpr double kHitHigh = 1.02;
constexpr double kMissLow = 0.05;
constexpr double kMissHigh = 0.90;
// A fifth of a block's input + output tokens are input (the rest output); P90 sums both.
constexpr double kInputShare = 0.2;

double uniform(gen::Rng& rng, double lo, double hi) { return lo + rng.unit() * (hi - lo); }

UsageBlock block_at(std::int64_t start_ms, std::int64_t size, gen::Rng& rng) {
  UsageBlock block;
  block.start_ms = start_ms;
  block.end_ms = start_ms + kBlockMs;
  block.first_event_ms = start_ms + static_cast<std::int64_t>(rng.unit() * kHourMs);
  block.actual_end_ms = block.first_event_ms + static_cast<std::int64_t>(rng.unit() * 3 * kHourMs);
  block.tokens.input = std::llround(static_cast<double>(size) * kInputShare);
  block.tokens.output = size - block.tokens.input;
  block.entries = 1;
  return block;
}

std::int64_t block_size(const HistoryProfile& profile, gen::Rng& rng) {
  const bool hit = rng.chance(profile.hit_share);
  const double share = hit ? uniform(rng, kHitLow, kHitHigh) : uniform(rng, kMissLow, kMissHigh);
  return std::llround(static_cast<double>(profile.true_limit) * share);
}

std::int64_t whole_hour(std::int64_t at_ms) { return at_ms / kHourMs * kHourMs; }

}  // namespace

std::vector<UsageBlock> simulate_history(const HistoryProfile& profile, gen::Rng& rng, std::int64_t now_ms) {
  std::vector<UsageBlock> blocks;
  std::int64_t start_ms = whole_hour(now_ms - kHistoryMs + static_cast<std::int64_t>(rng.unit() * kBlockMs));
  while (start_ms + kBlockMs < now_ms) {
    blocks.push_back(block_at(start_ms, block_size(profile, rng), rng));
    const double gap_hours = std::clamp(rng.lognormal(kGapMedianHours, 1.0), 0.0, 16.0);
    start_ms = whole_hour(start_ms + kBlockMs + static_cast<std::int64_t>(gap_hours * kHourMs));
  }
  return blocks;
}

}  // namespace cu::study
