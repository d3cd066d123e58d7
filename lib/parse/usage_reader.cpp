#include "parse/usage_reader.h"

#include <cmath>
#include <cstdint>
#include <optional>
#include <string_view>

#include "parse/ondemand_read.h"

namespace cu {
namespace {

using simdjson::ondemand::raw_json_string;

constexpr double kTwoPow63 = 9223372036854775808.0;
constexpr std::string_view kAdvisorType = "advisor_message";

// The members of one usage object as read, before the required ones are checked.
struct UsageScan {
  std::optional<std::int64_t> input;
  std::optional<std::int64_t> output;
  std::optional<std::int64_t> cache_creation;
  std::optional<std::int64_t> cache_read;
  bool has_split = false;
  std::optional<std::int64_t> split_5m;
  std::optional<std::int64_t> split_1h;
  Speed speed = Speed::kUnset;
  std::string_view type;   // iterations[] items only
  std::string_view model;  // iterations[] items only
};

// Where a usage object sits: message.usage reads `iterations`, an iterations[] item reads
// `type` and `model` instead.
enum class UsageLevel : std::uint8_t { kMessage, kIteration };

bool read_integral_double(ondemand::value& value, std::int64_t& out) {
  double number = 0;
  if (value.get_double().get(number)) return false;
  if (!(number >= 0 && number < kTwoPow63) || number != std::floor(number)) return false;
  out = static_cast<std::int64_t>(number);
  return true;
}

// The largest token count accepted: 2^53, far above any real count (one day of a heavy user is
// about 2^32), and low enough that sums over billions of events cannot overflow int64 and that
// JavaScript tools (ccusage) read the same number.
constexpr std::int64_t kMaxTokenCount = std::int64_t{1} << 53;

// A token count; `null` leaves `out` absent.
ReadStatus read_count(ondemand::value& value, std::optional<std::int64_t>& out) {
  out.reset();
  std::int64_t count = 0;
  simdjson::error_code error = value.get_int64().get(count);
  if (error == simdjson::INCORRECT_TYPE) {
    if (is_null(value)) return ReadStatus::kOk;
    if (!read_integral_double(value, count)) return ReadStatus::kBadUsage;
  } else if (error || count < 0) {
    return ReadStatus::kBadUsage;
  }
  if (count > kMaxTokenCount) return ReadStatus::kBadUsage;
  out = count;
  return ReadStatus::kOk;
}

ReadStatus read_speed(ondemand::value& value, Speed& out) {
  std::string_view text;
  ReadStatus status = read_string(value, text);
  out = text == "fast" ? Speed::kFast : text == "standard" ? Speed::kStandard : Speed::kUnset;
  return status;
}

ReadStatus read_split(ondemand::value& value, UsageScan& scan) {
  ondemand::object object;
  simdjson::error_code error = value.get_object().get(object);
  if (error == simdjson::INCORRECT_TYPE) return is_null(value) ? ReadStatus::kOk : ReadStatus::kBadUsage;
  if (error) return ReadStatus::kInvalidJson;
  scan.has_split = true;
  return for_each_field(object, [&](raw_json_string key, ondemand::value& member) {
    if (key == "ephemeral_5m_input_tokens") return read_count(member, scan.split_5m);
    if (key == "ephemeral_1h_input_tokens") return read_count(member, scan.split_1h);
    return ReadStatus::kOk;
  });
}

ReadStatus finish_usage(const UsageScan& scan, RawUsage& out) {
  if (!scan.input || !scan.output) return ReadStatus::kBadUsage;
  TokenCounts& tokens = out.tokens;
  tokens = {};
  tokens.input = *scan.input;
  tokens.output = *scan.output;
  tokens.cache_read = scan.cache_read.value_or(0);
  tokens.has_cache_split = scan.has_split;
  tokens.cache_creation_5m = scan.split_5m.value_or(0);
  tokens.cache_creation_1h = scan.split_1h.value_or(0);
  tokens.cache_creation = scan.cache_creation.value_or(0);
  if (scan.has_split &&
      __builtin_add_overflow(tokens.cache_creation_5m, tokens.cache_creation_1h, &tokens.cache_creation)) {
    return ReadStatus::kBadUsage;
  }
  out.speed = scan.speed;
  return ReadStatus::kOk;
}

ReadStatus read_iterations(ondemand::value& value, std::vector<AdvisorUsage>& advisors);

ReadStatus read_usage_member(raw_json_string key, ondemand::value& value, UsageScan& scan,
                             UsageLevel level, std::vector<AdvisorUsage>& advisors) {
  if (key == "input_tokens") return read_count(value, scan.input);
  if (key == "output_tokens") return read_count(value, scan.output);
  if (key == "cache_creation_input_tokens") return read_count(value, scan.cache_creation);
  if (key == "cache_read_input_tokens") return read_count(value, scan.cache_read);
  if (key == "cache_creation") return read_split(value, scan);
  if (key == "speed") return read_speed(value, scan.speed);
  if (level == UsageLevel::kMessage) {
    return key == "iterations" ? read_iterations(value, advisors) : ReadStatus::kOk;
  }
  if (key == "type") return read_string(value, scan.type);
  if (key == "model") return read_string(value, scan.model);
  return ReadStatus::kOk;
}

ReadStatus read_usage_object(ondemand::object& object, UsageLevel level, UsageScan& scan,
                             std::vector<AdvisorUsage>& advisors) {
  return for_each_field(object, [&](raw_json_string key, ondemand::value& member) {
    return read_usage_member(key, member, scan, level, advisors);
  });
}

// One iterations[] item, appended to `advisors` when it is a usable advisor_message.
ReadStatus read_iteration(ondemand::value& item, std::vector<AdvisorUsage>& advisors) {
  ondemand::object object;
  simdjson::error_code error = item.get_object().get(object);
  if (error) return error == simdjson::INCORRECT_TYPE ? ReadStatus::kBadUsage : ReadStatus::kInvalidJson;
  UsageScan scan;
  RawUsage usage;
  ReadStatus status = read_usage_object(object, UsageLevel::kIteration, scan, advisors);
  if (status == ReadStatus::kOk) status = finish_usage(scan, usage);
  if (status == ReadStatus::kOk && scan.type == kAdvisorType && !scan.model.empty()) {
    advisors.push_back({scan.model, usage});
  }
  return status;
}

ReadStatus read_iterations(ondemand::value& value, std::vector<AdvisorUsage>& advisors) {
  advisors.clear();
  ondemand::array array;
  simdjson::error_code error = value.get_array().get(array);
  if (error) return absent_or_invalid(error);
  bool all_usable = true;
  for (auto element : array) {
    ondemand::value item;
    if (std::move(element).get(item)) return ReadStatus::kInvalidJson;
    ReadStatus status = read_iteration(item, advisors);
    if (status == ReadStatus::kInvalidJson) return status;
    all_usable = all_usable && status == ReadStatus::kOk;
  }
  if (!all_usable) advisors.clear();
  return ReadStatus::kOk;
}

}  // namespace

ReadStatus read_usage(ondemand::object& object, RawUsage& out, std::vector<AdvisorUsage>& advisors) {
  advisors.clear();
  UsageScan scan;
  ReadStatus status = read_usage_object(object, UsageLevel::kMessage, scan, advisors);
  return status == ReadStatus::kOk ? finish_usage(scan, out) : status;
}

}  // namespace cu
