#include "ctl/json_fields.h"

#include "core/time.h"

namespace cu::ctl {

using Json = nlohmann::json;

const Json& at(const Json& object, std::string_view key) {
  static const Json kNull;
  if (!object.is_object()) return kNull;
  const auto it = object.find(key);
  return it == object.end() ? kNull : *it;
}

std::int64_t int_at(const Json& object, std::string_view key) {
  const Json& value = at(object, key);
  return value.is_number() ? value.get<std::int64_t>() : 0;
}

double number_at(const Json& object, std::string_view key) {
  const Json& value = at(object, key);
  return value.is_number() ? value.get<double>() : 0;
}

std::string text_at(const Json& object, std::string_view key) {
  const Json& value = at(object, key);
  return value.is_string() ? value.get<std::string>() : std::string();
}

bool flag_at(const Json& object, std::string_view key) {
  const Json& value = at(object, key);
  return value.is_boolean() && value.get<bool>();
}

std::int64_t time_at(const Json& object, std::string_view key) {
  std::int64_t ms = 0;
  const std::string text = text_at(object, key);
  return !text.empty() && parse_timestamp_ms(text, ms) ? ms : 0;
}

const Json& list_at(const Json& object, std::string_view key) {
  static const Json kEmpty = Json::array();
  const Json& value = at(object, key);
  return value.is_array() ? value : kEmpty;
}

}  // namespace cu::ctl
