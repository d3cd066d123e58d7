#pragma once
// Burn rate, projection and token-limit status of the active block (SPEC §6), with ccusage
// 20.0.24's rounding.
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "rollup/rows.h"

namespace cu {

struct BurnRate {
  double tokens_per_minute = 0;                // all four token kinds
  double tokens_per_minute_for_indicator = 0;  // input + output only
  double cost_per_hour = 0;

  friend bool operator==(const BurnRate&, const BurnRate&) = default;
};

struct Projection {
  std::int64_t total_tokens = 0;       // rounded to a whole token
  double total_cost = 0;               // rounded to cents
  std::int64_t remaining_minutes = 0;  // rounded; the projection uses this rounded value

  friend bool operator==(const Projection&, const Projection&) = default;
};

enum class TokenLimitLevel { kOk, kWarning, kExceeds };

struct TokenLimitStatus {
  std::int64_t limit = 0;
  std::int64_t projected_usage = 0;
  double percent_used = 0;  // projected / limit × 100, unrounded
  TokenLimitLevel level = TokenLimitLevel::kOk;

  friend bool operator==(const TokenLimitStatus&, const TokenLimitStatus&) = default;
};

// The rate between the block's first and last event; nullopt for a gap block and for a block
// whose events all share one timestamp. ccusage reports it for the active block only.
std::optional<BurnRate> burn_rate(const UsageBlock& block);

// Where the block ends up if it keeps burning at `rate` until its end:
// remaining = round(max(0, end − now) in minutes); tokens = round(total + rate × remaining);
// cost = round2(cost + cost_per_hour / 60 × remaining). Rounding is JavaScript's Math.round.
Projection project_block(const UsageBlock& block, const BurnRate& rate, std::int64_t now_ms);

// The first instant after `now_ms` at which project_block's rounded remaining minutes (and so the
// whole projection) differ from what they are at `now_ms`; INT64_MAX when they never will (zero
// minutes left).
std::int64_t projection_unchanged_until(const UsageBlock& block, std::int64_t now_ms);

// The `--token-limit max` limit: the largest total_tokens of a completed (non-active, non-gap)
// block, or 0 when there is none.
std::int64_t max_completed_block_tokens(std::span<const UsageBlock> blocks);

// `exceeds` when projected > limit, `warning` when projected > 80 % of limit, else `ok`; nullopt
// when limit ≤ 0 (ccusage shows no status then, e.g. for `max` without a completed block).
std::optional<TokenLimitStatus> token_limit_status(std::int64_t projected_tokens, std::int64_t limit);

// "ok", "warning" or "exceeds".
std::string_view token_limit_level_name(TokenLimitLevel level);

}  // namespace cu
