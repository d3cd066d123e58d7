#include "rollup/usage_blocks.h"

#include <algorithm>
#include <optional>
#include <set>
#include <stdexcept>
#include <string_view>
#include <utility>

#include "core/time.h"
#include "rollup/calendar.h"
#include "rollup/event_order.h"
#include "rollup/summaries.h"

namespace cu {
namespace {

constexpr std::int64_t kHourMs = 3'600'000;

// Collects the events of one non-gap block.
class BlockBuilder {
 public:
  BlockBuilder(const UsageEvent& opener, std::int64_t length_ms) {
    block_.start_ms = block_start_of(opener.entry.timestamp_ms);
    block_.end_ms = block_.start_ms + length_ms;
    block_.block_id = format_timestamp_ms(block_.start_ms);
    block_.first_event_ms = opener.entry.timestamp_ms;
    add(opener);
  }

  void add(const UsageEvent& event) {
    block_.actual_end_ms = event.entry.timestamp_ms;
    add_tokens(block_.tokens, event.entry);
    block_.cost_usd += event.cost_usd;
    ++block_.entries;
    sessions_.emplace(event.project, event.session_id);
    std::string model = report_model_of(event.entry);
    if (!model.empty() && std::find(block_.models.begin(), block_.models.end(), model) == block_.models.end()) {
      block_.models.push_back(std::move(model));
    }
  }

  const UsageBlock& block() const { return block_; }

  UsageBlock finish(std::chrono::hours length, std::int64_t now_ms) {
    block_.session_count = static_cast<std::int64_t>(sessions_.size());
    block_.is_active = block_is_active(block_, length, now_ms);
    return std::move(block_);
  }

 private:
  UsageBlock block_;
  std::set<std::pair<std::string_view, std::string_view>> sessions_;  // views into the events
};

UsageBlock gap_block(std::int64_t last_event_ms, std::int64_t next_event_ms, std::int64_t length_ms) {
  UsageBlock gap;
  gap.start_ms = last_event_ms + length_ms;
  gap.end_ms = next_event_ms;
  gap.block_id = "gap-" + format_timestamp_ms(gap.start_ms);
  gap.is_gap = true;
  return gap;
}

}  // namespace

std::int64_t block_start_of(std::int64_t first_event_ms) {
  const std::int64_t rest = first_event_ms % kHourMs;
  return first_event_ms - (rest < 0 ? rest + kHourMs : rest);
}

bool opens_new_block(std::int64_t block_start_ms, std::int64_t last_event_ms, std::int64_t event_ms,
                     std::chrono::hours block_length) {
  const std::int64_t length_ms = std::chrono::milliseconds(block_length).count();
  return event_ms - last_event_ms > length_ms || event_ms - block_start_ms > length_ms;
}

bool block_is_active(const UsageBlock& block, std::chrono::hours block_length, std::int64_t now_ms) {
  const std::int64_t length_ms = std::chrono::milliseconds(block_length).count();
  return !block.is_gap && now_ms - block.actual_end_ms < length_ms && now_ms < block.end_ms;
}

std::vector<UsageBlock> compute_blocks(std::span<const UsageEvent> events, std::chrono::hours block_length,
                                       std::int64_t now_ms, std::optional<std::int64_t> previous_event_ms) {
  if (block_length.count() <= 0) throw std::invalid_argument("block length must be positive");
  const std::int64_t length_ms = std::chrono::milliseconds(block_length).count();
  std::vector<UsageBlock> blocks;
  std::optional<BlockBuilder> current;
  for (const UsageEvent* event : time_ordered(events)) {
    const std::int64_t ts = event->entry.timestamp_ms;
    const std::optional<std::int64_t> last_ms = current ? current->block().actual_end_ms : previous_event_ms;
    const bool after_gap = last_ms && ts - *last_ms > length_ms;
    if (current && !opens_new_block(current->block().start_ms, *last_ms, ts, block_length)) {
      current->add(*event);
      continue;
    }
    if (current) blocks.push_back(current->finish(block_length, now_ms));
    if (after_gap) blocks.push_back(gap_block(*last_ms, ts, length_ms));
    current.emplace(*event, length_ms);
  }
  if (current) blocks.push_back(current->finish(block_length, now_ms));
  std::stable_sort(blocks.begin(), blocks.end(),
                   [](const UsageBlock& a, const UsageBlock& b) { return a.start_ms < b.start_ms; });
  return blocks;
}

BlockResumePoint block_resume_point(std::span<const UsageBlock> blocks, std::int64_t change_ms) {
  // A block's first event is at most its last event, and before its start + 1 h (the floor).
  auto opened_before_change = [change_ms](const UsageBlock& b) {
    return std::min(b.actual_end_ms, b.start_ms + kHourMs - 1) < change_ms;
  };
  // Non-gap blocks start in increasing order, and so do their last events.
  const UsageBlock* resume = nullptr;
  const UsageBlock* previous = nullptr;
  for (const UsageBlock& block : blocks) {
    if (block.is_gap) continue;
    if (!opened_before_change(block)) break;
    previous = resume;
    resume = &block;
  }
  BlockResumePoint point;
  if (resume == nullptr) return point;
  point.events_after_ms = resume->start_ms - 1;
  if (previous != nullptr) {
    point.keep_through_ms = previous->actual_end_ms;
    point.events_after_ms = std::max(point.events_after_ms, previous->actual_end_ms);
    point.previous_event_ms = previous->actual_end_ms;
  }
  return point;
}

bool keeps_block(const BlockResumePoint& point, const UsageBlock& block) {
  return (block.is_gap ? block.end_ms : block.actual_end_ms) <= point.keep_through_ms;
}

}  // namespace cu
