#pragma once
// A ReportSource over a list of kept events, computed with the rollup functions the store uses, and
// the event lists of tests/ctl/ccusage (see its README).
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ctl/report_source.h"
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

// Filters like ccusage: events outside since/until (local dates), another project or session are
// dropped first; sessions and their models are summed from what is left. Blocks are computed over
// all events and kept when their start's local date is in range.
class EventReportSource : public ReportSource {
 public:
  explicit EventReportSource(std::vector<UsageEvent> events, const std::string& zone = "UTC", int block_hours = 5);

  std::vector<DailySummaryRow> daily(const ReportFilter& filter) override;
  std::vector<ModelDailyRow> model_daily(const ReportFilter& filter) override;
  std::vector<SessionRow> sessions(const ReportFilter& filter) override;
  std::vector<SessionModelRow> session_models(const ReportFilter& filter) override;
  std::vector<UsageBlock> blocks(const ReportFilter& filter, std::int64_t now_ms) override;
  std::vector<std::string> projects() override;
  const Calendar& calendar() const override { return calendar_; }
  int block_hours() const override { return block_hours_; }
  const LimitSettings& limit_settings() const override { return limits; }

  int calls = 0;  // how many queries were made, for tests of the server's dispatch
  LimitSettings limits;  // what limit_settings() gives

 private:
  std::vector<UsageEvent> selected(const ReportFilter& filter) const;

  std::vector<UsageEvent> events_;
  Calendar calendar_;
  int block_hours_;
};

// Compares report JSON the way parity matters: same keys and nesting, numbers equal within 1e-9
// (relative), "modelsUsed" as sets (ccusage lists models in first-use order, the daemon sorted).
// Returns the first difference as "path: why", or "" when equivalent.
std::string json_difference(const nlohmann::json& actual, const nlohmann::json& expected, const std::string& path = "$");

nlohmann::json read_json(const std::filesystem::path& path);

// tests/ctl/ccusage/<scenario>
std::filesystem::path ccusage_fixture(const std::string& scenario);

}  // namespace cu::test
