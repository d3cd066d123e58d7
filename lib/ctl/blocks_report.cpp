// blocks: the source's blocks with ccusage's gap blocks, filters, burn rate and projection.
#include <algorithm>
#include <limits>
#include <span>

#include <fmt/format.h>

#include "core/time.h"
#include "ctl/protocol.h"
#include "ctl/reports.h"
#include "ctl/usage_rows.h"
#include "limits/p90_limit.h"
#include "rollup/block_projection.h"
#include "rollup/calendar.h"

namespace cu::ctl {
namespace {

using Json = nlohmann::json;

constexpr std::int64_t kHourMs = 3'600'000;
constexpr std::int64_t kRecentMs = 3 * 24 * kHourMs;  // ccusage's --recent: three days

UsageBlock gap_between(const UsageBlock& before, const UsageBlock& after, std::int64_t length_ms) {
  UsageBlock gap;
  gap.start_ms = before.actual_end_ms + length_ms;
  gap.end_ms = after.first_event_ms;
  gap.block_id = "gap-" + format_timestamp_ms(gap.start_ms);
  gap.is_gap = true;
  return gap;
}

void check_session_length(const CommandArgs& args, int block_hours) {
  if (args.session_length && *args.session_length != block_hours) {
    throw ProtocolError(ErrorCode::kInvalidArgs,
                        fmt::format("the daemon keeps {}-hour blocks (rollup.block_hours); --session-length {} "
                                    "would need them recomputed",
                                    block_hours, *args.session_length));
  }
}

std::vector<UsageBlock> in_date_range(std::vector<UsageBlock> blocks, const CommandArgs& args, const Calendar& calendar) {
  if (!args.since && !args.until) return blocks;
  std::erase_if(blocks, [&](const UsageBlock& block) {
    const std::string day = calendar.date_of(block.start_ms);
    return (args.since && day < *args.since) || (args.until && day > *args.until);
  });
  return blocks;
}

// `--token-limit p90` over all the source's blocks, before the filters: it keeps its own recent
// window (SPEC §11). 0 when not asked for or without blocks to compute it from.
std::int64_t p90_limit(const CommandArgs& args, std::span<const UsageBlock> all, const ReportSource& source,
                       std::int64_t now_ms) {
  if (!args.token_limit || !args.token_limit->use_p90) return 0;
  return p90_token_limit(all, now_ms, source.limit_settings()).value_or(0);
}

// The number `limit` names: N; `max` over the blocks the filters left (ccusage's rule); the P90
// computed before them. 0: none.
std::int64_t resolve_limit(const TokenLimit& limit, std::span<const UsageBlock> shown, std::int64_t p90) {
  if (limit.use_p90) return p90;
  return limit.use_max ? max_completed_block_tokens(shown) : limit.tokens;
}

// The first instant at which the answer to `args` may change with the data unchanged (`all`: every
// block, gaps included, before the filters): an active block stops being active at the earlier of
// its end and a block length after its last event, and its projection moves with the rounded
// minutes left; with --recent a block leaves the last three days; with --token-limit p90 a block
// leaves the P90's window (p90_token_limit: blocks started within the window before now).
std::int64_t unchanged_until(std::span<const UsageBlock> all, const CommandArgs& args, std::int64_t length_ms,
                             std::int64_t now_ms, std::int64_t p90_window_ms) {
  const bool p90 = args.token_limit && args.token_limit->use_p90;
  std::int64_t until = std::numeric_limits<std::int64_t>::max();
  for (const UsageBlock& block : all) {
    if (block.is_active) {
      until = std::min({until, block.end_ms, block.actual_end_ms + length_ms});
      if (burn_rate(block)) until = std::min(until, projection_unchanged_until(block, now_ms));
    } else if (args.recent && block.start_ms >= now_ms - kRecentMs) {
      until = std::min(until, block.start_ms + kRecentMs + 1);
    }
    if (p90 && block.start_ms >= now_ms - p90_window_ms) until = std::min(until, block.start_ms + p90_window_ms + 1);
  }
  return until;
}

Json burn_rate_json(const BurnRate& rate) {
  return {{"tokensPerMinute", rate.tokens_per_minute},
          {"tokensPerMinuteForIndicator", rate.tokens_per_minute_for_indicator},
          {"costPerHour", rate.cost_per_hour}};
}

Json projection_json(const Projection& projection) {
  return {{"totalTokens", projection.total_tokens},
          {"totalCost", projection.total_cost},
          {"remainingMinutes", projection.remaining_minutes}};
}

Json token_limit_json(const TokenLimitStatus& status) {
  return {{"limit", status.limit},
          {"projectedUsage", status.projected_usage},
          {"percentUsed", status.percent_used},
          {"status", token_limit_level_name(status.level)}};
}

// Built field by field: an initializer list copies every value it holds (nlohmann's json_ref), and
// a 6-month `blocks` answer has 744 of these objects.
Json block_json(const UsageBlock& block, std::int64_t limit, std::int64_t now_ms) {
  Json counts = Json::object();
  counts["inputTokens"] = block.tokens.input;
  counts["outputTokens"] = block.tokens.output;
  counts["cacheCreationInputTokens"] = block.tokens.cache_creation;
  counts["cacheReadInputTokens"] = block.tokens.cache_read;
  Json object = Json::object();
  object["id"] = block.block_id;
  object["startTime"] = format_timestamp_ms(block.start_ms);
  object["endTime"] = format_timestamp_ms(block.end_ms);
  object["actualEndTime"] = block.is_gap ? Json() : Json(format_timestamp_ms(block.actual_end_ms));
  object["isActive"] = block.is_active;
  object["isGap"] = block.is_gap;
  object["entries"] = block.entries;
  object["tokenCounts"] = std::move(counts);
  object["totalTokens"] = block.tokens.total();
  object["costUSD"] = block.cost_usd;
  object["models"] = block.models;
  object["burnRate"] = nullptr;
  object["projection"] = nullptr;
  const std::optional<BurnRate> rate = block.is_active ? burn_rate(block) : std::nullopt;
  if (!rate) return object;
  const Projection projection = project_block(block, *rate, now_ms);
  object["burnRate"] = burn_rate_json(*rate);
  object["projection"] = projection_json(projection);
  if (const auto status = token_limit_status(projection.total_tokens, limit)) {
    object["tokenLimitStatus"] = token_limit_json(*status);
  }
  return object;
}

}  // namespace

std::vector<UsageBlock> with_gap_blocks(std::span<const UsageBlock> blocks, std::int64_t length_ms) {
  std::vector<UsageBlock> all;
  all.reserve(blocks.size());
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    if (i > 0 && blocks[i].first_event_ms - blocks[i - 1].actual_end_ms > length_ms) {
      all.push_back(gap_between(blocks[i - 1], blocks[i], length_ms));
    }
    all.push_back(blocks[i]);
  }
  std::stable_sort(all.begin(), all.end(),
                   [](const UsageBlock& a, const UsageBlock& b) { return a.start_ms < b.start_ms; });
  return all;
}

