#include "store/ordered_refresh.h"

#include <algorithm>
#include <limits>
#include <tuple>

#include "core/time.h"
#include "rollup/cache_analytics.h"
#include "rollup/calendar.h"
#include "rollup/model_daily.h"
#include "rollup/summaries.h"

namespace cu {

DateRows date_rows(std::string date, std::span<const UsageEvent> events, const RollupSettings& settings) {
  DateRows rows;
  rows.date = std::move(date);
  if (events.empty()) return rows;
  rows.daily = summarize_day(rows.date, events);
  rows.models = summarize_models_of_day(rows.date, events);
  if (settings.prices != nullptr) rows.cache = summarize_cache_of_day(rows.date, events, *settings.prices);
  return rows;
}

SessionRows session_rows(SessionKey key, std::span<const UsageEvent> events) {
  SessionRows rows;
  rows.key = std::move(key);
  if (events.empty()) return rows;
  rows.session = summarize_session(events);
  rows.models = summarize_models_of_day({}, events);
  return rows;
}

TimeOrderedRefresh::TimeOrderedRefresh(RollupSink& sink, const std::vector<std::string>* dates,
                                       std::optional<BlockResumePoint> blocks, const RollupSettings& settings)
    : sink_(sink), settings_(settings) {
  if (dates != nullptr && !dates->empty()) {
    days_ = true;
    remaining_dates_.insert(dates->begin(), dates->end());
  }
  if (blocks) {
    blocks_ = true;
    point_ = *blocks;
    previous_event_ms_ = point_.previous_event_ms;
  }
}

std::int64_t TimeOrderedRefresh::start_ms() const {
  std::int64_t start = std::numeric_limits<std::int64_t>::max();
  if (days_) start = settings_.calendar->day_range_ms(*remaining_dates_.begin()).first;
  if (blocks_) start = std::min(start, point_.events_after_ms);
  return start;
}

void TimeOrderedRefresh::finish() {
  flush_day();
  flush_run();
  for (const std::string& date : remaining_dates_) sink_.date(date_rows(date, {}, settings_));
  remaining_dates_.clear();
}

void TimeOrderedRefresh::start_day(std::int64_t timestamp_ms) {
  flush_day();
  date_ = settings_.calendar->date_of(timestamp_ms);
  std::tie(day_start_, day_end_) = settings_.calendar->day_range_ms(date_);
  day_dirty_ = remaining_dates_.contains(date_);
  day_begin_ = window_.size();
}

void TimeOrderedRefresh::flush_day() {
  if (!day_dirty_) return;
  sink_.date(date_rows(date_, std::span(window_).subspan(day_begin_), settings_));
  remaining_dates_.erase(date_);
  day_dirty_ = false;
  trim();
}

void TimeOrderedRefresh::flush_run() {
  if (!run_begin_) return;
  const auto run = std::span(window_).subspan(*run_begin_);
  const std::int64_t now = settings_.now_ms != 0 ? settings_.now_ms : now_ms();
  for (UsageBlock& block : compute_blocks(run, settings_.block_length, now, previous_event_ms_)) {
    if (!block.is_gap) sink_.block(std::move(block));
  }
  previous_event_ms_ = run.back().entry.timestamp_ms;
  run_begin_.reset();
  trim();
}

void TimeOrderedRefresh::trim() {
  std::size_t keep_from = window_.size();
  if (day_dirty_) keep_from = std::min(keep_from, day_begin_);
  if (run_begin_) keep_from = std::min(keep_from, *run_begin_);
  if (keep_from == 0) return;
  window_.erase(window_.begin(), window_.begin() + static_cast<std::ptrdiff_t>(keep_from));
  day_begin_ -= std::min(day_begin_, keep_from);
  if (run_begin_) *run_begin_ -= keep_from;
}

void SessionOrderedRefresh::finish() {
  flush();
  for (const SessionKey& key : remaining_) sink_.session(session_rows(key, {}));
  remaining_.clear();
}

void SessionOrderedRefresh::flush() {
  if (!group_dirty_) return;
  sink_.session(session_rows(*group_, events_));
  remaining_.erase(*group_);
  events_.clear();
  group_dirty_ = false;
}

}  // namespace cu
