// Derived rows of the SQLite backend: recomputed per dirty key from usage_events with the pure
// rollup functions of lib/rollup.
//
// A few dirty keys (the live daemon's commits) are refreshed with one indexed query per key. Many
// (a backfill, a rebuild, a restart after long downtime) are refreshed by scanning usage_events
// once in time order (days and blocks) and once in session order (sessions), grouping rows as
// they come: each event is read at most twice, and memory holds one day, one session or one run
// of blocks at a time instead of the whole history.

#include <cstring>
#include <limits>
#include <string_view>

#include "rollup/cache_analytics.h"
#include "rollup/calendar.h"
#include "rollup/model_daily.h"
#include "rollup/summaries.h"
#include "rollup/usage_blocks.h"
#include "store/row_codec.h"
#include "store/sqlite_sql.h"
#include "store/sqlite_store_impl.h"

namespace cu {
namespace {

namespace sql = sqlite_sql;
using SessionKey = SqliteStore::Impl::SessionKey;

// Above this many dirty dates (or sessions), one ordered scan beats a query per key.
constexpr std::size_t kPerKeyLimit = 16;

// Column positions of CU_SQLITE_EVENT_COLUMNS read before deciding to read a whole row.
constexpr int kTimestampColumn = 3;
constexpr int kProjectColumn = 4;
constexpr int kSessionColumn = 5;

constexpr std::int64_t kNoTime = std::numeric_limits<std::int64_t>::min();

// Recomputes dirty days and the blocks from a resume point (rollup/usage_blocks.h) over one
// time-ordered stream of events. Each event is read once into a window that both share: a dirty
// day is a contiguous range of it, and so is a block. The stream is cut where an event opens a
// new block (the rule of compute_blocks), and each block's events are computed on their own with
// the last event before them for the gap block. The window keeps only what the unfinished day or
// block still needs.
class TimeOrderedRefresh {
 public:
  // `dates` (the dirty days) may be null: days are refreshed per key elsewhere.
  TimeOrderedRefresh(SqliteStore::Impl& store, const std::vector<std::string>* dates,
                     std::optional<std::int64_t> blocks_since_ms, const RollupSettings& settings,
                     const std::string& now)
      : store_(store), settings_(settings), now_(now) {
    if (dates != nullptr) {
      days_ = true;
      remaining_dates_.insert(dates->begin(), dates->end());
    }
    if (blocks_since_ms) {
      blocks_ = true;
      prepare_blocks(*blocks_since_ms);
    }
  }

  bool needed() const { return days_ || blocks_; }

  // The first time either part needs.
  std::int64_t start_ms() const {
    std::int64_t start = std::numeric_limits<std::int64_t>::max();
    if (days_) start = settings_.calendar->day_range_ms(*remaining_dates_.begin()).first;
    if (blocks_) start = std::min(start, point_.events_after_ms);
    return start;
  }

  // `make()` returns the event at `timestamp_ms`; called only when a dirty day or block needs it.
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

  // Writes the last day and run, then removes the rows of dirty days without events any more.
  void finish() {
    flush_day();
    flush_run();
    for (const std::string& date : remaining_dates_) store_.write_date(date, {}, settings_, now_);
    remaining_dates_.clear();
  }

 private:
  void start_day(std::int64_t timestamp_ms) {
    flush_day();
    date_ = settings_.calendar->date_of(timestamp_ms);
    std::tie(day_start_, day_end_) = settings_.calendar->day_range_ms(date_);
    day_dirty_ = remaining_dates_.contains(date_);
    day_begin_ = window_.size();
  }

  void flush_day() {
    if (!day_dirty_) return;
    store_.write_date(date_, std::span(window_).subspan(day_begin_), settings_, now_);
    remaining_dates_.erase(date_);
    day_dirty_ = false;
    trim();
  }

  void prepare_blocks(std::int64_t since_ms) {
    std::vector<UsageBlock> stored;
    SQLite::Statement& query = store_.cached(sql::kBlockRows);
    SqliteStore::Impl::run_bind(query, store_.source, std::optional<std::string>(), std::optional<std::string>());
    while (query.executeStep()) {
      UsageBlock block;
      block.block_id = query.getColumn(0).getString();
      block.start_ms = parse_stored_time(query.getColumn(1).getString());
      block.actual_end_ms = parse_stored_time(query.getColumn(4).getString());
      stored.push_back(std::move(block));
    }
    query.reset();
    point_ = block_resume_point(stored, since_ms);
    previous_event_ms_ = point_.previous_event_ms;
    SQLite::Statement& remove = store_.cached(sql::kDeleteBlock);
    for (const UsageBlock& block : stored) {
      if (!keeps_block(point_, block)) SqliteStore::Impl::run(remove, store_.source, block.block_id);
    }
  }

