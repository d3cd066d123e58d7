// cu-limits-study: how well lib/limits' estimates find a limit they cannot see. Simulates window
// instances of Claude Code's 5-hour limit (window_simulation.cpp states the model) and 8-day block
// histories under a known plan limit (history_simulation.cpp), runs estimate_window and
// p90_token_limit on them and prints the errors as Markdown tables. Deterministic for a seed.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <array>
#include <cstdint>
#include <vector>

#include "history_simulation.h"
#include "limits/p90_limit.h"
#include "study_quantile.h"
#include "window_evaluation.h"

namespace {

using cu::study::kCheckpoints;

// 2026-01-05T00:00:00Z: the first instance's start; the next ones follow back to back.
constexpr std::int64_t kFirstStartMs = 1'767'571'200'000;
constexpr std::int64_t kWindowMs = 5 * 3'600'000;

struct StudyOptions {
  std::uint64_t seed = 1;
  int instances = 2000;
  int histories = 1000;
};

const std::vector<cu::study::Scenario>& scenarios() {
  using cu::study::Rounding;
  static const std::vector<cu::study::Scenario> kScenarios{
      {"steady pace, price-proportional, exact %", 1.0, Rounding::kExact, true},
      {"bursts, price-proportional, exact %", 1.0, Rounding::kExact, false},
      {"bursts, price-proportional, integer %", 1.0, Rounding::kInteger, false},
      {"bursts, price-proportional, one-decimal %", 1.0, Rounding::kOneDecimal, false},
      {"bursts, Opus $ weighs 1.3, integer %", 1.3, Rounding::kInteger, false},
      {"bursts, Opus $ weighs 0.7, integer %", 0.7, Rounding::kInteger, false}};
  return kScenarios;
}

// The outcomes at one checkpoint over all instances of a scenario.
struct CheckpointSummary {
  int reached = 0;
  int without_fit = 0;
  int hits_right = 0;
  int spec_burn_hits_right = 0;
  std::vector<double> limit_errors;
  std::vector<double> full_at_errors;
  std::vector<double> spec_burn_full_at_errors;

