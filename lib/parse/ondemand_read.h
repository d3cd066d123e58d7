#pragma once
// Small readers over simdjson On-Demand values shared by the line walkers (internal to cu_parse).
// Convention: a value of an unexpected type reads as absent (kOk); any other simdjson error means
// the line is broken JSON (kInvalidJson). None of them throws.
#include <optional>
#include <string_view>
#include <utility>

#include <simdjson.h>

#include "parse/line_fields.h"

namespace cu {

namespace ondemand = simdjson::ondemand;

inline ReadStatus absent_or_invalid(simdjson::error_code error) {
  return error == simdjson::INCORRECT_TYPE ? ReadStatus::kOk : ReadStatus::kInvalidJson;
}

inline bool is_null(ondemand::value& value) {
  bool null = false;
  return !value.is_null().get(null) && null;
}

inline ReadStatus read_string(ondemand::value& value, std::string_view& out) {
  simdjson::error_code error = value.get_string().get(out);
  if (error) out = {};
  return error ? absent_or_invalid(error) : ReadStatus::kOk;
}

inline ReadStatus read_string(ondemand::value& value, std::optional<std::string_view>& out) {
  std::string_view text;
  simdjson::error_code error = value.get_string().get(text);
  out = error ? std::nullopt : std::optional<std::string_view>(text);
  return error ? absent_or_invalid(error) : ReadStatus::kOk;
}

inline ReadStatus read_bool(ondemand::value& value, std::optional<bool>& out) {
  bool flag = false;
  simdjson::error_code error = value.get_bool().get(flag);
  out = error ? std::nullopt : std::optional<bool>(flag);
  return error ? absent_or_invalid(error) : ReadStatus::kOk;
}

inline ReadStatus read_double(ondemand::value& value, std::optional<double>& out) {
  double number = 0;
  simdjson::error_code error = value.get_double().get(number);
  out = error ? std::nullopt : std::optional<double>(number);
  return error ? absent_or_invalid(error) : ReadStatus::kOk;
}

// Calls `on_field(key, value)` for every member of `object` in document order, stopping at the
// first status other than kOk. Members the callback does not consume are skipped by simdjson.
template <typename OnField>
ReadStatus for_each_field(ondemand::object& object, OnField&& on_field) {
  for (auto member : object) {
    ondemand::field field;
    if (std::move(member).get(field)) return ReadStatus::kInvalidJson;
    ReadStatus status = on_field(field.key(), field.value());
    if (status != ReadStatus::kOk) return status;
  }
  return ReadStatus::kOk;
}

}  // namespace cu
