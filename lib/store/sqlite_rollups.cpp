// Derived rows of the SQLite backend: recomputed per dirty key from usage_events with the pure
// rollup functions of lib/rollup.
//
// A few dirty keys (the live daemon's commits) are refreshed with one indexed query per key. Many
// (a backfill, a rebuild, a restart after long downtime) are refreshed by scanning usage_events
// once in time order (days and blocks) and once in session order (sessions), grouping rows as
// they come (ordered_refresh.h): each event is read at most twice, and memory holds one day, one
// session or one run of blocks at a time instead of the whole history.
//
// The refresh closing a bulk load reads the events from the load's memory instead, on a second
// thread, while this one builds the indexes the load deferred; the rows are written afterwards.

#include <algorithm>
#include <future>
#include <limits>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "core/time.h"
#include "rollup/calendar.h"
#include "store/event_keys.h"
#include "store/frozen_view.h"
#include "store/ordered_refresh.h"
#include "store/row_codec.h"
#include "store/sqlite_sql.h"
#include "store/sqlite_store_impl.h"

namespace cu {
namespace {

namespace sql = sqlite_sql;

// Above this many dirty dates (or sessions), one ordered scan beats a query per key.
constexpr std::size_t kPerKeyLimit = 16;

// Column positions of CU_SQLITE_EVENT_COLUMNS read before deciding to read a whole row.
constexpr int kTimestampColumn = 3;
constexpr int kProjectColumn = 4;
constexpr int kSessionColumn = 5;
constexpr int kSessionKeyColumn = 21;  // kEventsBySession's last

constexpr std::int64_t kNoTime = std::numeric_limits<std::int64_t>::min();

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

// Writes rows as they are computed.
class WriteNow final : public RollupSink {
 public:
  WriteNow(SqliteStore::Impl& store, const std::string& now) : store_(store), now_(now) {}
  void date(DateRows&& rows) override { store_.write_date_rows(rows, now_); }
  void session(SessionRows&& rows) override { store_.write_session_rows(rows, now_); }
  void block(UsageBlock&& block) override { store_.write_block(block, now_); }

