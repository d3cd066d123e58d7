#pragma once
// A ReportSource over a list of kept events, computed with the rollup functions the store uses, and
// the event lists of tests/ctl/ccusage (see its README).
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ctl/event_reports.h"
#include "core/usage_event.h"
#include "rollup/calendar.h"

namespace cu::test {

// A clock for reports on the `history` scenario: long after its last event.
inline constexpr std::int64_t kHistoryNowMs = 1'780'000'000'000;  // 2026-05-28

// One priced event, as an events.json entry would give it.
UsageEvent make_event(std::int64_t id, const std::string& project, const std::string& session, const std::string& iso,
                      const std::string& model, std::int64_t input, std::int64_t output = 0,
                      std::int64_t cache_creation = 0, std::int64_t cache_read = 0);

// Events of an events.json: [{"project","session","ts","model","in","out","cc","cr"}...], priced
// with the built-in table, ids and log positions in file order.
std::vector<UsageEvent> load_events(const std::filesystem::path& events_json);

// Writes `events` as Claude Code logs below `dir`/projects, one compact assistant line each.
void write_claude_logs(const std::filesystem::path& dir, const std::vector<UsageEvent>& events);

using cu::EventReportSource;

// Compares report JSON the way parity matters: same keys and nesting, numbers equal within 1e-9
// (relative), "modelsUsed" as sets (ccusage lists models in first-use order, the daemon sorted).
// Returns the first difference as "path: why", or "" when equivalent.
std::string json_difference(const nlohmann::json& actual, const nlohmann::json& expected, const std::string& path = "$");

nlohmann::json read_json(const std::filesystem::path& path);

// tests/ctl/ccusage/<scenario>
std::filesystem::path ccusage_fixture(const std::string& scenario);

}  // namespace cu::test
