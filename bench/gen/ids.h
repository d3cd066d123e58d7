#pragma once
// Identifiers shaped like the ones Claude Code and the API write, held in fixed-size buffers so
// that making one allocates nothing.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "rng.h"

namespace cu::gen {

// An ASCII identifier of at most kCapacity characters; empty by default.
class ShortId {
 public:
  static constexpr std::size_t kCapacity = 48;

  std::string_view view() const { return {data_, size_}; }
  bool empty() const { return size_ == 0; }
  void clear() { size_ = 0; }
  // Appends, silently truncating at kCapacity (callers stay far below it).
  void append(std::string_view text);
  void push_back(char c);

 private:
  char data_[kCapacity] = {};
  std::size_t size_ = 0;
};

// Random v4 UUID, lowercase: "3f1c…-…".
ShortId make_uuid(Rng& rng);
// "msg_01" + 22 base62 characters; with vertex, "msg_vrtx_01" + 22 (Claude on Vertex AI).
ShortId make_message_id(Rng& rng, bool vertex);
// "req_011C" + 20 base62 characters.
ShortId make_request_id(Rng& rng);
// "toolu_01" + 22 base62 characters.
ShortId make_tool_use_id(Rng& rng);
// "a" + 6 lowercase hex digits, the form subagent files are named after.
ShortId make_agent_id(Rng& rng);

// Appends n random base64 characters (thinking signatures).
void append_base64(std::string& out, Rng& rng, std::size_t n);

}  // namespace cu::gen
