#include "soak/table_compare.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <tuple>

#include <fmt/format.h>

namespace cu::soak {

namespace {

constexpr std::size_t kDetailsPerTable = 3;
constexpr std::int64_t kYear2100Ms = 4102444800000;

bool money_equal(double a, double b) { return std::abs(a - b) <= 1e-6 + 1e-9 * std::abs(a); }

std::string tokens_text(const TokenTotals& t) {
  return fmt::format("in {} out {} cw {} cr {}", t.input, t.output, t.cache_creation, t.cache_read);
}

std::string describe(const DailySummaryRow& r) {
  return fmt::format("{} {} ${:.8f} sessions {} models [{}]", r.date, tokens_text(r.tokens), r.cost_usd,
                     r.session_count, r.models_used);
}
std::string describe(const ModelDailyRow& r) {
  return fmt::format("{} {} {} ${:.8f} requests {}", r.date, r.model, tokens_text(r.tokens), r.cost_usd,
                     r.request_count);
}
std::string describe(const CacheAnalyticsRow& r) {
  return fmt::format("{} cache {} hit {} rate {:.6f} savings ${:.8f}", r.date, r.total_cache_tokens,
                     r.cache_hit_tokens, r.hit_rate, r.cache_savings_usd);
}
std::string describe(const SessionRow& r) {
  return fmt::format("{}/{} ({}) {}..{} {} ${:.8f} model {} messages {} efficiency {:.6f}", r.project_path,
                     r.session_id, r.project_name, r.session_start_ms, r.session_end_ms, tokens_text(r.tokens),
                     r.cost_usd, r.model_name, r.message_count, r.efficiency_score);
}
std::string describe(const SessionModelRow& r) {
  return fmt::format("{}/{} {} {} ${:.8f} requests {}", r.project_path, r.session_id, r.model,
                     tokens_text(r.tokens), r.cost_usd, r.request_count);
}
std::string describe(const UsageBlock& r) {
  std::string models;
  for (const std::string& m : r.models) models += (models.empty() ? "" : ",") + m;
  return fmt::format("{} {}..{} first {} last {} {} ${:.8f} entries {} sessions {} models [{}] {}", r.block_id,
                     r.start_ms, r.end_ms, r.first_event_ms, r.actual_end_ms, tokens_text(r.tokens), r.cost_usd,
                     r.entries, r.session_count, models, r.status());
}

// Equal with money (and ratios) within tolerance: the doubles are compared apart, then blanked.
bool rows_equal(DailySummaryRow a, DailySummaryRow b) {
  if (!money_equal(a.cost_usd, b.cost_usd)) return false;
  a.cost_usd = b.cost_usd = 0;
  return a == b;
}
bool rows_equal(ModelDailyRow a, ModelDailyRow b) {
  if (!money_equal(a.cost_usd, b.cost_usd)) return false;
  a.cost_usd = b.cost_usd = 0;
  return a == b;
}
bool rows_equal(CacheAnalyticsRow a, CacheAnalyticsRow b) {
  if (!money_equal(a.cache_savings_usd, b.cache_savings_usd) || !money_equal(a.hit_rate, b.hit_rate)) return false;
  a.cache_savings_usd = b.cache_savings_usd = a.hit_rate = b.hit_rate = 0;
  return a == b;
}
bool rows_equal(SessionRow a, SessionRow b) {
  if (!money_equal(a.cost_usd, b.cost_usd) || !money_equal(a.efficiency_score, b.efficiency_score)) return false;
  a.cost_usd = b.cost_usd = a.efficiency_score = b.efficiency_score = 0;
  return a == b;
}
bool rows_equal(SessionModelRow a, SessionModelRow b) {
  if (!money_equal(a.cost_usd, b.cost_usd)) return false;
  a.cost_usd = b.cost_usd = 0;
  return a == b;
}
bool rows_equal(UsageBlock a, UsageBlock b) {
  if (!money_equal(a.cost_usd, b.cost_usd)) return false;
  a.cost_usd = b.cost_usd = 0;
  return a == b;
}

// An event's identity and values, without its database id, source file and line offset.
auto event_key(const UsageEvent& e) {
  const TokenCounts& t = e.entry.tokens;
  return std::make_tuple(e.entry.message_id, e.entry.request_id, e.entry_index, e.entry.timestamp_ms, e.project,
                         e.session_id, e.entry.model, t.input, t.output, t.cache_creation, t.cache_read,
                         t.has_cache_split, t.cache_creation_5m, t.cache_creation_1h,
                         static_cast<int>(e.entry.speed), e.entry.is_sidechain);
}

std::string describe(const UsageEvent& e) {
  return fmt::format("{} {} #{} at {} {}/{} {} in {} out {} cw {} cr {} ${:.10f} (file {} offset {})",
                     e.entry.message_id, e.entry.request_id, e.entry_index, e.entry.timestamp_ms, e.project,
                     e.session_id, e.entry.model, e.entry.tokens.input, e.entry.tokens.output,
                     e.entry.tokens.cache_creation, e.entry.tokens.cache_read, e.cost_usd, e.file, e.line_offset);
}

bool rows_equal(const UsageEvent& a, const UsageEvent& b) { return money_equal(a.cost_usd, b.cost_usd); }

// Compares two row lists sorted by `key`; rows present on one side only count as differences.
template <typename Row, typename Key>
void compare_rows(const char* table, std::vector<Row> expected, std::vector<Row> actual, Key key,
                  Comparison& out) {
  const auto by_key = [&](const Row& a, const Row& b) { return key(a) < key(b); };
  std::sort(expected.begin(), expected.end(), by_key);
  std::sort(actual.begin(), actual.end(), by_key);
  std::int64_t differing = 0;
  const auto report = [&](const std::string& text) {
    if (++differing <= static_cast<std::int64_t>(kDetailsPerTable)) out.details.push_back(fmt::format("{}: {}", table, text));
  };
  std::size_t i = 0, j = 0;
  while (i < expected.size() || j < actual.size()) {
    if (j == actual.size() || (i < expected.size() && key(expected[i]) < key(actual[j]))) {
      report("missing " + describe(expected[i++]));
    } else if (i == expected.size() || key(actual[j]) < key(expected[i])) {
      report("extra " + describe(actual[j++]));
    } else {
      if (!rows_equal(expected[i], actual[j])) {
        report(fmt::format("expected {}\n      got {}", describe(expected[i]), describe(actual[j])));
      }
      ++i;
      ++j;
    }
  }
  if (differing > static_cast<std::int64_t>(kDetailsPerTable)) {
    out.details.push_back(fmt::format("{}: ... {} differences in all", table, differing));
  }
  out.mismatches += differing;
}

}  // namespace

Comparison compare_stores(Store& reference, Store& actual) {
  Comparison out;
  std::vector<UsageEvent> events = actual.events_between(0, kYear2100Ms);
  out.events_checked = static_cast<std::int64_t>(events.size());
  compare_rows("usage_events", reference.events_between(0, kYear2100Ms), std::move(events), event_key, out);
  compare_rows("daily_usage_summary", reference.daily_summaries(), actual.daily_summaries(),
               [](const DailySummaryRow& r) { return r.date; }, out);
  compare_rows("model_daily_usage", reference.model_daily(), actual.model_daily(),
               [](const ModelDailyRow& r) { return std::tie(r.date, r.model); }, out);
  compare_rows("cache_analytics", reference.cache_analytics(), actual.cache_analytics(),
               [](const CacheAnalyticsRow& r) { return r.date; }, out);
  compare_rows("usage_blocks", reference.usage_blocks(), actual.usage_blocks(),
               [](const UsageBlock& r) { return r.block_id; }, out);
  compare_rows("claude_sessions", reference.sessions(), actual.sessions(),
               [](const SessionRow& r) { return std::tie(r.project_path, r.session_id); }, out);
  compare_rows("session_model_usage", reference.session_models(), actual.session_models(),
               [](const SessionModelRow& r) { return std::tie(r.project_path, r.session_id, r.model); }, out);
  return out;
}

void count_left_behind(const std::string& former_identity, Store& store, Comparison& out) {
  const std::vector<std::pair<const char*, std::size_t>> tables = {
      {"usage_events", store.events_between(0, kYear2100Ms).size()},
      {"daily_usage_summary", store.daily_summaries().size()},
      {"model_daily_usage", store.model_daily().size()},
      {"cache_analytics", store.cache_analytics().size()},
      {"usage_blocks", store.usage_blocks().size()},
      {"claude_sessions", store.sessions().size()},
      {"session_model_usage", store.session_models().size()},
  };
  std::string left;
  for (const auto& [table, rows] : tables) {
    if (rows == 0) continue;
    left += fmt::format("{}{} {}", left.empty() ? "" : ", ", table, rows);
    out.mismatches += static_cast<std::int64_t>(rows);
  }
  if (!left.empty()) out.details.push_back(fmt::format("rows left under the former identity {}: {}", former_identity, left));
}

bool same_events_and_days(Store& reference, Store& actual) {
  if (reference.event_count() != actual.event_count()) return false;
  Comparison out;
  compare_rows("daily_usage_summary", reference.daily_summaries(), actual.daily_summaries(),
               [](const DailySummaryRow& r) { return r.date; }, out);
  return out.mismatches == 0;
}

}  // namespace cu::soak