  void add(const cu::study::CheckpointOutcome& outcome) {
    if (!outcome.reached) return;
    ++reached;
    hits_right += outcome.hits_before_reset_right ? 1 : 0;
    if (outcome.limit_error) {
      limit_errors.push_back(*outcome.limit_error);
    } else {
      ++without_fit;
    }
    if (outcome.full_at_error_minutes) full_at_errors.push_back(*outcome.full_at_error_minutes);
    spec_burn_hits_right += outcome.spec_burn_hits_right ? 1 : 0;
    if (outcome.spec_burn_full_at_error_minutes) {
      spec_burn_full_at_errors.push_back(*outcome.spec_burn_full_at_error_minutes);
    }
  }
};

using ScenarioSummary = std::array<CheckpointSummary, kCheckpoints.size()>;

// The same seed for every scenario: the bursts scenarios see the same users, only the meter
// and its reporting change.
ScenarioSummary run_scenario(const cu::study::Scenario& scenario, const StudyOptions& options) {
  cu::gen::Rng rng(options.seed);
  ScenarioSummary summary;
  for (int i = 0; i < options.instances; ++i) {
    const auto window = cu::study::simulate_window(scenario, rng, kFirstStartMs + i * kWindowMs);
    const auto outcomes = cu::study::evaluate_window(window, cu::LimitSettings{});
    for (std::size_t c = 0; c < kCheckpoints.size(); ++c) summary[c].add(outcomes[c]);
  }
  return summary;
}

void print_window_row(const cu::study::Scenario& scenario, std::size_t c, const CheckpointSummary& s) {
  using cu::study::nearest_rank;
  fmt::print("| {} | {:.0f} % | {} | {:.1f} % | {:.1f} % | {:.0f} min | {:.0f} min | {} | {:.0f} % |\n", scenario.name,
             kCheckpoints[c], s.reached, 100 * nearest_rank(s.limit_errors, 0.5),
             100 * nearest_rank(s.limit_errors, 0.9), nearest_rank(s.full_at_errors, 0.5),
             nearest_rank(s.full_at_errors, 0.9), s.full_at_errors.size(),
             100.0 * s.hits_right / std::max(s.reached, 1));
  if (s.without_fit > 0) fmt::print("|  | ({} instances without a fit) | | | | | | | |\n", s.without_fit);
}

void print_window_table(const std::vector<ScenarioSummary>& summaries) {
  fmt::print(
      "| scenario | at | instances | limit error median | p90 | full-at error median | p90 | projected "
      "| hitsBeforeReset right |\n|---|---|---|---|---|---|---|---|---|\n");
  for (std::size_t s = 0; s < summaries.size(); ++s) {
    for (std::size_t c = 0; c < kCheckpoints.size(); ++c) print_window_row(scenarios()[s], c, summaries[s][c]);
  }
}

// The daemon's burn (over the minutes elapsed in the window's first hour) against SPEC §11's as
// written (always over burn_minutes).
void print_burn_table(const std::vector<ScenarioSummary>& summaries) {
  using cu::study::nearest_rank;
  fmt::print(
      "| scenario | at | full-at error median / p90, burn over min(60, elapsed) (the daemon) | the same, burn "
      "over 60 min | hitsBeforeReset right, min(60, elapsed) | 60 min |\n|---|---|---|---|---|---|\n");
  for (const std::size_t s : {std::size_t{0}, std::size_t{2}}) {
    for (std::size_t c = 0; c < kCheckpoints.size(); ++c) {
      const CheckpointSummary& summary = summaries[s][c];
      fmt::print("| {} | {:.0f} % | {:.0f} / {:.0f} min | {:.0f} / {:.0f} min | {:.0f} % | {:.0f} % |\n",
                 scenarios()[s].name, kCheckpoints[c], nearest_rank(summary.full_at_errors, 0.5),
                 nearest_rank(summary.full_at_errors, 0.9), nearest_rank(summary.spec_burn_full_at_errors, 0.5),
                 nearest_rank(summary.spec_burn_full_at_errors, 0.9),
                 100.0 * summary.hits_right / std::max(summary.reached, 1),
                 100.0 * summary.spec_burn_hits_right / std::max(summary.reached, 1));
    }
  }
}

void print_p90_row(const cu::study::HistoryProfile& profile, const StudyOptions& options) {
  using cu::study::nearest_rank;
  cu::gen::Rng rng(options.seed);
  const std::int64_t now_ms = kFirstStartMs;
  std::vector<double> ratios;
  std::vector<double> errors;
  std::vector<double> block_counts;
  for (int i = 0; i < options.histories; ++i) {
    const auto blocks = cu::study::simulate_history(profile, rng, now_ms);
    const auto p90 = cu::p90_token_limit(blocks, now_ms, cu::LimitSettings{});
    if (!p90) continue;
    const double ratio = static_cast<double>(*p90) / static_cast<double>(profile.true_limit);
    ratios.push_back(ratio);
    errors.push_back(std::abs(ratio - 1));
    block_counts.push_back(static_cast<double>(blocks.size()));
  }
  fmt::print("| {} | {:.0f} % | {} | {:.0f} | {:.2f} | {:.2f} – {:.2f} | {:.1f} % | {:.1f} % |\n", profile.true_limit,
             100 * profile.hit_share, ratios.size(), nearest_rank(block_counts, 0.5), nearest_rank(ratios, 0.5),
             nearest_rank(ratios, 0.1), nearest_rank(ratios, 0.9), 100 * nearest_rank(errors, 0.5),
             100 * nearest_rank(errors, 0.9));
}

void print_p90_table(const StudyOptions& options) {
  fmt::print(
      "| true limit (tokens) | blocks at the limit | histories | blocks median | P90 / true median "
      "| P90 / true p10 – p90 | error median | error p90 |\n|---|---|---|---|---|---|---|---|\n");
  for (const std::int64_t limit : {88'000, 220'000}) {
    for (const double share : {0.0, 0.1, 0.3, 0.6}) print_p90_row({limit, share}, options);
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"How well lib/limits' estimates recover simulated limits (Markdown tables)"};
  StudyOptions options;
  app.add_option("--seed", options.seed, "Random seed; equal options give identical tables");
  app.add_option("--instances", options.instances, "Simulated 5-hour window instances per scenario")
      ->check(CLI::Range(1, 10'000'000));
  app.add_option("--histories", options.histories, "Simulated 8-day histories per P90 row")
      ->check(CLI::Range(1, 10'000'000));
  CLI11_PARSE(app, argc, argv);
  fmt::print("cu-limits-study --seed {} --instances {} --histories {}\n\n", options.seed, options.instances,
             options.histories);
  std::vector<ScenarioSummary> summaries;
  for (const cu::study::Scenario& scenario : scenarios()) summaries.push_back(run_scenario(scenario, options));
  print_window_table(summaries);
  fmt::print("\n");
  print_burn_table(summaries);
  fmt::print("\n");
  print_p90_table(options);
  return 0;
}
