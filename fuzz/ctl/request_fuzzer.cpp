// libFuzzer target for the control socket's request handling (docs/PROTOCOL.md): any line is
// answered with exactly one well-formed response — never an exception, a crash or undefined
// behaviour. Requests that pass the parser and argument validation run the real command handlers
// over a small in-memory ReportSource, so the report builders see arbitrary valid arguments too.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/time.h"
#include "ctl/command_registry.h"
#include "ctl/protocol.h"
#include "rollup/calendar.h"

namespace {

using Json = nlohmann::json;

constexpr std::int64_t kNowMs = 1'795'433'201'200;  // 2026-11-23T11:26:41.200Z
constexpr std::int64_t kHourMs = 3'600'000;

cu::UsageBlock block_at(std::int64_t start_ms, std::int64_t first_ms, std::int64_t last_ms, bool active) {
  cu::UsageBlock block;
  block.block_id = cu::format_timestamp_ms(start_ms);
  block.start_ms = start_ms;
  block.end_ms = start_ms + 5 * kHourMs;
  block.first_event_ms = first_ms;
  block.actual_end_ms = last_ms;
  block.tokens = {1000, 200, 300, 4000};
  block.cost_usd = 0.25;
  block.entries = 3;
  block.session_count = 1;
  block.models = {"claude-sonnet-4-20250514"};
  block.is_active = active;
  return block;
}

// The same few rows whatever the filter: enough for every builder to produce rows and totals.
class FixedSource : public cu::ReportSource {
 public:
  FixedSource() : calendar_("UTC") {}

