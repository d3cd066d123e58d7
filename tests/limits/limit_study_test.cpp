// The estimates of lib/limits on the simplest simulated windows (bench/limits): a meter
// proportional to the price, read exactly, must give back the hidden limit and, at a steady pace,
// the time it fills.
#include <gtest/gtest.h>

#include "history_simulation.h"
#include "limits/p90_limit.h"
#include "window_evaluation.h"

namespace cu {
namespace {

using study::kCheckpoints;

constexpr std::int64_t kFirstStartMs = 1'767'571'200'000;  // 2026-01-05T00:00:00Z
constexpr std::int64_t kWindowMs = 5 * 3'600'000;
constexpr int kInstances = 20;

// Outcomes of kInstances instances of `scenario`, back to back from kFirstStartMs.
std::vector<std::array<study::CheckpointOutcome, kCheckpoints.size()>> outcomes_of(const study::Scenario& scenario) {
  gen::Rng rng(13);
  std::vector<std::array<study::CheckpointOutcome, kCheckpoints.size()>> outcomes;
  for (int i = 0; i < kInstances; ++i) {
    const study::SimulatedWindow window = study::simulate_window(scenario, rng, kFirstStartMs + i * kWindowMs);
    outcomes.push_back(study::evaluate_window(window, LimitSettings{}));
  }
  return outcomes;
}

TEST(LimitStudy, AtASteadyPaceTheFitAndTheProjectionAreExact) {
  // One request every 20 s from the first 10 minutes, 100 % after 150 … 280 minutes: at 50 %
  // and 75 % the last 60 minutes hold the pace, so the projection lands on the request that
  // fills the meter (at most one request, 20 s, from the continuous 100 %).
  const study::Scenario steady{"steady", 1.0, study::Rounding::kExact, true};
  for (const auto& instance : outcomes_of(steady)) {
    for (std::size_t c = 0; c < kCheckpoints.size(); ++c) {
      SCOPED_TRACE(kCheckpoints[c]);
      ASSERT_TRUE(instance[c].reached);
      ASSERT_TRUE(instance[c].limit_error);
      EXPECT_LE(*instance[c].limit_error, 1e-9);
      if (kCheckpoints[c] < 50) continue;
      ASSERT_TRUE(instance[c].full_at_error_minutes);
      EXPECT_LE(*instance[c].full_at_error_minutes, 1.0);
      EXPECT_TRUE(instance[c].hits_before_reset_right);
    }
  }
}

TEST(LimitStudy, InBurstsTheFitStillRecoversTheLimit) {
  // Sessions and gaps, Opus and Sonnet at one weight, exact percentages: the meter is k × cost at
  // every reading, whatever the pace, so the fit is exact from the first checkpoint on.
  const study::Scenario bursts{"bursts", 1.0, study::Rounding::kExact, false};
  int judged = 0;
  for (const auto& instance : outcomes_of(bursts)) {
    for (const study::CheckpointOutcome& outcome : instance) {
      if (!outcome.reached) continue;
      ASSERT_TRUE(outcome.limit_error);
      EXPECT_LE(*outcome.limit_error, 1e-9);
      ++judged;
    }
  }
  EXPECT_GE(judged, kInstances * 2);  // most instances pass several checkpoints
}

TEST(LimitStudy, P90FindsALimitThatEveryBlockReaches) {
  // Every block ends at 97 … 102 % of 88,000 tokens: so does their P90.
  gen::Rng rng(5);
  for (int i = 0; i < kInstances; ++i) {
    const auto blocks = study::simulate_history({88'000, 1.0}, rng, kFirstStartMs);
    const std::optional<std::int64_t> p90 = p90_token_limit(blocks, kFirstStartMs, LimitSettings{});
    ASSERT_TRUE(p90);
    EXPECT_GE(*p90, 85'360);
    EXPECT_LE(*p90, 89'760);
  }
}

}  // namespace
}  // namespace cu
