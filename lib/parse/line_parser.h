#pragma once
// Turns one JSONL line of a Claude Code transcript into its usage entries (SPEC §3).
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "core/usage_entry.h"

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
  // the line is parsed in place, never copied. Never throws; a skipped line appends nothing.
  //
  // Which lines are parsed:
  // - Longer than kMaxLineBytes: kTooLarge, unread. Empty or whitespace-only: nothing, no skip.
  // - Not starting with '{' and ending with '}' (after trimming whitespace): kInvalidJson.
  // - Without the bytes `"usage"`: cannot carry usage, so not parsed; only checked to be UTF-8
  //   (kInvalidUtf8 otherwise). This is what makes the parser fast.
  // - Otherwise parsed with simdjson On-Demand: invalid UTF-8 -> kInvalidUtf8; raw control
  //   characters in strings, truncated or malformed structure, or anything after the top-level
  //   object -> kInvalidJson. The inside of members that are not read is skipped unvalidated
  //   (nothing is taken from it), however deeply nested.
  //
  // Which entries a parsed line yields (SPEC §3); members are found in any order, unknown
  // members and `type`s are ignored, and a member given twice counts with its last value:
  // - `message.usage` is an object: one entry from message.id, message.model, message.usage and
  //   the top-level requestId, timestamp, isSidechain, costUSD and cwd. Any `type` qualifies.
  // - else `data.message.message.usage` is an object (subagent progress, any `type` as in
  //   ccusage): timestamp, requestId, costUSD and isSidechain come from data.message
  //   (isSidechain falls back to the top level), id/model/usage from data.message.message, cwd
  //   from the top level.
  // - plus one entry per `usage.iterations[]` item of type "advisor_message" with a non-empty
  //   model: its own model, counts and speed; message_id `<message.id>:advisor:<n>` with n the
  //   0-based index among those items (ccusage's numbering), empty when message.id is; no
  //   costUSD; the rest as the line's entry.
  // - `<synthetic>` lines are ordinary entries: model "<synthetic>", counts as logged (zero).
  // Missing message.id, requestId, model or cwd give empty strings; a member of the wrong type
  // counts as missing; missing isSidechain is false.
  // Usage counts: see read_usage in usage_reader.h (integers >= 0, 5.0 accepted, null = 0 for
  // the optional ones); an unusable usage object -> kBadUsage. A usage line whose timestamp is
  // missing or not one of parse_timestamp_ms's forms -> kBadTimestamp. `usage: null` or a line
  // without usage yields nothing and is not a skip.
  ParseOutcome parse(std::string_view line, std::vector<UsageEntry>& out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cu
