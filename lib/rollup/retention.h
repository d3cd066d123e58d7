#pragma once
// Retention (SPEC §13, config key retention.raw_events_months): which days are frozen, where raw
// events may be dropped, and how a session's rows are put together from the part of it whose
// events were dropped and the part still stored. Pure functions; the stores do the I/O.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "rollup/rows.h"

namespace cu {

// The first day that keeps its raw events when `months` full months before the month of
// `today` (a local date, YYYY-MM-DD) are kept: the first day of the month `months` before
// today's. 2026-12-04 with 3 months: 2026-09-01. `months` must be at least 1.
std::string retention_cutoff(std::string_view today, int months);

// The day after `date` (YYYY-MM-DD).
std::string next_day(std::string_view date);

// The dates at which to freeze, one day at a time, to bring the frozen days from `frozen_before`
// (the current cut-off, or the first day with events when nothing is frozen yet; nullopt: nothing
// stored) up to `target`: each following day up to and including `target`. Empty when `target` is
// not later than `frozen_before`. A day a step keeps each transaction short (at 5 GB of history a
// month's step took 1.7 s on the daemon's loop).
std::vector<std::string> freeze_steps(const std::optional<std::string>& frozen_before, const std::string& target);

// Where a store may drop raw events when it freezes the days before the instant `cutoff_ms`: at
// `cutoff_ms`, or at the start of the 5-hour block that is open across it (its start before and
// its end after `cutoff_ms`; `blocks` are the stored non-gap blocks in any order), whose events
// must stay so that the block can be computed again from them.
std::int64_t drop_before_ms(std::int64_t cutoff_ms, std::span<const UsageBlock> blocks);

// A session's rows: the session row (absent: no events) and its per-model rows (date empty).
struct SessionParts {
  std::optional<SessionRow> session;
  std::vector<ModelDailyRow> models;
};

// The rows of a session whose events before some instant were dropped (`frozen`, their rows
// computed before they were) and whose later events are still stored (`live`, computed from
// them), equal to summarize_session's and summarize_models_of_day's over all the events: tokens,
// counts, start and end exactly; costs as sums of the two parts' sums; the costliest model over
// both; the project name of the latest part that logged a working directory.
SessionParts merge_session(const SessionParts& frozen, const SessionParts& live);

}  // namespace cu
