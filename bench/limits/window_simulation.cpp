#include "window_simulation.h"

#include <algorithm>
#include <cmath>

namespace cu::study {
namespace {

constexpr std::int64_t kSecondMs = 1'000;
constexpr std::int64_t kMinuteMs = 60 * kSecondMs;
constexpr std::int64_t kWindowMs = 300 * kMinuteMs;

// The hidden limit of an instance: uniform in $8 … $40 weighted (about what Pro and Max users
// report a 5-hour window holds at API prices).
constexpr double kMinLimit = 8;
constexpr double kMaxLimit = 40;
// The window starts on the hour of its first message: that message falls in its first hour.
constexpr double kFirstMessageMaxMinutes = 60;
// Bursts: sessions of 3 … 60 minutes (median 20), gaps of 2 … 120 minutes (median 20).
constexpr double kSessionMedianMinutes = 20;
constexpr double kGapMedianMinutes = 20;
// Within a session a request every 3 … 120 s (median 20 s: Claude Code's agent loop).
constexpr double kRequestGapMedianSeconds = 20;
// A request's cost (log-normal, mostly cache reads): median $0.06 on Opus, $0.025 on Sonnet,
// times a pace of the instance (log-normal, median 1) so that about half the instances fill.
constexpr double kOpusMedianUsd = 0.06;
constexpr double kSonnetMedianUsd = 0.025;
// The statusline refreshes 0.3 … 3 s after each request, only then (never while idle), and reads
// the meter as it stands after every request sent so far; the daemon keeps the minute's last.
constexpr double kRefreshMinSeconds = 0.3;
constexpr double kRefreshMaxSeconds = 3;
// Steady: one request every 20 s of one cost (Sonnet), reaching 100 % 150 … 280 minutes after a
// first message in the window's first 10 minutes.
constexpr std::int64_t kSteadyGapMs = 20 * kSecondMs;
// The meter's sum of many small costs may fall short of the limit by a rounding error only.
constexpr double kFullTolerance = 1e-12;

struct Event {
  std::int64_t at_ms = 0;
  double cost_usd = 0;
  double weight = 1;  // of a dollar of this event on the meter
};

// Events of the instance until its reset or until the one that fills the meter (then Claude Code
// refuses more until the reset).
class EventLog {
 public:
  EventLog(std::int64_t resets_at_ms, double limit) : resets_at_ms_(resets_at_ms), limit_(limit) {}

  // Adds the event when the window is still open; returns false once no more events can come.
  bool add(const Event& event) {
    if (full() || event.at_ms >= resets_at_ms_) return false;
    events_.push_back(event);
    weighted_ += event.cost_usd * event.weight;
    return !full();
  }
  bool full() const { return weighted_ >= limit_ * (1 - kFullTolerance); }
  const std::vector<Event>& events() const { return events_; }

