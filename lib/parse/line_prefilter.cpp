#include "parse/line_prefilter.h"

#include <cstdint>
#include <cstring>

namespace cu {
namespace {

constexpr std::string_view kUsageMarker = "\"usage\"";

constexpr std::size_t kBlock = 16;

bool is_json_whitespace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Whether the marker starts at any of the `count` positions from `block` (all of them complete
// within the text).
bool has_marker_at_any(const char* block, std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) {
    if (std::memcmp(block + i, kUsageMarker.data(), kUsageMarker.size()) == 0) return true;
  }
  return false;
}

}  // namespace

std::string_view trim_json_whitespace(std::string_view line) {
  while (!line.empty() && is_json_whitespace(line.front())) line.remove_prefix(1);
  while (!line.empty() && is_json_whitespace(line.back())) line.remove_suffix(1);
  return line;
}

bool looks_like_object(std::string_view text) {
  return text.size() >= 2 && text.front() == '{' && text.back() == '}';
}

// Checks 16 candidate positions at a time for 'u' at +1 and 'g' at +4, the pair of the marker's
// bytes that is rarest in transcripts (about one false candidate per true one, against one quote
// every few bytes for a search keyed on '"'); candidates are confirmed with memcmp. GCC vector
// types compile to SSE2 / NEON without any target-specific code.
bool contains_usage_marker(std::string_view text) {
  using Bytes = unsigned char __attribute__((vector_size(kBlock)));
  if (text.size() < kUsageMarker.size()) return false;
  const char* data = text.data();
  const std::size_t last_start = text.size() - kUsageMarker.size();
  std::size_t start = 0;
  for (; start + kBlock <= last_start + 1; start += kBlock) {
    Bytes at_u, at_g;
    std::memcpy(&at_u, data + start + 1, kBlock);
    std::memcpy(&at_g, data + start + 4, kBlock);
    const Bytes hits = (at_u == 'u') & (at_g == 'g');
    std::uint64_t halves[2];
    std::memcpy(halves, &hits, kBlock);
    if ((halves[0] | halves[1]) != 0 && has_marker_at_any(data + start, kBlock)) return true;
  }
  return text.substr(start).find(kUsageMarker) != std::string_view::npos;
}

}  // namespace cu
