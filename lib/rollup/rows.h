#pragma once
// Rows of the derived tables (SPEC §7), as plain values computed by the rollup functions.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cu {

struct TokenTotals {
  std::int64_t input = 0;
  std::int64_t output = 0;
  std::int64_t cache_creation = 0;
  std::int64_t cache_read = 0;

  std::int64_t total() const { return input + output + cache_creation + cache_read; }
  TokenTotals& operator+=(const TokenTotals& more) {
    input += more.input;
    output += more.output;
    cache_creation += more.cache_creation;
    cache_read += more.cache_read;
    return *this;
  }
  friend bool operator==(const TokenTotals&, const TokenTotals&) = default;
};

struct DailySummaryRow {
  std::string date;  // YYYY-MM-DD in the configured zone
  TokenTotals tokens;
  double cost_usd = 0;
  std::int64_t session_count = 0;
  std::string models_used;  // sorted, comma-separated reported model names

  friend bool operator==(const DailySummaryRow&, const DailySummaryRow&) = default;
};

struct SessionRow {
  std::string project_path;  // project folder below projects/
  std::string session_id;
  std::string project_name;  // basename of the session's cwd; the project folder when unknown
  std::int64_t session_start_ms = 0;
  std::int64_t session_end_ms = 0;
  TokenTotals tokens;
  double cost_usd = 0;
  std::string model_name;  // the costliest model of the session
  std::int64_t message_count = 0;
  double efficiency_score = 0;  // cache_read / (input + cache_creation + cache_read)

  friend bool operator==(const SessionRow&, const SessionRow&) = default;
};

struct ModelDailyRow {
  std::string date;   // YYYY-MM-DD in the configured zone
  std::string model;  // reported model name ("<model>-fast" for fast entries)
  TokenTotals tokens;
  double cost_usd = 0;
  std::int64_t request_count = 0;  // kept events of this model that day

  friend bool operator==(const ModelDailyRow&, const ModelDailyRow&) = default;
};

struct CacheAnalyticsRow {
  std::string date;  // YYYY-MM-DD in the configured zone
  std::int64_t total_cache_tokens = 0;  // cache creation + cache read
  std::int64_t cache_hit_tokens = 0;    // cache read
  double hit_rate = 0;                  // read / (input + creation + read), 0 when that is 0
  double cache_savings_usd = 0;         // what caching saved against uncached input; may be negative

  friend bool operator==(const CacheAnalyticsRow&, const CacheAnalyticsRow&) = default;
};

// A 5-hour billing block (SPEC §6), or the gap between two blocks when no event happened for
// longer than the block length.
struct UsageBlock {
  std::string block_id;  // start as YYYY-MM-DDTHH:00:00.000Z; a gap block: "gap-" + its start
  std::int64_t start_ms = 0;
  std::int64_t end_ms = 0;  // start + block length; a gap block: the next event
  // First and last event of the block; a gap block has no events and holds 0 in both.
  std::int64_t first_event_ms = 0;
  std::int64_t actual_end_ms = 0;
  TokenTotals tokens;
  double cost_usd = 0;
  std::int64_t entries = 0;        // kept events
  std::int64_t session_count = 0;  // distinct (project, session_id)
  // Distinct reported models in order of first use, without "<synthetic>" (ccusage's order).
  std::vector<std::string> models;
  bool is_gap = false;
  bool is_active = false;

  std::string_view status() const { return is_active ? "active" : "completed"; }
  friend bool operator==(const UsageBlock&, const UsageBlock&) = default;
};

// One (session, model) pair of a session's usage, for session reports' model breakdowns.
struct SessionModelRow {
  std::string project_path;
  std::string session_id;
  std::string model;  // reported model name
  TokenTotals tokens;
  double cost_usd = 0;
  std::int64_t request_count = 0;

  friend bool operator==(const SessionModelRow&, const SessionModelRow&) = default;
};

// Which rows a report reads. Dates are local dates in the configured zone, inclusive.
struct ReportFilter {
  std::optional<std::string> since;    // YYYY-MM-DD
  std::optional<std::string> until;    // YYYY-MM-DD
  std::optional<std::string> project;  // project folder below projects/
  std::optional<std::string> session_id;
};

}  // namespace cu
