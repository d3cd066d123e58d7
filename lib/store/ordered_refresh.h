#pragma once
// Recomputing derived rows from ordered streams of events, apart from where the events come from
// (usage_events, or a bulk load's memory) and where the rows go (a RollupSink: written at once, or
// collected on another thread while the indexes are built). No I/O; used by sqlite_rollups.cpp.
#include <cstdint>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/usage_event.h"
#include "rollup/rows.h"
#include "rollup/usage_blocks.h"
#include "store/store.h"

namespace cu {

using SessionKey = std::pair<std::string, std::string>;  // (project, session id)

// The rows of one local date; without `daily` the date has no events and its rows are removed.
struct DateRows {
  std::string date;
  std::optional<DailySummaryRow> daily;
  std::vector<ModelDailyRow> models;
  std::optional<CacheAnalyticsRow> cache;  // when settings.prices is set
};
DateRows date_rows(std::string date, std::span<const UsageEvent> events, const RollupSettings& settings);

// The rows of one session; without `session` it has no events and its rows are removed.
struct SessionRows {
  SessionKey key;
  std::optional<SessionRow> session;
  std::vector<ModelDailyRow> models;  // per reported model (date left empty)
};
SessionRows session_rows(SessionKey key, std::span<const UsageEvent> events);

// Where recomputed rows go.
class RollupSink {
 public:
  virtual ~RollupSink() = default;
  virtual void date(DateRows&& rows) = 0;
  virtual void session(SessionRows&& rows) = 0;
  virtual void block(UsageBlock&& block) = 0;  // non-gap blocks only
};

// Keeps the rows, to be written later.
class CollectedRows final : public RollupSink {
 public:
  void date(DateRows&& rows) override { dates.push_back(std::move(rows)); }
  void session(SessionRows&& rows) override { sessions.push_back(std::move(rows)); }
  void block(UsageBlock&& block) override { blocks.push_back(std::move(block)); }

  std::vector<DateRows> dates;
  std::vector<SessionRows> sessions;
  std::vector<UsageBlock> blocks;
};

// Recomputes dirty days and the blocks from a resume point (rollup/usage_blocks.h) over one
// time-ordered stream of events. Each event is read once into a window that both share: a dirty
// day is a contiguous range of it, and so is a block. The stream is cut where an event opens a
// new block (the rule of compute_blocks), and each block's events are computed on their own with
// the last event before them for the gap block. The window keeps only what the unfinished day or
// block still needs.
class TimeOrderedRefresh {
 public:
  // `dates` (the dirty days) may be null or empty: no days to refresh here. `blocks`: where the blocks
  // resume (the stored blocks it does not keep are the caller's to remove); none: blocks are not
  // recomputed.
  TimeOrderedRefresh(RollupSink& sink, const std::vector<std::string>* dates,
                     std::optional<BlockResumePoint> blocks, const RollupSettings& settings);

  bool needed() const { return days_ || blocks_; }

  // The first time either part needs.
  std::int64_t start_ms() const;

  // Events must come in time order from start_ms(). `make()` returns the event at
  // `timestamp_ms`; it is called only when a dirty day or a block needs the event.
  template <typename MakeEvent>
  void add(std::int64_t timestamp_ms, MakeEvent&& make) {
    bool wanted = false;
    if (days_) {
      if (timestamp_ms < day_start_ || timestamp_ms >= day_end_) start_day(timestamp_ms);
      wanted = day_dirty_;
    }
    if (blocks_ && timestamp_ms > point_.events_after_ms) {
      if (run_begin_ && opens_new_block(run_block_start_, window_.back().entry.timestamp_ms, timestamp_ms,
                                        settings_.block_length)) {
        flush_run();
      }
      if (!run_begin_) {
        run_begin_ = window_.size();
        run_block_start_ = block_start_of(timestamp_ms);
      }
      wanted = true;
    }
    if (wanted) window_.push_back(make());
  }

  // Sends the last day and run, then the (empty) rows of dirty days without events any more.
  void finish();

 private:
  void start_day(std::int64_t timestamp_ms);
  void flush_day();
  void flush_run();
  // Drops the events no unfinished day or run needs any more.
  void trim();

  RollupSink& sink_;
  const RollupSettings& settings_;
  std::vector<UsageEvent> window_;

  bool days_ = false;
  std::set<std::string> remaining_dates_;
  std::string date_;
  std::int64_t day_start_ = 0, day_end_ = 0;  // [start, end) of date_; empty before the first event
  bool day_dirty_ = false;
  std::size_t day_begin_ = 0;  // where date_'s events start in window_ (when dirty)

  bool blocks_ = false;
  BlockResumePoint point_;
  std::optional<std::int64_t> previous_event_ms_;
  std::optional<std::size_t> run_begin_;  // where the current block's events start in window_
  std::int64_t run_block_start_ = 0;       // the start of that block
};

// Recomputes dirty sessions from events grouped by (project, session id): each group's events are
// collected when the session is dirty, then sent; dirty sessions without events are sent empty.
class SessionOrderedRefresh {
 public:
  SessionOrderedRefresh(RollupSink& sink, const std::set<SessionKey>& sessions)
      : sink_(sink), remaining_(sessions) {}

  // Events of one session must come together. `make()` returns the event; called only when its
  // session is dirty.
  template <typename MakeEvent>
  void add(std::string_view project, std::string_view session_id, MakeEvent&& make) {
    if (!group_ || group_->first != project || group_->second != session_id) {
      flush();
      group_.emplace(project, session_id);
      group_dirty_ = remaining_.contains(*group_);
    }
    if (group_dirty_) events_.push_back(make());
  }

  void finish();

 private:
  void flush();

  RollupSink& sink_;
  std::set<SessionKey> remaining_;
  std::optional<SessionKey> group_;  // the session of the events being added
  bool group_dirty_ = false;
  std::vector<UsageEvent> events_;
};

}  // namespace cu
