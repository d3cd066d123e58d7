#pragma once
// Simulated 8-day histories of 5-hour blocks under a known plan limit in input + output tokens:
// what lib/limits' p90_token_limit is judged against.
#include <cstdint>
#include <vector>

#include "rng.h"
#include "rollup/rows.h"

namespace cu::study {

struct HistoryProfile {
  std::int64_t true_limit = 0;  // input + output tokens that fill a block
  double hit_share = 0;         // chance that a block runs into the limit
};

// Completed, non-gap blocks starting on whole hours within the 192 hours before `now_ms` (a whole
// hour), ascending, each ended before now.
std::vector<UsageBlock> simulate_history(const HistoryProfile& profile, gen::Rng& rng, std::int64_t now_ms);

}  // namespace cu::study
