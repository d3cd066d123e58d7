#pragma once
// Rows of the derived tables (SPEC §7), as plain values computed by the rollup functions.
#include <cstdint>
#include <string>

namespace cu {

struct TokenTotals {
  std::int64_t input = 0;
  std::int64_t output = 0;
  std::int64_t cache_creation = 0;
  std::int64_t cache_read = 0;

  std::int64_t total() const { return input + output + cache_creation + cache_read; }
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

}  // namespace cu
