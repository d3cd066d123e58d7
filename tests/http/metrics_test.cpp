// /metrics: Claude Code's metric names, the daemon's health, the text format's escaping.
#include "http/metrics.h"

#include <gtest/gtest.h>

#include "../ctl/event_report_source.h"

namespace cu::http {
namespace {

using test::make_event;

TEST(Metrics, TheExpositionText) {
  MetricsData data;
  data.models = {{"claude-opus-4-5", {10, 20, 30, 40}, 1.5}, {"we\"ird\\model\n", {1, 2, 3, 4}, 0.25}};
  data.sessions = 7;
  data.events = 123;
  data.backlog_events = 4;
  data.last_event_seconds = 1767225600.5;
  data.store_failures = 1;
  data.skipped_lines = {{"bad_json", 2}};
  data.rate_limit_used_ratio = {{"five_hour", 0.42}};
  EXPECT_EQ(render_metrics(data),
            "# HELP claude_code_token_usage_tokens_total Number of tokens used, by type and model.\n"
            "# TYPE claude_code_token_usage_tokens_total counter\n"
            "claude_code_token_usage_tokens_total{model=\"claude-opus-4-5\",type=\"input\"} 10\n"
            "claude_code_token_usage_tokens_total{model=\"claude-opus-4-5\",type=\"output\"} 20\n"
            "claude_code_token_usage_tokens_total{model=\"claude-opus-4-5\",type=\"cacheRead\"} 40\n"
            "claude_code_token_usage_tokens_total{model=\"claude-opus-4-5\",type=\"cacheCreation\"} 30\n"
            "claude_code_token_usage_tokens_total{model=\"we\\\"ird\\\\model\\n\",type=\"input\"} 1\n"
            "claude_code_token_usage_tokens_total{model=\"we\\\"ird\\\\model\\n\",type=\"output\"} 2\n"
            "claude_code_token_usage_tokens_total{model=\"we\\\"ird\\\\model\\n\",type=\"cacheRead\"} 4\n"
            "claude_code_token_usage_tokens_total{model=\"we\\\"ird\\\\model\\n\",type=\"cacheCreation\"} 3\n"
            "# HELP claude_code_cost_usage_USD_total Cost of the usage in US dollars, by model.\n"
            "# TYPE claude_code_cost_usage_USD_total counter\n"
            "claude_code_cost_usage_USD_total{model=\"claude-opus-4-5\"} 1.5\n"
            "claude_code_cost_usage_USD_total{model=\"we\\\"ird\\\\model\\n\"} 0.25\n"
            "# HELP claude_code_session_count_total Number of sessions with usage.\n"
            "# TYPE claude_code_session_count_total counter\n"
            "claude_code_session_count_total 7\n"
            "# HELP claude_usaged_events_total Usage events kept in the database.\n"
            "# TYPE claude_usaged_events_total counter\n"
            "claude_usaged_events_total 123\n"
            "# HELP claude_usaged_backlog_events Changes waiting in SQLite for PostgreSQL.\n"
            "# TYPE claude_usaged_backlog_events gauge\n"
            "claude_usaged_backlog_events 4\n"
            "# HELP claude_usaged_last_event_timestamp_seconds When the newest usage event happened.\n"
            "# TYPE claude_usaged_last_event_timestamp_seconds gauge\n"
            "claude_usaged_last_event_timestamp_seconds 1767225600.5\n"
            "# HELP claude_usaged_store_failures_total Commits to the database that failed.\n"
            "# TYPE claude_usaged_store_failures_total counter\n"
            "claude_usaged_store_failures_total 1\n"
            "# HELP claude_usaged_skipped_lines_total Log lines skipped, by reason.\n"
            "# TYPE claude_usaged_skipped_lines_total counter\n"
            "claude_usaged_skipped_lines_total{reason=\"bad_json\"} 2\n"
            "# HELP claude_usaged_rate_limit_used_ratio The latest official rate-limit reading of each window, as a "
            "fraction of the limit.\n"
            "# TYPE claude_usaged_rate_limit_used_ratio gauge\n"
            "claude_usaged_rate_limit_used_ratio{window=\"five_hour\"} 0.42\n");
}

TEST(Metrics, FromTheReportsAndTheStatus) {
  test::EventReportSource source({
      make_event(1, "p", "s1", "2026-03-02T10:00:00.000Z", "claude-sonnet-4-20250514", 100, 10),
      make_event(2, "p", "s1", "2026-03-03T10:00:00.000Z", "claude-sonnet-4-20250514", 200, 20),
      make_event(3, "q", "s2", "2026-03-03T11:00:00.000Z", "claude-opus-4-20250514", 300, 30),
  });
  source.snapshots = {RateLimitSnapshot{RateLimitWindow::kSevenDay, 1000, 12.5, 5000}};
  const nlohmann::json status = {{"events", 3},
                                 {"backlog_events", 0},
                                 {"store_failures", 0},
                                 {"last_event", "2026-03-03T11:00:00.000Z"},
                                 {"skipped_lines", {{"not_json", 5}}}};
  const MetricsData data = metrics_data_of(source, status);
  ASSERT_EQ(data.models.size(), 2u);
  EXPECT_EQ(data.models[1].model, "claude-sonnet-4-20250514");
  EXPECT_EQ(data.models[1].tokens.input, 300);
  EXPECT_EQ(data.models[1].tokens.output, 30);
  EXPECT_EQ(data.sessions, 2);
  EXPECT_EQ(data.events, 3);
  EXPECT_EQ(data.last_event_seconds, 1772535600.0);
  EXPECT_EQ(data.skipped_lines, (std::vector<std::pair<std::string, std::int64_t>>{{"not_json", 5}}));
  EXPECT_EQ(data.rate_limit_used_ratio, (std::vector<std::pair<std::string, double>>{{"seven_day", 0.125}}));
}

}  // namespace
}  // namespace cu::http