  std::vector<cu::DailySummaryRow> daily(const cu::ReportFilter&) override {
    return {{"2026-11-20", {10, 20, 30, 40}, 0.5, 1, "claude-opus-4-20250514,claude-sonnet-4-20250514"},
            {"2026-11-23", {1, 2, 3, 4}, 0.01, 1, "claude-sonnet-4-20250514"}};
  }
  std::vector<cu::ModelDailyRow> model_daily(const cu::ReportFilter&) override {
    return {{"2026-11-20", "claude-opus-4-20250514", {5, 10, 15, 20}, 0.4, 1},
            {"2026-11-20", "claude-sonnet-4-20250514", {5, 10, 15, 20}, 0.1, 1},
            {"2026-11-23", "claude-sonnet-4-20250514", {1, 2, 3, 4}, 0.01, 1}};
  }
  std::vector<cu::SessionRow> sessions(const cu::ReportFilter&) override {
    cu::SessionRow row;
    row.project_path = "-home-ana-api";
    row.session_id = "s1";
    row.session_start_ms = kNowMs - 80 * kHourMs;
    row.session_end_ms = kNowMs - kHourMs;
    row.tokens = {11, 22, 33, 44};
    row.cost_usd = 0.51;
    return {row};
  }
  std::vector<cu::SessionModelRow> session_models(const cu::ReportFilter&) override {
    return {{"-home-ana-api", "s1", "claude-sonnet-4-20250514", {11, 22, 33, 44}, 0.51, 2}};
  }
  std::vector<cu::UsageBlock> blocks(const cu::ReportFilter&, std::int64_t now_ms) override {
    const std::int64_t hour = now_ms - now_ms % kHourMs;
    return {block_at(hour - 80 * kHourMs, hour - 80 * kHourMs, hour - 79 * kHourMs, false),
            block_at(hour - 10 * kHourMs, hour - 10 * kHourMs + 60'000, hour - 9 * kHourMs, false),
            block_at(hour, hour + 1, std::max(hour + 1, now_ms - 60'000), true)};
  }
  std::vector<cu::UsageEvent> events(const cu::ReportFilter&) override {
    cu::UsageEvent event;
    event.id = 1;
    event.project = "-home-ana-api";
    event.session_id = "s1";
    event.entry.timestamp_ms = kNowMs - kHourMs;
    event.entry.model = "claude-sonnet-4-20250514";
    event.entry.tokens = {11, 22, 33, 44};
    event.cost_usd = 0.51;
    return {event};
  }
  std::vector<std::string> projects() override { return {"-home-ana-api", "-home-ana-web"}; }
  // Two instances of the 5-hour window (a reset in between) and one 7-day reading, whatever the
  // filter: the limit estimates and the history see several instances.
  std::vector<cu::RateLimitSnapshot> rate_limit_snapshots(const cu::RateLimitFilter&) override {
    const std::int64_t hour = kNowMs - kNowMs % kHourMs;
    return {{cu::RateLimitWindow::kFiveHour, hour - 6 * kHourMs, 80, hour - 4 * kHourMs},
            {cu::RateLimitWindow::kSevenDay, hour - kHourMs, 35.5, hour + 50 * kHourMs},
            {cu::RateLimitWindow::kFiveHour, hour - kHourMs, 12.5, hour + 2 * kHourMs},
            {cu::RateLimitWindow::kFiveHour, kNowMs - 60'000, 20, hour + 2 * kHourMs}};
  }
  std::vector<cu::RateLimitSnapshot> latest_rate_limits() override {
    const std::vector<cu::RateLimitSnapshot> all = rate_limit_snapshots({});
    return {all[3], all[1]};
  }
  std::vector<cu::UsagePoint> usage_points(std::int64_t from_ms, std::int64_t to_ms) override {
    std::vector<cu::UsagePoint> points;
    for (std::int64_t at = kNowMs - 9 * kHourMs; at < kNowMs; at += kHourMs / 2) {
      if (at >= from_ms && at < to_ms) points.push_back({at, 0.75, 1200, 5500});
    }
    return points;
  }
  const cu::Calendar& calendar() const override { return calendar_; }
  int block_hours() const override { return 5; }
  const cu::LimitSettings& limit_settings() const override { return limits_; }
  // The same rows in any view: the fuzzer exercises the dispatch, not the views' arithmetic.
  std::unique_ptr<cu::ReportSource> viewed(const cu::ReportView&) override { return std::make_unique<FixedSource>(); }

 private:
  cu::Calendar calendar_;
  cu::LimitSettings limits_;
};

cu::ctl::ControlHooks fixed_hooks() {
  cu::ctl::ControlHooks hooks;
  hooks.now_ms = [] { return kNowMs; };
  hooks.status = [] { return Json{{"state", "watching"}}; };
  hooks.rescan = [] { return cu::ctl::ActionResult::success("rescan started"); };
  hooks.reload = [] { return cu::ctl::ActionResult::failure("bad config"); };
  hooks.record_rate_limits = [](const cu::RateLimitReading&) {};
  return hooks;
}

// The response contract: one line of JSON, {"v":1,"ok":true,"data":...}, {"v":1,"ok":true,
// "text":string} or {"v":1,"ok":false,"code":<known code>,"error":string}; or, for "json-raw", the
// line {"v":1,"ok":true,"bytes":N} and N bytes of JSON text after its newline.
void check_response(const std::string& answer) {
  const std::size_t newline = answer.find('\n');
  const std::string line = answer.substr(0, newline);
  const Json response = Json::parse(line, nullptr, false);
  if (!response.is_object() || response.value("v", 0) != cu::ctl::kProtocolVersion) std::abort();
  const auto ok = response.find("ok");
  if (ok == response.end() || !ok->is_boolean()) std::abort();
  if (newline != std::string::npos) {
    const auto bytes = response.find("bytes");
    if (!ok->get<bool>() || bytes == response.end() || !bytes->is_number_unsigned()) std::abort();
    const std::string text = answer.substr(newline + 1);
    if (bytes->get<std::size_t>() != text.size() || Json::parse(text, nullptr, false).is_discarded()) std::abort();
    return;
  }
  if (ok->get<bool>()) {
    const auto text = response.find("text");
    if (!response.contains("data") && (text == response.end() || !text->is_string())) std::abort();
    return;
  }
  const auto code = response.find("code");
  const auto error = response.find("error");
  if (code == response.end() || !code->is_string() || error == response.end() || !error->is_string()) std::abort();
  const std::string name = code->get<std::string>();
  if (cu::ctl::error_code_name(cu::ctl::error_code_from_name(name)) != name) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static FixedSource source;
  static const cu::ctl::ControlHooks hooks = fixed_hooks();
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  check_response(cu::ctl::handle_request_line(line, source, hooks));
  return 0;
}