  void flush_run() {
    if (!run_begin_) return;
    const auto run = std::span(window_).subspan(*run_begin_);
    const auto blocks = compute_blocks(run, settings_.block_length, settings_now(settings_), previous_event_ms_);
    SQLite::Statement& upsert = store_.cached(sql::kUpsertBlock);
    for (const UsageBlock& block : blocks) {
      if (block.is_gap) continue;
      SqliteStore::Impl::run(upsert, store_.source, block.block_id, format_timestamp_ms(block.start_ms),
                             format_timestamp_ms(block.end_ms), format_timestamp_ms(block.first_event_ms),
                             format_timestamp_ms(block.actual_end_ms), block.tokens.input, block.tokens.output,
                             block.tokens.cache_creation, block.tokens.cache_read, block.tokens.total(),
                             block.cost_usd, block.entries, block.session_count, join_models(block.models),
                             std::string(block.status()), now_);
    }
    previous_event_ms_ = run.back().entry.timestamp_ms;
    run_begin_.reset();
    trim();
  }

  // Drops the events no unfinished day or run needs any more.
  void trim() {
    std::size_t keep_from = window_.size();
    if (day_dirty_) keep_from = std::min(keep_from, day_begin_);
    if (run_begin_) keep_from = std::min(keep_from, *run_begin_);
    if (keep_from == 0) return;
    window_.erase(window_.begin(), window_.begin() + static_cast<std::ptrdiff_t>(keep_from));
    day_begin_ -= std::min(day_begin_, keep_from);
    if (run_begin_) *run_begin_ -= keep_from;
  }

  SqliteStore::Impl& store_;
  const RollupSettings& settings_;
  const std::string& now_;
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

// The stored time in column `index` of `row`, read without a copy.
std::int64_t row_time(SQLite::Statement& row, int index) {
  const SQLite::Column column = row.getColumn(index);
  return parse_stored_time(std::string_view(column.getText(), static_cast<std::size_t>(column.size())));
}

// The text of column `index` of `row`, without a copy (valid until the row changes).
std::string_view row_text(SQLite::Statement& row, int index) {
  const SQLite::Column column = row.getColumn(index);
  return {column.getText(), static_cast<std::size_t>(column.size())};
}

// Recomputes dirty sessions from events grouped by (project, session id): each group's events are
// collected when the session is dirty, then written; dirty sessions without events are removed.
class SessionOrderedRefresh {
 public:
  SessionOrderedRefresh(SqliteStore::Impl& store, const std::set<SessionKey>& sessions, const std::string& now)
      : store_(store), remaining_(sessions), now_(now) {}

  // `make()` returns the event; called only when its session is dirty.
  template <typename MakeEvent>
  void add(std::string_view project, std::string_view session_id, MakeEvent&& make) {
    if (!group_ || group_->first != project || group_->second != session_id) {
      flush();
      group_.emplace(project, session_id);
      group_dirty_ = remaining_.contains(*group_);
    }
    if (group_dirty_) events_.push_back(make());
  }

  void finish() {
    flush();
    for (const SessionKey& key : remaining_) store_.write_session(key, {}, now_);
  }

 private:
  void flush() {
    if (!group_dirty_) return;
    store_.write_session(*group_, events_, now_);
    remaining_.erase(*group_);
    events_.clear();
    group_dirty_ = false;
  }

