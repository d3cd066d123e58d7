#include "ids.h"

namespace cu::gen {
namespace {

constexpr std::string_view kHex = "0123456789abcdef";
constexpr std::string_view kBase62 =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
constexpr std::string_view kBase64 =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void append_random(ShortId& id, Rng& rng, std::string_view alphabet, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) id.push_back(alphabet[rng.below(alphabet.size())]);
}

ShortId prefixed(Rng& rng, std::string_view prefix, std::size_t n) {
  ShortId id;
  id.append(prefix);
  append_random(id, rng, kBase62, n);
  return id;
}

}  // namespace

void ShortId::append(std::string_view text) {
  for (char c : text) push_back(c);
}

void ShortId::push_back(char c) {
  if (size_ < kCapacity) data_[size_++] = c;
}

ShortId make_uuid(Rng& rng) {
  std::uint64_t hi = rng.next();
  std::uint64_t lo = rng.next();
  ShortId id;
  for (int i = 0; i < 32; ++i) {
    if (i == 8 || i == 12 || i == 16 || i == 20) id.push_back('-');
    std::uint64_t& word = i < 16 ? hi : lo;
    unsigned nibble = static_cast<unsigned>(word & 0xF);
    word >>= 4;
    if (i == 12) nibble = 4;                 // version 4
    if (i == 16) nibble = 8 | (nibble & 3);  // RFC 4122 variant
    id.push_back(kHex[nibble]);
  }
  return id;
}

ShortId make_message_id(Rng& rng, bool vertex) {
  return prefixed(rng, vertex ? "msg_vrtx_01" : "msg_01", 22);
}

ShortId make_request_id(Rng& rng) { return prefixed(rng, "req_011C", 20); }

ShortId make_tool_use_id(Rng& rng) { return prefixed(rng, "toolu_01", 22); }

ShortId make_agent_id(Rng& rng) {
  ShortId id;
  id.push_back('a');
  append_random(id, rng, kHex, 6);
  return id;
}

void append_base64(std::string& out, Rng& rng, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) out.push_back(kBase64[rng.below(kBase64.size())]);
}

}  // namespace cu::gen