nlohmann::json blocks_report(ReportSource& source, const CommandArgs& args, std::int64_t now_ms,
                             std::int64_t* unchanged_until_ms) {
  reject_subagent_breakdown(args);
  const int hours = source.block_hours();
  check_session_length(args, hours);
  // Gap blocks at the edges of the range need the neighbours outside it: filter after adding them.
  std::vector<UsageBlock> blocks = with_gap_blocks(source.blocks(ReportFilter{}, now_ms), hours * kHourMs);
  if (unchanged_until_ms != nullptr) {
    *unchanged_until_ms = unchanged_until(blocks, args, hours * kHourMs, now_ms,
                                          source.limit_settings().p90_window_hours * kHourMs);
  }
  const std::int64_t p90 = p90_limit(args, blocks, source, now_ms);
  blocks = in_date_range(std::move(blocks), args, source.calendar());
  if (args.recent) {
    std::erase_if(blocks, [&](const UsageBlock& b) { return b.start_ms < now_ms - kRecentMs && !b.is_active; });
  }
  if (args.active) std::erase_if(blocks, [](const UsageBlock& b) { return !b.is_active; });
  // ccusage 20.0.24 takes `max` from the blocks left after every filter: with --active there is
  // no completed block, so no limit and no status.
  const std::int64_t limit = args.token_limit ? resolve_limit(*args.token_limit, blocks, p90) : 0;
  if (args.order == SortOrder::kDesc) std::reverse(blocks.begin(), blocks.end());
  Json list = Json::array();
  list.get_ref<Json::array_t&>().reserve(blocks.size());
  for (const UsageBlock& block : blocks) list.push_back(block_json(block, limit, now_ms));
  Json answer = Json::object();
  answer["blocks"] = std::move(list);
  return answer;
}

}  // namespace cu::ctl
