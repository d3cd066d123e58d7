#pragma once
// Billing blocks (SPEC §6): ccusage's 5-hour algorithm over kept events, and where to resume it
// when events change.
#include <chrono>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <vector>

#include "core/usage_event.h"
#include "rollup/rows.h"

namespace cu {

// The blocks of `events` (kept events, any order), gap blocks included, ordered by start as
// ccusage prints them (a gap block before a block with the same start).
// Events are visited in time order (rollup/event_order.h). The first event opens a block at its
// timestamp floored to the UTC hour; a later event opens a new block when it is more than
// `block_length` after the block's start or after the previous event (strictly). When it is more
// than `block_length` after the previous event, there is also a gap block
// [previous + block_length, event): it ends at the event itself, so it can overlap the next
// block, and it can start after that block's floored start, which then sorts first.
// `previous_event_ms`, when given, is the last event before `events` (see BlockResumePoint): the
// first event then gets the gap block it would have had after it.
// A block is active when `now_ms` − last event < block_length and `now_ms` < its end.
// Throws std::invalid_argument unless block_length is positive.
std::vector<UsageBlock> compute_blocks(std::span<const UsageEvent> events, std::chrono::hours block_length,
                                       std::int64_t now_ms,
                                       std::optional<std::int64_t> previous_event_ms = std::nullopt);

// The start of the block its first event at `first_event_ms` opens: the UTC hour it falls in.
std::int64_t block_start_of(std::int64_t first_event_ms);

// Whether an event at `event_ms` (not earlier than `last_event_ms`) opens a new block after the
// block that started at `block_start_ms` and whose last event so far is at `last_event_ms`: the
// rule of compute_blocks, for callers that cut a time-ordered stream into blocks as it comes.
bool opens_new_block(std::int64_t block_start_ms, std::int64_t last_event_ms, std::int64_t event_ms,
                     std::chrono::hours block_length);

// Whether a non-gap block is active at `now_ms` (the rule of compute_blocks). Lets callers
// refresh the status of stored blocks as time passes.
bool block_is_active(const UsageBlock& block, std::chrono::hours block_length, std::int64_t now_ms);

// How to update blocks after events changed, without recomputing all of them. The change point
// is a timestamp: events before it are unchanged; events at or after it may have been added,
// removed or moved (a moved event changes at the earlier of its two timestamps).
//
// Given the blocks before the change, the blocks after it are
//   [the old blocks b with keeps_block(point, b)] followed by
//   compute_blocks(events with timestamp > events_after_ms, length, now, previous_event_ms).
// The recomputation starts at the first event of an old block that surely opened before the
// change point: a block's opening depends only on the events before it, so every block from
// there on comes out as a full recomputation would give it.
struct BlockResumePoint {
  // Old blocks whose last event (a gap block: its end) is at or before this stay.
  std::int64_t keep_through_ms = std::numeric_limits<std::int64_t>::min();
  std::int64_t events_after_ms = std::numeric_limits<std::int64_t>::min();
  std::optional<std::int64_t> previous_event_ms;  // the last event of the kept blocks
};

// `blocks` is compute_blocks' output before the change, gap blocks optional (the usage_blocks
// table holds none); only start_ms, actual_end_ms and is_gap of non-gap blocks are read, which
// that table stores. A block surely opened before `change_ms` when its last event or the end of
// its start hour is before it. Its first event is then the first one after the previous block's
// last event and not before its start: a block's last event can sit exactly on the next
// block's floored start.
BlockResumePoint block_resume_point(std::span<const UsageBlock> blocks, std::int64_t change_ms);

// Whether an old block stays unchanged at `point`.
bool keeps_block(const BlockResumePoint& point, const UsageBlock& block);

}  // namespace cu
