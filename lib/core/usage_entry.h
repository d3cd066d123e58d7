#pragma once
// One usage entry as logged by Claude Code (SPEC §3): the unit that deduplication, pricing and
// every rollup work on. Plain data; no I/O.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cu {

enum class Speed : std::uint8_t { kUnset, kStandard, kFast };

struct TokenCounts {
  std::int64_t input = 0;
  std::int64_t output = 0;
  std::int64_t cache_creation = 0;  // cache_creation_input_tokens (5m + 1h when split)
  std::int64_t cache_read = 0;
  // `cache_creation` object present: its 5m/1h split (their sum is cache_creation).
  bool has_cache_split = false;
  std::int64_t cache_creation_5m = 0;
  std::int64_t cache_creation_1h = 0;

  std::int64_t total() const { return input + output + cache_creation + cache_read; }
  friend bool operator==(const TokenCounts&, const TokenCounts&) = default;
};

struct UsageEntry {
  std::string message_id;  // message.id; empty: never deduplicated
  std::string request_id;  // requestId; empty: absent
  std::string model;       // as logged ("<synthetic>" kept verbatim; pricing makes it cost 0)
  std::int64_t timestamp_ms = 0;  // Unix epoch milliseconds (UTC)
  TokenCounts tokens;
  std::optional<double> logged_cost_usd;  // costUSD, only in very old logs
  Speed speed = Speed::kUnset;
  bool is_sidechain = false;
  std::string cwd;  // the line's cwd, for the session's human project name; may be empty

  friend bool operator==(const UsageEntry&, const UsageEntry&) = default;
};

inline constexpr std::string_view kSyntheticModel = "<synthetic>";

}  // namespace cu
