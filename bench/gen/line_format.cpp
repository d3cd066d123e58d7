#include "line_format.h"

#include <charconv>

namespace cu::gen {
namespace {

void append_session_fields(std::string& out, const SessionTraits& traits) {
  out.append("\"userType\":\"external\",");
  if (traits.envelope_last) out.append("\"entrypoint\":\"cli\",");
  append_field(out, "cwd", traits.cwd);
  append_field(out, "sessionId", traits.session_id.view());
  append_field(out, "version", traits.version);
  append_field(out, "gitBranch", traits.git_branch);
}

void append_split(std::string& out, const Usage& usage, bool one_hour_first) {
  out.append("\"cache_creation\":{");
  if (one_hour_first) {
    out.append("\"ephemeral_1h_input_tokens\":");
    append_number(out, usage.ephemeral_1h);
    out.append(",\"ephemeral_5m_input_tokens\":");
    append_number(out, usage.ephemeral_5m);
  } else {
    out.append("\"ephemeral_5m_input_tokens\":");
    append_number(out, usage.ephemeral_5m);
    out.append(",\"ephemeral_1h_input_tokens\":");
    append_number(out, usage.ephemeral_1h);
  }
  out.push_back('}');
}

void append_counts(std::string& out, const Usage& usage, std::int64_t output) {
  out.append("\"input_tokens\":");
  append_number(out, usage.input);
  out.append(",\"output_tokens\":");
  append_number(out, output);
  out.append(",\"cache_read_input_tokens\":");
  append_number(out, usage.cache_read);
  out.append(",\"cache_creation_input_tokens\":");
  append_number(out, usage.cache_creation);
}

// 1.0 and 2.0 order: input, cache creation, cache read, [split], output, service_tier.
void append_classic_usage(std::string& out, const Usage& usage, std::int64_t output, bool split) {
  out.append("{\"input_tokens\":");
  append_number(out, usage.input);
  out.append(",\"cache_creation_input_tokens\":");
  append_number(out, usage.cache_creation);
  out.append(",\"cache_read_input_tokens\":");
  append_number(out, usage.cache_read);
  out.push_back(',');
  if (split) {
    append_split(out, usage, false);
    out.push_back(',');
  }
  out.append("\"output_tokens\":");
  append_number(out, output);
  out.append(",\"service_tier\":\"standard\"}");
}

// 2.1 order: input, cache creation, cache read, output, server_tool_use, service_tier, split,
// inference_geo, [iterations], [speed].
void append_recent_usage(std::string& out, const Usage& usage, std::int64_t output,
                         bool iterations) {
  out.append("{\"input_tokens\":");
  append_number(out, usage.input);
  out.append(",\"cache_creation_input_tokens\":");
  append_number(out, usage.cache_creation);
  out.append(",\"cache_read_input_tokens\":");
  append_number(out, usage.cache_read);
  out.append(",\"output_tokens\":");
  append_number(out, output);
  out.append(
      ",\"server_tool_use\":{\"web_search_requests\":0,\"web_fetch_requests\":0},"
      "\"service_tier\":\"standard\",");
  append_split(out, usage, true);
  out.append(",\"inference_geo\":\"not_available\"");
  if (iterations) {
    out.append(",\"iterations\":[{");
    append_counts(out, usage, output);
    out.push_back(',');
    append_split(out, usage, false);
    out.append(",\"type\":\"message\"}]");
  }
  if (!usage.speed.empty()) {
    out.append(",\"speed\":\"");
    out.append(usage.speed);
    out.push_back('"');
  }
  out.push_back('}');
}

}  // namespace

void append_number(std::string& out, std::int64_t value) {
  char digits[24];
  auto [end, error] = std::to_chars(digits, digits + sizeof digits, value);
  (void)error;  // 24 characters hold any int64
  out.append(digits, end);
}

void append_field(std::string& out, std::string_view key, std::string_view value) {
  out.push_back('"');
  out.append(key);
  out.append("\":\"");
  out.append(value);
  out.append("\",");
}

void begin_envelope(std::string& out, const SessionTraits& traits, const LineOrigin& origin) {
  out.append("{\"parentUuid\":");
  if (origin.parent_uuid.empty()) {
    out.append("null");
  } else {
    out.push_back('"');
    out.append(origin.parent_uuid);
    out.push_back('"');
  }
  out.append(origin.sidechain ? ",\"isSidechain\":true," : ",\"isSidechain\":false,");
  if (!traits.envelope_last) append_session_fields(out, traits);
  if (!origin.agent_id.empty()) append_field(out, "agentId", origin.agent_id);
  if (!traits.slug.empty()) append_field(out, "slug", traits.slug);
}

void end_envelope(std::string& out, const SessionTraits& traits, std::string_view uuid, Millis at,
                  bool fraction) {
  out.append("\"uuid\":\"");
  out.append(uuid);
  out.append("\",\"timestamp\":\"");
  append_timestamp(out, at, fraction);
  out.push_back('"');
  if (traits.envelope_last) {
    out.push_back(',');
    append_session_fields(out, traits);
    out.pop_back();  // the trailing comma of the last field
  }
  out.append("}\n");
}

void append_usage(std::string& out, const Usage& usage, std::int64_t output, ClientStyle style,
                  bool iterations) {
  if (style == ClientStyle::kV21) {
    append_recent_usage(out, usage, output, iterations);
  } else {
    append_classic_usage(out, usage, output, usage.split && style != ClientStyle::kV1);
  }
}

void append_summary_line(std::string& out, std::string_view title, std::string_view leaf_uuid) {
  out.append("{\"type\":\"summary\",\"summary\":\"");
  out.append(title);
  out.append("\",\"leafUuid\":\"");
  out.append(leaf_uuid);
  out.append("\"}\n");
}

void append_snapshot_line(std::string& out, std::string_view message_uuid, Millis at,
                          std::string_view tracked_json, bool update) {
  out.append("{\"type\":\"file-history-snapshot\",\"messageId\":\"");
  out.append(message_uuid);
  out.append("\",\"snapshot\":{\"messageId\":\"");
  out.append(message_uuid);
  out.append("\",\"trackedFileBackups\":");
  out.append(tracked_json);
  out.append(",\"timestamp\":\"");
  append_timestamp(out, at, true);
  out.append(update ? "\"},\"isSnapshotUpdate\":true}\n" : "\"},\"isSnapshotUpdate\":false}\n");
}

void append_queue_line(std::string& out, std::string_view operation, Millis at,
                       std::string_view session_id, std::string_view content) {
  out.append("{\"type\":\"queue-operation\",\"operation\":\"");
  out.append(operation);
  out.append("\",\"timestamp\":\"");
  append_timestamp(out, at, true);
  out.append("\",\"sessionId\":\"");
  out.append(session_id);
  out.push_back('"');
  if (!content.empty()) {
    out.append(",\"content\":\"");
    out.append(content);
    out.push_back('"');
  }
  out.append("}\n");
}

}  // namespace cu::gen
