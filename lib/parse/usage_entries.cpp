#include "parse/usage_entries.h"

#include <cstddef>
#include <cstdint>
#include <string>

#include "core/time.h"

namespace cu {
namespace {

// The envelope whose message carries the line's usage: the top level's `message`, else the
// subagent progress `data.message.message`.
const EnvelopeFields* usage_envelope(const LineFields& fields) {
  if (fields.top.message.has_usage) return &fields.top;
  if (fields.progress.message.has_usage) return &fields.progress;
  return nullptr;
}

// An entry with the identity every entry of the line shares (request, time, sidechain, cwd).
UsageEntry& append_line_entry(std::vector<UsageEntry>& out, const LineFields& fields,
                              const EnvelopeFields& envelope, std::int64_t timestamp_ms) {
  UsageEntry& entry = out.emplace_back();
  entry.request_id.assign(envelope.request_id);
  entry.timestamp_ms = timestamp_ms;
  entry.is_sidechain = envelope.is_sidechain.value_or(fields.top.is_sidechain.value_or(false));
  entry.cwd.assign(fields.cwd);
  return entry;
}

std::string advisor_message_id(std::string_view message_id, std::size_t index) {
  if (message_id.empty()) return {};
  std::string id(message_id);
  id += ":advisor:";
  id += std::to_string(index);
  return id;
}

void append_advisor_entries(std::vector<UsageEntry>& out, const LineFields& fields,
                            const EnvelopeFields& envelope, std::int64_t timestamp_ms) {
  const std::vector<AdvisorUsage>& advisors = envelope.message.advisors;
  for (std::size_t index = 0; index < advisors.size(); ++index) {
    UsageEntry& entry = append_line_entry(out, fields, envelope, timestamp_ms);
    entry.message_id = advisor_message_id(envelope.message.id, index);
    entry.model.assign(advisors[index].model);
    entry.tokens = advisors[index].usage.tokens;
    entry.speed = advisors[index].usage.speed;
  }
}

}  // namespace

ParseOutcome append_usage_entries(const LineFields& fields, std::vector<UsageEntry>& out) {
  const EnvelopeFields* envelope = usage_envelope(fields);
  if (envelope == nullptr) return {};
  std::int64_t timestamp_ms = 0;
  if (!envelope->timestamp || !parse_timestamp_ms(*envelope->timestamp, timestamp_ms)) {
    return {.skipped = true, .reason = SkipReason::kBadTimestamp};
  }
  const MessageFields& message = envelope->message;
  UsageEntry& entry = append_line_entry(out, fields, *envelope, timestamp_ms);
  entry.message_id.assign(message.id);
  entry.model.assign(message.model);
  entry.tokens = message.usage.tokens;
  entry.speed = message.usage.speed;
  entry.logged_cost_usd = envelope->cost_usd;
  append_advisor_entries(out, fields, *envelope, timestamp_ms);
  return {.entries = 1 + message.advisors.size()};
}

}  // namespace cu
