#include "store/sample_events.h"

#include <algorithm>
#include <cmath>

#include "core/time.h"
#include "parse/line_parser.h"

namespace cu {

std::ostream& operator<<(std::ostream& out, const RateLimitSnapshot& snapshot) {
  return out << to_string(snapshot.window) << " captured " << format_timestamp_ms(snapshot.captured_at_ms) << " "
             << snapshot.used_percentage << "% resets " << format_timestamp_ms(snapshot.resets_at_ms);
}

std::ostream& operator<<(std::ostream& out, const UsagePoint& point) {
  return out << format_timestamp_ms(point.timestamp_ms) << " $" << point.cost_usd << " in+out "
             << point.input_output_tokens << " total " << point.total_tokens;
}

}  // namespace cu

namespace cu::test {
namespace {

constexpr double kMoneyTolerance = 1e-6;
constexpr std::int64_t kYear2100Ms = 4102444800000;

// Compares row lists after moving each `copy` row's money to the other's when within tolerance.
template <typename Row, typename... Money>
void expect_rows(const char* table, const std::vector<Row>& expected, std::vector<Row> actual, Money Row::*... money) {
  ASSERT_EQ(expected.size(), actual.size()) << table;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    (
        [&] {
          EXPECT_NEAR(expected[i].*money, actual[i].*money, kMoneyTolerance) << table << " row " << i;
          actual[i].*money = expected[i].*money;
        }(),
        ...);
    EXPECT_EQ(expected[i], actual[i]) << table << " row " << i;
  }
}

std::vector<Checkpoint> sorted_checkpoints(Store& store) {
  auto checkpoints = store.load_checkpoints();
  std::sort(checkpoints.begin(), checkpoints.end(),
            [](const Checkpoint& a, const Checkpoint& b) { return a.path < b.path; });
  return checkpoints;
}

}  // namespace

std::vector<UsageEvent> all_events(Store& store) {
  auto events = store.events_between(0, kYear2100Ms);
  std::sort(events.begin(), events.end(), [](const UsageEvent& a, const UsageEvent& b) { return a.id < b.id; });
  return events;
}

UsageEvent sample_event(std::int64_t id, const std::string& timestamp, const std::string& session,
                        std::int64_t output) {
  UsageEvent e;
  e.id = id;
  e.entry.message_id = "msg_" + std::to_string(id);
  e.entry.request_id = "req_" + std::to_string(id);
  EXPECT_TRUE(parse_timestamp_ms(timestamp, e.entry.timestamp_ms)) << timestamp;
  e.entry.model = "claude-sonnet-4-20250514";
  e.entry.tokens = TokenCounts{.input = 10, .output = output, .cache_creation = 3000000000LL, .cache_read = 7};
  e.entry.tokens.has_cache_split = true;
  e.entry.tokens.cache_creation_5m = 1000000000LL;
  e.entry.tokens.cache_creation_1h = 2000000000LL;
  e.entry.cwd = "/home/ana/api";
  e.project = "-home-ana-api";
  e.session_id = session;
  e.file = "-home-ana-api/" + session + ".jsonl";
  e.line_offset = id * 100;
  e.cost_usd = 0.0000012345678 * static_cast<double>(id);
  return e;
}

void expect_same_tables(Store& truth, Store& copy) {
  EXPECT_EQ(truth.event_count(), copy.event_count());
  std::vector<UsageEvent> events = all_events(copy);
  const std::vector<UsageEvent> expected_events = all_events(truth);
  ASSERT_EQ(expected_events.size(), events.size());
  for (std::size_t i = 0; i < events.size(); ++i) {
    EXPECT_NEAR(expected_events[i].cost_usd, events[i].cost_usd, kMoneyTolerance);
    events[i].cost_usd = expected_events[i].cost_usd;
    auto& logged = events[i].entry.logged_cost_usd;
    const auto& expected_logged = expected_events[i].entry.logged_cost_usd;
    if (logged && expected_logged && std::abs(*logged - *expected_logged) <= kMoneyTolerance) logged = expected_logged;
    EXPECT_EQ(expected_events[i], events[i]) << "event " << expected_events[i].id;
  }
  EXPECT_EQ(sorted_checkpoints(truth), sorted_checkpoints(copy));
  expect_same_rollups(truth, copy);
  EXPECT_EQ(truth.rate_limit_snapshots({}), copy.rate_limit_snapshots({})) << "rate_limit_snapshots";
}

void expect_same_rollups(Store& truth, Store& copy) {
  expect_rows("daily_usage_summary", truth.daily_summaries(), copy.daily_summaries(), &DailySummaryRow::cost_usd);
  expect_rows("model_daily_usage", truth.model_daily(), copy.model_daily(), &ModelDailyRow::cost_usd);
  expect_rows("cache_analytics", truth.cache_analytics(), copy.cache_analytics(),
              &CacheAnalyticsRow::cache_savings_usd);
  expect_rows("claude_sessions", truth.sessions(), copy.sessions(), &SessionRow::cost_usd);
  expect_rows("session_model_usage", truth.session_models(), copy.session_models(), &SessionModelRow::cost_usd);
  expect_rows("usage_blocks", truth.usage_blocks(), copy.usage_blocks(), &UsageBlock::cost_usd);
}

}  // namespace cu::test
