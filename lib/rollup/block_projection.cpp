#include "rollup/block_projection.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace cu {
namespace {

constexpr double kMinuteMs = 60'000;
constexpr double kWarningShare = 0.8;

// JavaScript's Math.round: the nearest integer, halves toward +infinity. Written without
// floor(x + 0.5), which rounds the largest double below 0.5 up.
double js_round(double x) {
  const double down = std::floor(x);
  return x - down >= 0.5 ? down + 1 : down;
}

}  // namespace

std::optional<BurnRate> burn_rate(const UsageBlock& block) {
  if (block.is_gap || block.entries == 0) return std::nullopt;
  const double minutes = static_cast<double>(block.actual_end_ms - block.first_event_ms) / kMinuteMs;
  if (minutes <= 0) return std::nullopt;
  BurnRate rate;
  rate.tokens_per_minute = static_cast<double>(block.tokens.total()) / minutes;
  rate.tokens_per_minute_for_indicator = static_cast<double>(block.tokens.input + block.tokens.output) / minutes;
  rate.cost_per_hour = block.cost_usd / minutes * 60;
  return rate;
}

Projection project_block(const UsageBlock& block, const BurnRate& rate, std::int64_t now_ms) {
  const double remaining = js_round(std::max(0.0, static_cast<double>(block.end_ms - now_ms) / kMinuteMs));
  Projection projection;
  projection.remaining_minutes = static_cast<std::int64_t>(remaining);
  projection.total_tokens = static_cast<std::int64_t>(
      js_round(static_cast<double>(block.tokens.total()) + rate.tokens_per_minute * remaining));
  projection.total_cost = js_round((block.cost_usd + rate.cost_per_hour / 60 * remaining) * 100) / 100;
  return projection;
}

std::int64_t projection_unchanged_until(const UsageBlock& block, std::int64_t now_ms) {
  const auto minute = static_cast<std::int64_t>(kMinuteMs);
  const double remaining = js_round(std::max(0.0, static_cast<double>(block.end_ms - now_ms) / kMinuteMs));
  const auto minutes = static_cast<std::int64_t>(remaining);
  if (minutes == 0) return std::numeric_limits<std::int64_t>::max();
  // round(d / 1 min) stays at `minutes` while d >= minutes × 1 min − 30 s (half-way rounds up).
  return block.end_ms - minutes * minute + minute / 2 + 1;
}

std::int64_t max_completed_block_tokens(std::span<const UsageBlock> blocks) {
  std::int64_t largest = 0;
  for (const UsageBlock& block : blocks) {
    if (!block.is_gap && !block.is_active) largest = std::max(largest, block.tokens.total());
  }
  return largest;
}

std::optional<TokenLimitStatus> token_limit_status(std::int64_t projected_tokens, std::int64_t limit) {
  if (limit <= 0) return std::nullopt;
  TokenLimitStatus status;
  status.limit = limit;
  status.projected_usage = projected_tokens;
  status.percent_used = static_cast<double>(projected_tokens) / static_cast<double>(limit) * 100;
  if (projected_tokens > limit) {
    status.level = TokenLimitLevel::kExceeds;
  } else if (static_cast<double>(projected_tokens) > static_cast<double>(limit) * kWarningShare) {
    status.level = TokenLimitLevel::kWarning;
  }
  return status;
}

std::string_view token_limit_level_name(TokenLimitLevel level) {
  switch (level) {
    case TokenLimitLevel::kOk:
      return "ok";
    case TokenLimitLevel::kWarning:
      return "warning";
    case TokenLimitLevel::kExceeds:
      return "exceeds";
  }
  return "ok";
}

}  // namespace cu
