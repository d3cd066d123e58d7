#include "core/time.h"
#include "event_report_source.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <stdexcept>

#include "parse/line_parser.h"
#include "pricing/price_table.h"
#include "rollup/event_order.h"
#include "rollup/model_daily.h"
#include "rollup/summaries.h"
#include "rollup/usage_blocks.h"
#include "support/test_support.h"

namespace cu::test {
namespace {

using Json = nlohmann::json;

UsageEvent event_of(const Json& spec, std::int64_t id, const PriceTable& prices) {
  UsageEvent event;
  event.id = id;
  event.entry.message_id = "msg_" + std::to_string(id);
  event.entry.request_id = "req_" + std::to_string(id);
  event.entry.model = spec.at("model").get<std::string>();
  if (!parse_timestamp_ms(spec.at("ts").get<std::string>(), event.entry.timestamp_ms)) {
    throw std::invalid_argument("bad ts in events.json");
  }
  event.entry.tokens.input = spec.value("in", 0);
  event.entry.tokens.output = spec.value("out", 0);
  event.entry.tokens.cache_creation = spec.value("cc", 0);
  event.entry.tokens.cache_read = spec.value("cr", 0);
  event.project = spec.at("project").get<std::string>();
  event.session_id = spec.at("session").get<std::string>();
  event.entry.cwd = "/home/u/" + event.project;
  event.file = event.project + "/" + event.session_id + ".jsonl";
  event.line_offset = id;
  event.cost_usd = entry_cost(event.entry, prices, CostMode::kAuto);
  return event;
}

Json log_line(const UsageEvent& event) {
  return Json{{"parentUuid", nullptr},
              {"isSidechain", false},
              {"userType", "external"},
              {"cwd", event.entry.cwd},
              {"sessionId", event.session_id},
              {"version", "1.0.61"},
              {"message",
               {{"id", event.entry.message_id},
                {"type", "message"},
                {"role", "assistant"},
                {"model", event.entry.model},
                {"content", Json::array({{{"type", "text"}, {"text", "x"}}})},
                {"stop_reason", nullptr},
                {"stop_sequence", nullptr},
                {"usage",
                 {{"input_tokens", event.entry.tokens.input},
                  {"cache_creation_input_tokens", event.entry.tokens.cache_creation},
                  {"cache_read_input_tokens", event.entry.tokens.cache_read},
                  {"output_tokens", event.entry.tokens.output}}}}},
              {"requestId", event.entry.request_id},
              {"type", "assistant"},
              {"uuid", std::string("u").append(std::to_string(event.id))},
              {"timestamp", format_timestamp_ms(event.entry.timestamp_ms)}};
}

std::string difference_of_numbers(const Json& actual, const Json& expected, const std::string& path) {
  const double a = actual.get<double>();
  const double e = expected.get<double>();
  const double scale = std::max({std::fabs(a), std::fabs(e), 1e-12});
  if (std::fabs(a - e) / scale <= 1e-9 || std::fabs(a - e) <= 1e-15) return "";
  return path + ": " + actual.dump() + " != " + expected.dump();
}

Json sorted(Json array) {
  std::sort(array.begin(), array.end());
  return array;
}

}  // namespace

UsageEvent make_event(std::int64_t id, const std::string& project, const std::string& session, const std::string& iso,
                      const std::string& model, std::int64_t input, std::int64_t output, std::int64_t cache_creation,
                      std::int64_t cache_read) {
  static const PriceTable prices = PriceTable::builtin();
  const Json spec{{"project", project}, {"session", session}, {"ts", iso}, {"model", model},
                  {"in", input},        {"out", output},      {"cc", cache_creation}, {"cr", cache_read}};
  return event_of(spec, id, prices);
}

std::vector<UsageEvent> load_events(const std::filesystem::path& events_json) {
  const PriceTable prices = PriceTable::builtin();
  std::vector<UsageEvent> events;
  for (const Json& spec : read_json(events_json)) {
    events.push_back(event_of(spec, static_cast<std::int64_t>(events.size()) + 1, prices));
  }
  return events;
}

void write_claude_logs(const std::filesystem::path& dir, const std::vector<UsageEvent>& events) {
  std::map<std::string, std::string> files;
  for (const UsageEvent& event : events) files[event.file] += log_line(event).dump() + "\n";
  for (const auto& [file, text] : files) {
    const auto path = dir / "projects" / file;
    std::filesystem::create_directories(path.parent_path());
    write_file(path, text);
  }
}

std::string json_difference(const nlohmann::json& actual, const nlohmann::json& expected, const std::string& path) {
  if (actual.is_number() && expected.is_number()) return difference_of_numbers(actual, expected, path);
  if (actual.type() != expected.type()) return path + ": " + actual.dump() + " is not like " + expected.dump();
  if (actual.is_object()) {
    for (const auto& [key, value] : expected.items()) {
      if (!actual.contains(key)) return path + "." + key + ": missing";
      const bool as_set = key == "modelsUsed" && value.is_array() && actual[key].is_array();
      const std::string diff = as_set ? json_difference(sorted(actual[key]), sorted(value), path + "." + key)
                                      : json_difference(actual[key], value, path + "." + key);
      if (!diff.empty()) return diff;
    }
    for (const auto& [key, value] : actual.items()) {
      if (!expected.contains(key)) return path + "." + key + ": unexpected";
    }
    return "";
  }
  if (actual.is_array()) {
    if (actual.size() != expected.size()) {
      return path + ": " + std::to_string(actual.size()) + " items, expected " + std::to_string(expected.size());
    }
    for (std::size_t i = 0; i < actual.size(); ++i) {
      const std::string diff = json_difference(actual[i], expected[i], path + "[" + std::to_string(i) + "]");
      if (!diff.empty()) return diff;
    }
    return "";
  }
  return actual == expected ? "" : path + ": " + actual.dump() + " != " + expected.dump();
}

nlohmann::json read_json(const std::filesystem::path& path) { return Json::parse(read_file(path)); }

std::filesystem::path ccusage_fixture(const std::string& scenario) {
  return std::filesystem::path(CU_SOURCE_DIR) / "tests" / "ctl" / "ccusage" / scenario;
}

}  // namespace cu::test