 private:
  SqliteStore::Impl& store_;
  const std::string& now_;
};

// Days, blocks and sessions from a bulk load's memory (no SQL: may run on another thread).
void refresh_from_memory(const BulkLoadEvents& memory, const std::vector<std::string>& dates,
                         const std::set<SessionKey>& sessions, std::optional<BlockResumePoint> blocks,
                         const RollupSettings& settings, RollupSink& sink) {
  TimeOrderedRefresh by_time(sink, &dates, blocks, settings);
  if (by_time.needed()) {
    memory.for_each_by_time(by_time.start_ms(),
                            [&](std::int64_t timestamp_ms, auto&& make) { by_time.add(timestamp_ms, make); });
    by_time.finish();
  }
  if (sessions.empty()) return;
  SessionOrderedRefresh by_session(sink, sessions);
  memory.for_each_by_session(
      [&](std::string_view project, std::string_view session_id, auto&& make) { by_session.add(project, session_id, make); });
  by_session.finish();
}

}  // namespace

SQLite::Statement& SqliteStore::Impl::cached(const char* sql) {
  std::unique_ptr<SQLite::Statement>& statement = statements[sql];
  if (!statement) statement = std::make_unique<SQLite::Statement>(db, sql);
  return *statement;
}

void SqliteStore::Impl::write_date_rows(const DateRows& rows, const std::string& now) {
  const std::string& date = rows.date;
  run(cached(sql::kDeleteModelDaily), source, date);
  if (!rows.daily) {
    run(cached(sql::kDeleteDaily), source, date);
    run(cached(sql::kDeleteCache), source, date);
    return;
  }
  const DailySummaryRow& row = *rows.daily;
  run(cached(sql::kUpsertDaily), source, row.date, row.tokens.input, row.tokens.output, row.tokens.cache_creation,
      row.tokens.cache_read, row.tokens.total(), row.cost_usd, row.session_count, row.models_used, now);
  SQLite::Statement& insert_model = cached(sql::kInsertModelDaily);
  for (const ModelDailyRow& model : rows.models) {
    run(insert_model, source, date, model.model, model.tokens.input, model.tokens.output,
        model.tokens.cache_creation, model.tokens.cache_read, model.tokens.total(), model.cost_usd,
        model.request_count, now);
  }
  if (const auto& cache = rows.cache) {
    run(cached(sql::kUpsertCache), source, date, cache->total_cache_tokens, cache->cache_hit_tokens, cache->hit_rate,
        cache->cache_savings_usd, now);
  }
}

void SqliteStore::Impl::write_session_rows(const SessionRows& computed, const std::string& now) {
  // A session some of whose events retention dropped: their rows merged with the stored ones'.
  std::optional<SessionRows> merged;
  if (frozen) merged = with_frozen_part(computed);
  const SessionRows& rows = merged ? *merged : computed;
  const auto& [project, session_id] = rows.key;
  run(cached(sql::kDeleteSessionModels), source, project, session_id);
  if (!rows.session) {
    run(cached(sql::kDeleteSession), source, project, session_id);
    return;
  }
  const SessionRow& row = *rows.session;
  run(cached(sql::kUpsertSession), source, row.session_id, row.project_path, row.project_name,
      format_timestamp_ms(row.session_start_ms), format_timestamp_ms(row.session_end_ms), row.tokens.input,
      row.tokens.output, row.tokens.cache_creation, row.tokens.cache_read, row.tokens.total(), row.cost_usd,
      row.model_name, row.message_count, row.efficiency_score, now);
  SQLite::Statement& insert_model = cached(sql::kInsertSessionModel);
  for (const ModelDailyRow& model : rows.models) {
    run(insert_model, source, project, session_id, model.model, model.tokens.input, model.tokens.output,
        model.tokens.cache_creation, model.tokens.cache_read, model.cost_usd, model.request_count);
  }
}

void SqliteStore::Impl::write_block(const UsageBlock& block, const std::string& now) {
  run(cached(sql::kUpsertBlock), source, block.block_id, format_timestamp_ms(block.start_ms),
      format_timestamp_ms(block.end_ms), format_timestamp_ms(block.first_event_ms),
      format_timestamp_ms(block.actual_end_ms), block.tokens.input, block.tokens.output,
      block.tokens.cache_creation, block.tokens.cache_read, block.tokens.total(), block.cost_usd, block.entries,
      block.session_count, join_models(block.models), std::string(block.status()), now);
}

BlockResumePoint SqliteStore::Impl::prepare_blocks(std::int64_t since_ms) {
  // The blocks before the drop instant are final and their events gone: the resumption is sought,
  // and blocks are removed, among the later ones only.
  std::vector<UsageBlock> stored;
  SQLite::Statement& query = cached(sql::kBlockRows);
  run_bind(query, source,
           frozen ? std::optional<std::string>(format_timestamp_ms(frozen->dropped_before_ms)) : std::nullopt,
           std::optional<std::string>());
  while (query.executeStep()) {
    UsageBlock block;
    block.block_id = query.getColumn(0).getString();
    block.start_ms = parse_stored_time(query.getColumn(1).getString());
    block.actual_end_ms = parse_stored_time(query.getColumn(4).getString());
    stored.push_back(std::move(block));
  }
  query.reset();
  const BlockResumePoint point = block_resume_point(stored, since_ms);
  SQLite::Statement& remove = cached(sql::kDeleteBlock);
  for (const UsageBlock& block : stored) {
    if (!keeps_block(point, block)) run(remove, source, block.block_id);
  }
  return point;
}

void SqliteStore::Impl::refresh_dirty(const std::vector<std::string>& dirty_dates,
                                      const std::set<SessionKey>& sessions,
                                      std::optional<std::int64_t> blocks_since_ms, const RollupSettings& given,
                                      const std::string& now) {
  // Frozen days and blocks are final: their marks are cleared without a recomputation.
  frozen = read_retention();
  const FrozenView frozen_view(given, frozen);
  const RollupSettings& settings = frozen_view.settings();
  std::vector<std::string> dates;
  for (const std::string& date : dirty_dates) {
    if (!frozen || date >= frozen->frozen_before) dates.push_back(date);
  }
  if (frozen && blocks_since_ms) blocks_since_ms = std::max(*blocks_since_ms, frozen->dropped_before_ms);
  std::optional<BlockResumePoint> blocks;
  if (blocks_since_ms) blocks = prepare_blocks(*blocks_since_ms);

  // Every event of this source is in memory when a bulk load is being closed.
  if (event_indexes_deferred && bulk_events.size() == count_events()) {
    CollectedRows rows;
    auto computing = std::async(std::launch::async, [&] {
      refresh_from_memory(bulk_events, dates, sessions, blocks, settings, rows);
    });
    try {
      db.exec(sql::kCreateEventLookupIndexes);
    } catch (...) {
      computing.wait();  // `rows` and the memory outlive the other thread
      throw;
    }
    computing.get();
    for (const DateRows& date : rows.dates) write_date_rows(date, now);
    for (const SessionRows& session : rows.sessions) write_session_rows(session, now);
    for (const UsageBlock& block : rows.blocks) write_block(block, now);
    return;  // the time index in a transaction of its own (build_deferred_time_index)
  }
  ensure_event_indexes();
  WriteNow sink(*this, now);

  // Days and blocks: one scan in time order from the earliest time either needs.
  const bool scan_days = dates.size() > kPerKeyLimit;
  if (!scan_days) {
    for (const std::string& date : dates) {
      const auto [start, end] = settings.calendar->day_range_ms(date);
      SQLite::Statement& query = cached(sql::kEventsOfProject);
      run_bind(query, source, format_timestamp_ms(start), format_timestamp_ms(end), std::string());
      write_date_rows(date_rows(date, select_events(query), settings), now);
    }
  }
  TimeOrderedRefresh by_time(sink, scan_days ? &dates : nullptr, blocks, settings);
  if (by_time.needed()) {
    const std::int64_t from_ms = by_time.start_ms();
    SQLite::Statement& query = cached(sql::kEventsFromTime);
    run_bind(query, source, from_ms == kNoTime ? std::string() : format_timestamp_ms(from_ms));
    while (query.executeStep()) by_time.add(row_time(query, kTimestampColumn), [&] { return read_event(query); });
    query.reset();
    by_time.finish();
  }

  // Sessions: a query per key, or one scan in session order.
  if (sessions.size() <= kPerKeyLimit) {
    for (const SessionKey& key : sessions) {
      SQLite::Statement& query = cached(sql::kEventsOfSession);
      run_bind(query, source, key.first, key.second, session_key(key.first, key.second));
      write_session_rows(session_rows(key, select_events(query)), now);
    }
    return;
  }
  // The rows come in session key order. Sessions whose keys collide may interleave within their
  // key's rows: the first session of a key is fed as its rows come, any other one after the key's
  // last row, so that each session's events still come together.
  SessionOrderedRefresh by_session(sink, sessions);
  SQLite::Statement& query = cached(sql::kEventsBySession);
  run_bind(query, source);
  std::optional<std::int64_t> group;                      // the key of the rows being read
  SessionKey first;                                       // its first session
  std::vector<std::pair<SessionKey, UsageEvent>> others;  // its other sessions' events
  const auto feed_others = [&] {
    std::stable_sort(others.begin(), others.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (auto& other : others) {
      by_session.add(other.first.first, other.first.second, [&] { return std::move(other.second); });
    }
    others.clear();
  };
  while (query.executeStep()) {
    const std::int64_t key = query.getColumn(kSessionKeyColumn).getInt64();
    const std::string_view project = row_text(query, kProjectColumn);
    const std::string_view session_id = row_text(query, kSessionColumn);
    if (key != group) {
      feed_others();
      group = key;
      first = {std::string(project), std::string(session_id)};
    }
    if (project == first.first && session_id == first.second) {
      by_session.add(project, session_id, [&] { return read_event(query); });
    } else {
      others.emplace_back(SessionKey{std::string(project), std::string(session_id)}, read_event(query));
    }
  }
  query.reset();
  feed_others();
  by_session.finish();
}

std::int64_t SqliteStore::Impl::count_events() { return integer_of(cached(sql::kEventCount), source); }

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
  Impl::Transaction transaction(d);
  SQLite::Statement complete(d.db, sql::kCompleteBlock);
  for (const std::string& id : expired) Impl::run(complete, d.source, id, format_timestamp_ms(now));
  transaction.commit();
  return static_cast<std::int64_t>(expired.size());
}

}  // namespace cu
