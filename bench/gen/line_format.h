#pragma once
// The JSON shapes of Claude Code transcript lines, written by hand onto the end of a string.
// Every std::string_view handed in as a string value must already be a valid JSON string body
// (escaped); the generator only passes ids, fixed words and TextPool slices.
#include <cstdint>
#include <string>
#include <string_view>

#include "ids.h"
#include "timestamp.h"

namespace cu::gen {

// Which Claude Code generation wrote the session; decides key order and optional fields.
enum class ClientStyle {
  kV1,   // 1.0.x: usage without the cache_creation split, message keys id-first
  kV20,  // 2.0.x: cache_creation split
  kV21,  // 2.1.x: server_tool_use, inference_geo, speed, sometimes iterations
};

// What every line of one session repeats.
struct SessionTraits {
  std::string_view cwd;
  std::string_view version;
  std::string_view git_branch;
  std::string_view slug;  // empty: not written
  ShortId session_id;
  ClientStyle style = ClientStyle::kV20;
  bool envelope_last = false;  // newest clients write cwd, sessionId, version… after the body
  bool iterations = false;     // usage.iterations mirrors the usage (type "message")
};

// Who a line belongs to inside its file.
struct LineOrigin {
  std::string_view parent_uuid;  // empty: null
  bool sidechain = false;
  std::string_view agent_id;  // empty: not written
};

struct Usage {
  std::int64_t input = 0;
  std::int64_t cache_creation = 0;
  std::int64_t cache_read = 0;
  std::int64_t ephemeral_5m = 0;  // with ephemeral_1h, sums to cache_creation
  std::int64_t ephemeral_1h = 0;
  bool split = true;       // write the cache_creation object
  std::string_view speed;  // "standard", "fast", or empty: not written
};

void append_number(std::string& out, std::int64_t value);
// Appends "key":"value", (with the trailing comma).
void append_field(std::string& out, std::string_view key, std::string_view value);

// `{"parentUuid":…,"isSidechain":…,` and, unless traits.envelope_last, the session fields.
void begin_envelope(std::string& out, const SessionTraits& traits, const LineOrigin& origin);
// `"uuid":…,"timestamp":…` (+ the session fields when envelope_last) `}\n`.
void end_envelope(std::string& out, const SessionTraits& traits, std::string_view uuid, Millis at,
                  bool fraction);

// The usage object for one line of a response, whose output count so far is `output`.
void append_usage(std::string& out, const Usage& usage, std::int64_t output, ClientStyle style,
                  bool iterations);

// Lines without a session envelope.
void append_summary_line(std::string& out, std::string_view title, std::string_view leaf_uuid);
void append_snapshot_line(std::string& out, std::string_view message_uuid, Millis at,
                          std::string_view tracked_json, bool update);
void append_queue_line(std::string& out, std::string_view operation, Millis at,
                       std::string_view session_id, std::string_view content);

}  // namespace cu::gen
