#pragma once
// Turns one JSONL line of a Claude Code transcript into its usage entries (SPEC §3).
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "parse/usage_entry.h"

namespace cu {

// Why a line yielded nothing although it should have been a transcript line. Lines that are valid
// but carry no usage (user, progress without usage, summary, unknown types...) are not skips.
enum class SkipReason : std::uint8_t {
  kInvalidJson,      // not a JSON object, truncated, garbage
  kInvalidUtf8,      // bytes that are not UTF-8
  kBadUsage,         // message.usage present but a count has the wrong type, is negative or fractional
  kBadTimestamp,     // usage present but timestamp missing or unparseable
  kTooLarge,         // longer than LineParser::kMaxLineBytes
  kCount_,
};
inline constexpr std::size_t kSkipReasonCount = static_cast<std::size_t>(SkipReason::kCount_);
std::string_view to_string(SkipReason reason);

struct ParseOutcome {
  bool skipped = false;
  SkipReason reason = SkipReason::kInvalidJson;
  std::size_t entries = 0;  // entries appended to the output vector
};

// Not thread-safe: one parser per thread. Reuses its buffers across lines.
class LineParser {
 public:
  static constexpr std::size_t kMaxLineBytes = 64u << 20;
  // Bytes that must be readable (any content) after `line.end()`; see parse().
  static constexpr std::size_t kPadding = 64;

  LineParser();
  ~LineParser();
  LineParser(const LineParser&) = delete;
  LineParser& operator=(const LineParser&) = delete;

  // Parses one line (without its '\n'), appending 0..n entries to `out`.
  // Requires kPadding readable bytes after the line (the reader's buffer guarantees this) so
  // the line is parsed in place, never copied.
  ParseOutcome parse(std::string_view line, std::vector<UsageEntry>& out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Parses an ISO-8601 timestamp (SPEC §3 forms) to Unix epoch milliseconds.
bool parse_timestamp_ms(std::string_view text, std::int64_t& out_ms);

}  // namespace cu
