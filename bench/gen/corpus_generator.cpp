#include "corpus_generator.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <memory>
#include <stdexcept>
#include <vector>

#include "session_writer.h"

namespace cu::gen {
namespace {

constexpr double kMiB = 1024.0 * 1024.0;

constexpr std::array<std::string_view, 14> kProjectNames = {
    "api",           "web-app",  "infra",     "billing-service", "mobile",
    "data-pipeline", "docs",     "cli-tool",  "ml-experiments",  "auth",
    "search",        "payments", "dashboard", "scheduler"};
constexpr std::array<std::string_view, 4> kProjectRoots = {"/home/dev/code", "/home/dev/work/acme",
                                                           "/home/dev/src", "/srv"};
constexpr std::array<std::string_view, 6> kBranches = {
    "main", "master", "develop", "feature/login", "fix/flaky-tests", ""};

constexpr std::array<std::string_view, 4> kV1Versions = {"1.0.88", "1.0.96", "1.0.110", "1.0.128"};
constexpr std::array<std::string_view, 4> kV20Versions = {"2.0.14", "2.0.31", "2.0.50", "2.0.65"};
constexpr std::array<std::string_view, 4> kV21Versions = {"2.1.19", "2.1.42", "2.1.112", "2.1.209"};

constexpr std::array<std::string_view, 8> kSlugWords = {"jiggly",  "popping", "hoare", "quiet",
                                                        "dancing", "turing",  "swift", "lamport"};

// UTC offsets (hours) of the person the corpus pretends to be; work happens in local daytime.
constexpr std::array<int, 6> kUtcOffsets = {-8, -5, 0, 1, 2, 9};

struct Corpus {
  std::vector<Project> projects;
  std::vector<double> project_weights;
  std::vector<Millis> starts;  // sorted session start times
};

void validate(const GenOptions& options) {
  if (!(options.size_mb > 0)) throw std::invalid_argument("--size-mb must be positive");
  if (options.months < 1) throw std::invalid_argument("--months must be at least 1");
  const auto projects = options.out_dir / "projects";
  if (std::filesystem::exists(projects) && !std::filesystem::is_empty(projects)) {
    throw std::invalid_argument(projects.string() + " already holds files; remove it first");
  }
}

std::vector<Project> make_projects(Rng& rng, std::size_t count) {
  std::vector<Project> projects;
  for (std::size_t i = 0; i < count; ++i) {
    Project project;
    project.cwd = std::string(kProjectRoots[rng.below(kProjectRoots.size())]) + "/" +
                  std::string(kProjectNames[i % kProjectNames.size()]);
    project.dir_name = project.cwd;
    std::replace(project.dir_name.begin(), project.dir_name.end(), '/', '-');
    project.git_branch = kBranches[rng.below(kBranches.size())];
    project.hooks = rng.chance(0.3);
    projects.push_back(std::move(project));
  }
  return projects;
}

// Relative activity of each day: weekdays busy, weekends quiet, some days off in a row.
std::vector<double> make_day_weights(Rng& rng, Millis start, std::int64_t days) {
  std::vector<double> weights;
  std::int64_t days_off = 0;
  for (std::int64_t d = 0; d < days; ++d) {
    const std::int64_t weekday = ((start / kDay + d) % 7 + 11) % 7;  // 0 = Sunday
    if (days_off == 0 && rng.chance(0.03)) days_off = rng.between(2, 7);
    double weight = (weekday == 0 || weekday == 6) ? 0.35 : 1.0;
    if (days_off > 0) {
      weight = 0;
      --days_off;
    }
    weights.push_back(weight * std::clamp(rng.lognormal(1.0, 0.5), 0.2, 4.0));
  }
  if (std::all_of(weights.begin(), weights.end(), [](double w) { return w == 0; }))
    weights.assign(weights.size(), 1.0);
  return weights;
}

// Minutes after local midnight: mostly working hours, some evenings, some past midnight.
std::int64_t draw_local_minute(Rng& rng) {
  const double roll = rng.unit();
  if (roll < 0.7) return rng.between(8 * 60, 19 * 60);
  if (roll < 0.9) return rng.between(19 * 60, 23 * 60 + 30);
  return rng.between(23 * 60, 26 * 60);
}

std::vector<Millis> make_schedule(Rng& rng, const GenOptions& options, std::size_t sessions) {
  const Millis end = add_months(options.start, options.months);
  const std::int64_t days = std::max<std::int64_t>(1, (end - options.start) / kDay);
  const std::vector<double> day_weights = make_day_weights(rng, options.start, days);
  const int offset_hours = kUtcOffsets[rng.below(kUtcOffsets.size())];
  std::vector<Millis> starts;
  while (starts.size() < sessions) {
    const auto day = static_cast<std::int64_t>(rng.weighted(day_weights));
    const Millis first = options.start + day * kDay + draw_local_minute(rng) * kMinute -
                         offset_hours * kHour + rng.between(0, kMinute - 1);
    const std::int64_t burst = rng.chance(0.35) ? rng.between(2, 4) : 1;
    for (std::int64_t i = 0; i < burst && starts.size() < sessions; ++i) {
      const Millis at = first + i * rng.between(0, 20 * kMinute);
      starts.push_back(std::clamp(at, options.start, end - kHour));
    }
  }
  std::sort(starts.begin(), starts.end());
  return starts;
}

ClientStyle draw_client(Rng& rng, double progress) {
  const std::array<double, 3> weights = {0.15 * (1 - progress), 0.6 - 0.35 * progress,
                                         0.25 + 0.5 * progress};
  return static_cast<ClientStyle>(rng.weighted(weights));
}

const ModelProfile& draw_model(Rng& rng) {
  const auto catalog = model_catalog();
  std::vector<double> weights;
  for (const ModelProfile& model : catalog) weights.push_back(model.session_weight);
  return catalog[rng.weighted(weights)];
}

std::string_view draw_version(Rng& rng, ClientStyle client, bool& envelope_last) {
  const auto index = rng.below(4);
  envelope_last = client == ClientStyle::kV21 && index >= 2;
  switch (client) {
    case ClientStyle::kV1: return kV1Versions[index];
    case ClientStyle::kV20: return kV20Versions[index];
    case ClientStyle::kV21: return kV21Versions[index];
  }
  return kV20Versions[index];
}

// A session's byte budget: the planned mean with a spread, never past the target.
std::uint64_t draw_budget(Rng& rng, double mean, double remaining) {
  return static_cast<std::uint64_t>(
      std::min(remaining, mean * std::clamp(rng.lognormal(0.5, 1.0), 0.05, 8.0)));
}

// Sessions start in the order of the schedule, at the slot matching how much of the corpus is
// written, so that the whole time range is covered whatever size the sessions turn out to be.
std::size_t next_slot(std::size_t previous, double progress, std::size_t slots) {
  const auto wanted = static_cast<std::size_t>(progress * static_cast<double>(slots));
  return std::min(slots - 1, std::max(previous + 1, wanted));
}

SessionPlan plan_session(Rng& rng, const GenOptions& options, const Corpus& corpus,
                         std::size_t slot, std::string& slug) {
  const Millis end = add_months(options.start, options.months);
  const double progress = static_cast<double>(corpus.starts[slot] - options.start) /
                          static_cast<double>(end - options.start);
  SessionPlan plan;
  plan.project = &corpus.projects[rng.weighted(corpus.project_weights)];
  plan.session_id = make_uuid(rng);
  plan.start = corpus.starts[slot];
  plan.model = &draw_model(rng);
  plan.client = plan.model->needs_recent_client ? ClientStyle::kV21 : draw_client(rng, progress);
  plan.version = draw_version(rng, plan.client, plan.envelope_last);
  slug.clear();
  if (plan.client == ClientStyle::kV21) {
    for (int i = 0; i < 3; ++i) {
      if (i > 0) slug.push_back('-');
      slug.append(kSlugWords[rng.below(kSlugWords.size())]);
    }
  }
  plan.slug = slug;
  return plan;
}

}  // namespace

GenSummary generate_corpus(const GenOptions& options) {
  validate(options);
  Rng rng(options.seed);
  const Pools pools{TextPool::prose(rng, std::size_t{1} << 20),
                    TextPool::tool_output(rng, std::size_t{4} << 20),
                    TextPool::base64(rng, std::size_t{64} << 10)};
  const double target = options.size_mb * kMiB;
  const double mean_session = std::clamp(target / 300, 64.0 * 1024, 6 * kMiB);
  const auto sessions = static_cast<std::size_t>(std::max(1.0, std::round(target / mean_session)));

  Corpus corpus;
  const auto project_count = std::min<std::size_t>(
      kProjectNames.size(), 4 + static_cast<std::size_t>(std::log2(1 + options.size_mb) * 0.7));
  corpus.projects = make_projects(rng, project_count);
  for (std::size_t i = 0; i < project_count; ++i)
    corpus.project_weights.push_back(1.0 / std::pow(i + 1.0, 0.8));
  corpus.starts = make_schedule(rng, options, 3 * sessions);

  std::filesystem::create_directories(options.out_dir / "projects");
  std::vector<std::unique_ptr<ResumeSource>> latest(corpus.projects.size());
  GenSummary summary;
  std::string slug;
  std::size_t slot = 0;
  for (bool first = true; static_cast<double>(summary.bytes) < target; first = false) {
    if (!first)
      slot = next_slot(slot, static_cast<double>(summary.bytes) / target, corpus.starts.size());
    SessionPlan plan = plan_session(rng, options, corpus, slot, slug);
    plan.budget = draw_budget(rng, mean_session, target - static_cast<double>(summary.bytes));
    const auto project = static_cast<std::size_t>(plan.project - corpus.projects.data());
    if (options.requestid_dups && latest[project] != nullptr && rng.chance(0.12)) {
      plan.resume = latest[project].get();
    }
    SessionWriter writer(options, pools, rng, plan);
    latest[project] = writer.write(summary);
  }
  return summary;
}

}  // namespace cu::gen