 private:
  std::int64_t resets_at_ms_;
  double limit_;
  double weighted_ = 0;
  std::vector<Event> events_;
};

std::int64_t minutes_ms(double minutes) { return std::llround(minutes * kMinuteMs); }

double clamped_lognormal(gen::Rng& rng, double median, double sigma, double lo, double hi) {
  return std::clamp(rng.lognormal(median, sigma), lo, hi);
}

// One burst from `at_ms`: requests of a session whose Opus share is drawn for it. Returns the
// time after the session's last request, or nullopt once the log takes no more.
std::optional<std::int64_t> add_session(EventLog& log, const Scenario& scenario, gen::Rng& rng, double pace,
                                        std::int64_t at_ms) {
  const std::int64_t end_ms = at_ms + minutes_ms(clamped_lognormal(rng, kSessionMedianMinutes, 0.8, 3, 60));
  const double opus_share = rng.unit();
  for (; at_ms < end_ms; at_ms += std::llround(1000 * clamped_lognormal(rng, kRequestGapMedianSeconds, 0.6, 3, 120))) {
    const bool opus = rng.chance(opus_share);
    const double cost = pace * rng.lognormal(opus ? kOpusMedianUsd : kSonnetMedianUsd, 0.9);
    if (!log.add({at_ms, cost, opus ? scenario.opus_weight : 1.0})) return std::nullopt;
  }
  return at_ms;
}

void add_bursts(EventLog& log, const Scenario& scenario, gen::Rng& rng, std::int64_t start_ms) {
  const double pace = rng.lognormal(1, 0.5);
  std::optional<std::int64_t> at_ms = start_ms + minutes_ms(rng.unit() * kFirstMessageMaxMinutes);
  while (at_ms && *at_ms < start_ms + kWindowMs) {
    at_ms = add_session(log, scenario, rng, pace, *at_ms);
    if (at_ms) *at_ms += minutes_ms(clamped_lognormal(rng, kGapMedianMinutes, 0.9, 2, 120));
  }
}

void add_steady(EventLog& log, double limit, gen::Rng& rng, std::int64_t start_ms) {
  const std::int64_t first_ms = start_ms + minutes_ms(rng.unit() * 10);
  const std::int64_t requests = (minutes_ms(150 + rng.unit() * 130)) / kSteadyGapMs;
  const double cost = limit / static_cast<double>(requests);
  for (std::int64_t at_ms = first_ms; log.add({at_ms, cost, 1.0}); at_ms += kSteadyGapMs) {
  }
}

double reported(double percentage, Rounding rounding) {
  const double capped = std::min(percentage, 100.0);
  if (rounding == Rounding::kInteger) return std::round(capped);
  if (rounding == Rounding::kOneDecimal) return std::round(capped * 10) / 10;
  return capped;
}

// The statusline refresh after each event, reading the meter over every event up to it; a later
// refresh in the same minute replaces the kept one.
void add_readings(SimulatedWindow& window, const std::vector<Event>& events, const Scenario& scenario, gen::Rng& rng) {
  double weighted = 0;
  std::size_t counted = 0;
  for (const Event& event : events) {
    const auto delay_ms =
        std::llround(1000 * (kRefreshMinSeconds + rng.unit() * (kRefreshMaxSeconds - kRefreshMinSeconds)));
    const std::int64_t at_ms = event.at_ms + delay_ms;
    if (at_ms >= window.resets_at_ms) break;
    for (; counted < events.size() && events[counted].at_ms <= at_ms; ++counted) {
      weighted += events[counted].cost_usd * events[counted].weight;
    }
    const double percentage = 100 * weighted / window.true_limit_weighted;
    const RateLimitSnapshot reading{RateLimitWindow::kFiveHour, at_ms, reported(percentage, scenario.rounding),
                                    window.resets_at_ms};
    const bool same_minute = !window.readings.empty() &&
                             rate_limit_minute(window.readings.back().captured_at_ms) == rate_limit_minute(at_ms);
    if (same_minute) {
      window.readings.back() = reading;
      window.true_percentages.back() = percentage;
    } else {
      window.readings.push_back(reading);
      window.true_percentages.push_back(percentage);
    }
  }
}

// Points, the limit in dollars of the instance's mix, and when the meter reached 100 %.
void add_truth(SimulatedWindow& window, const std::vector<Event>& events, bool full) {
  double cost = 0;
  double weighted = 0;
  for (const Event& event : events) {
    window.points.push_back({event.at_ms, event.cost_usd, 0, 0});
    cost += event.cost_usd;
    weighted += event.cost_usd * event.weight;
  }
  window.true_limit_usd = weighted > 0 ? window.true_limit_weighted * cost / weighted : window.true_limit_weighted;
  if (full) window.full_at_ms = events.back().at_ms;
}

}  // namespace

SimulatedWindow simulate_window(const Scenario& scenario, gen::Rng& rng, std::int64_t start_ms) {
  SimulatedWindow window;
  window.start_ms = start_ms;
  window.resets_at_ms = start_ms + kWindowMs;
  window.true_limit_weighted = kMinLimit + rng.unit() * (kMaxLimit - kMinLimit);
  EventLog log(window.resets_at_ms, window.true_limit_weighted);
  if (scenario.steady) {
    add_steady(log, window.true_limit_weighted, rng, start_ms);
  } else {
    add_bursts(log, scenario, rng, start_ms);
  }
  add_truth(window, log.events(), log.full());
  add_readings(window, log.events(), scenario, rng);
  return window;
}

}  // namespace cu::study
