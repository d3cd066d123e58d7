#pragma once
// /metrics (SPEC §12): Prometheus' text format (0.0.4) with Claude Code's own OpenTelemetry metric
// names as an OTel collector exports them, over the whole history, plus the daemon's health.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "ctl/report_source.h"

namespace cu::http {

struct ModelUsageTotals {
  std::string model;
  TokenTotals tokens;
  double cost_usd = 0;
};

struct MetricsData {
  std::vector<ModelUsageTotals> models;  // sorted by model
  std::int64_t sessions = 0;
  std::int64_t events = 0;
  std::int64_t backlog_events = 0;
  std::optional<double> last_event_seconds;  // Unix seconds of the newest event
  std::int64_t store_failures = 0;
  std::vector<std::pair<std::string, std::int64_t>> skipped_lines;      // reason -> lines, sorted
  std::vector<std::pair<std::string, double>> rate_limit_used_ratio;  // window -> used / 100, sorted
};

// The usage from `source` (all of it) and the health from `status` (the `status` command's JSON,
// docs/PROTOCOL.md).
MetricsData metrics_data_of(ReportSource& source, const nlohmann::json& status);

// The exposition text: a HELP and TYPE line per family, then its samples; label values escaped.
std::string render_metrics(const MetricsData& data);

}  // namespace cu::http
