#include "parse/line_fields_reader.h"

#include <optional>

#include "parse/ondemand_read.h"
#include "parse/usage_reader.h"

namespace cu {
namespace {

using simdjson::ondemand::raw_json_string;

// A `usage` that is null counts as absent; any other non-object is an unusable usage.
ReadStatus read_usage_value(ondemand::value& value, MessageFields& message) {
  ondemand::object object;
  simdjson::error_code error = value.get_object().get(object);
  if (error == simdjson::INCORRECT_TYPE) return is_null(value) ? ReadStatus::kOk : ReadStatus::kBadUsage;
  if (error) return ReadStatus::kInvalidJson;
  message.has_usage = true;
  return read_usage(object, message.usage, message.advisors);
}

ReadStatus read_message_member(raw_json_string key, ondemand::value& value, MessageFields& message) {
  if (key == "usage") return read_usage_value(value, message);
  if (key == "id") return read_string(value, message.id);
  if (key == "model") return read_string(value, message.model);
  return ReadStatus::kOk;
}

// A `message` that is not an object (a plain string in some user lines) carries no usage.
ReadStatus read_message(ondemand::value& value, MessageFields& message) {
  message.reset();
  ondemand::object object;
  simdjson::error_code error = value.get_object().get(object);
  if (error) return absent_or_invalid(error);
  return for_each_field(object, [&](raw_json_string key, ondemand::value& member) {
    return read_message_member(key, member, message);
  });
}

// The members the top level and a progress line's data.message have in common; nullopt when
// `key` is none of them.
std::optional<ReadStatus> read_envelope_member(raw_json_string key, ondemand::value& value,
                                               EnvelopeFields& envelope) {
  if (key == "message") return read_message(value, envelope.message);
  if (key == "timestamp") return read_string(value, envelope.timestamp);
  if (key == "requestId") return read_string(value, envelope.request_id);
  if (key == "isSidechain") return read_bool(value, envelope.is_sidechain);
  if (key == "costUSD") return read_double(value, envelope.cost_usd);
  return std::nullopt;
}

ReadStatus read_progress_envelope(ondemand::value& value, EnvelopeFields& envelope) {
  envelope.reset();
  ondemand::object object;
  simdjson::error_code error = value.get_object().get(object);
  if (error) return absent_or_invalid(error);
  return for_each_field(object, [&](raw_json_string key, ondemand::value& member) {
    return read_envelope_member(key, member, envelope).value_or(ReadStatus::kOk);
  });
}

ReadStatus read_data(ondemand::value& value, EnvelopeFields& progress) {
  ondemand::object object;
  simdjson::error_code error = value.get_object().get(object);
  if (error) return absent_or_invalid(error);
  return for_each_field(object, [&](raw_json_string key, ondemand::value& member) {
    return key == "message" ? read_progress_envelope(member, progress) : ReadStatus::kOk;
  });
}

ReadStatus read_top_member(raw_json_string key, ondemand::value& value, LineFields& fields) {
  if (std::optional<ReadStatus> status = read_envelope_member(key, value, fields.top)) return *status;
  if (key == "cwd") return read_string(value, fields.cwd);
  if (key == "data") return read_data(value, fields.progress);
  return ReadStatus::kOk;
}

// After the top-level object has been iterated: whether nothing (such as `} {...}`) follows it.
bool at_document_end(ondemand::document& document) {
  return document.current_location().error() == simdjson::OUT_OF_BOUNDS;
}

}  // namespace

ReadStatus read_line_fields(ondemand::document& document, LineFields& fields) {
  fields.reset();
  ondemand::object object;
  if (document.get_object().get(object)) return ReadStatus::kInvalidJson;
  ReadStatus status = for_each_field(object, [&](raw_json_string key, ondemand::value& member) {
    return read_top_member(key, member, fields);
  });
  if (status != ReadStatus::kOk) return status;
  return at_document_end(document) ? ReadStatus::kOk : ReadStatus::kInvalidJson;
}

}  // namespace cu