  SqliteStore::Impl& store_;
  std::set<SessionKey> remaining_;
  const std::string& now_;
  std::optional<SessionKey> group_;  // the session of the events being added
  bool group_dirty_ = false;
  std::vector<UsageEvent> events_;
};

}  // namespace

SQLite::Statement& SqliteStore::Impl::cached(const char* sql) {
  std::unique_ptr<SQLite::Statement>& statement = statements[sql];
  if (!statement) statement = std::make_unique<SQLite::Statement>(db, sql);
  return *statement;
}

void SqliteStore::Impl::write_date(const std::string& date, std::span<const UsageEvent> events,
                                   const RollupSettings& settings, const std::string& now) {
  run(cached(sql::kDeleteModelDaily), source, date);
  if (events.empty()) {
    run(cached(sql::kDeleteDaily), source, date);
    run(cached(sql::kDeleteCache), source, date);
    return;
  }
  const DailySummaryRow row = summarize_day(date, events);
  run(cached(sql::kUpsertDaily), source, row.date, row.tokens.input, row.tokens.output, row.tokens.cache_creation,
      row.tokens.cache_read, row.tokens.total(), row.cost_usd, row.session_count, row.models_used, now);
  SQLite::Statement& insert_model = cached(sql::kInsertModelDaily);
  for (const ModelDailyRow& model : summarize_models_of_day(date, events)) {
    run(insert_model, source, date, model.model, model.tokens.input, model.tokens.output,
        model.tokens.cache_creation, model.tokens.cache_read, model.tokens.total(), model.cost_usd,
        model.request_count, now);
  }
  if (settings.prices != nullptr) {
    const CacheAnalyticsRow cache = summarize_cache_of_day(date, events, *settings.prices);
    run(cached(sql::kUpsertCache), source, date, cache.total_cache_tokens, cache.cache_hit_tokens, cache.hit_rate,
        cache.cache_savings_usd, now);
  }
}

void SqliteStore::Impl::write_session(const SessionKey& key, std::span<const UsageEvent> events,
                                      const std::string& now) {
  const auto& [project, session_id] = key;
  run(cached(sql::kDeleteSessionModels), source, project, session_id);
  if (events.empty()) {
    run(cached(sql::kDeleteSession), source, project, session_id);
    return;
  }
  const SessionRow row = summarize_session(events);
  run(cached(sql::kUpsertSession), source, row.session_id, row.project_path, row.project_name,
      format_timestamp_ms(row.session_start_ms), format_timestamp_ms(row.session_end_ms), row.tokens.input,
      row.tokens.output, row.tokens.cache_creation, row.tokens.cache_read, row.tokens.total(), row.cost_usd,
      row.model_name, row.message_count, row.efficiency_score, now);
  SQLite::Statement& insert_model = cached(sql::kInsertSessionModel);
  for (const ModelDailyRow& model : summarize_models_of_day({}, events)) {
    run(insert_model, source, project, session_id, model.model, model.tokens.input, model.tokens.output,
        model.tokens.cache_creation, model.tokens.cache_read, model.cost_usd, model.request_count);
  }
}

void SqliteStore::Impl::refresh_dirty(const std::vector<std::string>& dates, const std::set<SessionKey>& sessions,
                                      std::optional<std::int64_t> blocks_since_ms, const RollupSettings& settings,
                                      const std::string& now) {
  // Every event of this source is in memory when a bulk load is being closed: read it from there.
  const BulkLoadEvents* memory = nullptr;
  if (event_indexes_deferred && bulk_events.size() == count_events()) memory = &bulk_events;

  // Days and blocks: one scan in time order from the earliest time either needs.
  const bool scan_days = memory != nullptr || dates.size() > kPerKeyLimit;
  if (!scan_days) {
    for (const std::string& date : dates) {
      const auto [start, end] = settings.calendar->day_range_ms(date);
      SQLite::Statement& query = cached(sql::kEventsOfProject);
      run_bind(query, source, format_timestamp_ms(start), format_timestamp_ms(end), std::string());
      write_date(date, select_events(query), settings, now);
    }
  }
  TimeOrderedRefresh refresh(*this, scan_days ? &dates : nullptr, blocks_since_ms, settings, now);
  if (refresh.needed()) {
    const std::int64_t from_ms = refresh.start_ms();
    if (memory != nullptr) {
      memory->for_each_by_time(from_ms, [&](std::int64_t timestamp_ms, auto&& make) { refresh.add(timestamp_ms, make); });
    } else {
      SQLite::Statement& query = cached(sql::kEventsFromTime);
      run_bind(query, source, from_ms == kNoTime ? std::string() : format_timestamp_ms(from_ms));
      while (query.executeStep()) refresh.add(row_time(query, kTimestampColumn), [&] { return read_event(query); });
      query.reset();
    }
    refresh.finish();
  }

  // Sessions: a query per key, or one pass in session order.
  if (memory == nullptr && sessions.size() <= kPerKeyLimit) {
    for (const SessionKey& key : sessions) {
      SQLite::Statement& query = cached(sql::kEventsOfSession);
      run_bind(query, source, key.first, key.second);
      write_session(key, select_events(query), now);
    }
    return;
  }
  SessionOrderedRefresh by_session(*this, sessions, now);
  if (memory != nullptr) {
    memory->for_each_by_session(
        [&](std::string_view project, std::string_view session_id, auto&& make) { by_session.add(project, session_id, make); });
  } else {
    SQLite::Statement& query = cached(sql::kEventsBySession);
    run_bind(query, source);
    while (query.executeStep()) {
      by_session.add(row_text(query, kProjectColumn), row_text(query, kSessionColumn), [&] { return read_event(query); });
    }
    query.reset();
  }
  by_session.finish();
}

std::int64_t SqliteStore::Impl::count_events() {
  SQLite::Statement& query = cached(sql::kEventCount);
  run_bind(query, source);
  query.executeStep();
  const std::int64_t count = query.getColumn(0).getInt64();
  query.reset();
  return count;
}

std::int64_t SqliteStore::refresh_block_status(const RollupSettings& settings) {
  Impl& d = *impl_;
  const std::int64_t now = settings_now(settings);
  std::vector<std::string> expired;
  {
    SQLite::Statement query(d.db, sql::kActiveBlocks);
    query.bind(1, d.source);
    while (query.executeStep()) {
      UsageBlock block;
      block.end_ms = parse_stored_time(query.getColumn(1).getString());
      block.actual_end_ms = parse_stored_time(query.getColumn(2).getString());
      if (!block_is_active(block, settings.block_length, now)) expired.push_back(query.getColumn(0).getString());
    }
  }
  if (expired.empty()) return 0;
  SQLite::Transaction transaction(d.db);
  SQLite::Statement complete(d.db, sql::kCompleteBlock);
  for (const std::string& id : expired) Impl::run(complete, d.source, id, format_timestamp_ms(now));
  transaction.commit();
  return static_cast<std::int64_t>(expired.size());
}

}  // namespace cu
