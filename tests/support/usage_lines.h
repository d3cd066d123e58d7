#pragma once
// Transcript lines for the tests that follow files: assistant lines with usage, numbered so that
// each `n` is its own message (msg_<n>, req_<n>) at 2026-02-01T10:<n mod 60>:00Z.
#include <string>

#include <fmt/format.h>

namespace cu::test {

// One line, '\n'-terminated: 100 input tokens and `output` output tokens of claude-sonnet-4.
inline std::string usage_line(int n, int output = 5) {
  return fmt::format(
             R"({{"type":"assistant","timestamp":"2026-02-01T10:{:02}:00.000Z","requestId":"req_{}",)"
             R"("message":{{"id":"msg_{}","model":"claude-sonnet-4-20250514","usage":{{"input_tokens":100,)"
             R"("output_tokens":{},"cache_creation_input_tokens":0,"cache_read_input_tokens":0}}}}}})",
             n % 60, n, n, output) +
         "\n";
}

// usage_line(n) for n in [first, first + count).
inline std::string usage_lines(int first, int count) {
  std::string text;
  for (int n = first; n < first + count; ++n) text += usage_line(n);
  return text;
}

}  // namespace cu::test
