// Retention on the SQLite backend (schema/sqlite/012_retention.sql, rollup/retention.h): freezing
// days, dropping their raw events, and the frozen parts of sessions.
#include <algorithm>
#include <chrono>
#include <limits>
#include <span>

#include "core/time.h"
#include "rollup/calendar.h"
#include "rollup/retention.h"
#include "store/sqlite_sql.h"
#include "store/sqlite_store_impl.h"

namespace cu {
namespace {

namespace sql = sqlite_sql;

SessionParts parts_of(const SessionRows& rows) { return {rows.session, rows.models}; }

SessionRows rows_of(SessionKey key, SessionParts&& parts) {
  return {std::move(key), std::move(parts.session), std::move(parts.models)};
}

// A row of kFrozenSessions.
SessionRow read_frozen_session(SQLite::Statement& query) {
  SessionRow row;
  row.project_path = query.getColumn(0).getString();
  row.session_id = query.getColumn(1).getString();
  row.project_name = query.getColumn(2).getString();
  row.session_start_ms = parse_stored_time(query.getColumn(3).getString());
  row.session_end_ms = parse_stored_time(query.getColumn(4).getString());
  row.tokens = read_tokens(query, 5);
  row.cost_usd = query.getColumn(9).getDouble();
  row.message_count = query.getColumn(10).getInt64();
  return row;
}

// A row of kFrozenSessionModels.
SessionModelRow read_frozen_session_model(SQLite::Statement& query) {
  SessionModelRow row;
  row.project_path = query.getColumn(0).getString();
  row.session_id = query.getColumn(1).getString();
  row.model = query.getColumn(2).getString();
  row.tokens = read_tokens(query, 3);
  row.cost_usd = query.getColumn(7).getDouble();
  row.request_count = query.getColumn(8).getInt64();
  return row;
}

}  // namespace

std::optional<RetentionState> SqliteStore::Impl::read_retention() {
  SQLite::Statement& query = cached(sql::kRetentionState);
  run_bind(query, source);
  std::optional<RetentionState> state;
  if (query.executeStep()) {
    state = RetentionState{query.getColumn(0).getString(), query.getColumn(1).getInt64(),
                           query.getColumn(2).getInt64()};
  }
  query.reset();
  return state;
}

SessionRows SqliteStore::Impl::frozen_part(const SessionKey& key) {
  SessionRows part{key, std::nullopt, {}};
  const std::optional<std::string> project = key.first;
  const std::optional<std::string> session_id = key.second;
  SQLite::Statement& session = cached(sql::kFrozenSessions);
  run_bind(session, source, project, session_id);
  if (session.executeStep()) part.session = read_frozen_session(session);
  session.reset();
  if (!part.session) return part;
  SQLite::Statement& models = cached(sql::kFrozenSessionModels);
  run_bind(models, source, project, session_id);
  while (models.executeStep()) {
    SessionModelRow model = read_frozen_session_model(models);
    part.models.push_back(ModelDailyRow{{}, std::move(model.model), model.tokens, model.cost_usd, model.request_count});
  }
  models.reset();
  return part;
}

SessionRows SqliteStore::Impl::with_frozen_part(const SessionRows& later) {
  return rows_of(later.key, merge_session(parts_of(frozen_part(later.key)), parts_of(later)));
}

void SqliteStore::Impl::write_frozen_part(const SessionRows& rows) {
  const auto& [project, session_id] = rows.key;
  run(cached(sql::kDeleteFrozenSessionModels), source, project, session_id);
  if (!rows.session) return;
  const SessionRow& row = *rows.session;
  run(cached(sql::kUpsertFrozenSession), source, session_id, project, row.project_name,
      format_timestamp_ms(row.session_start_ms), format_timestamp_ms(row.session_end_ms), row.tokens.input,
      row.tokens.output, row.tokens.cache_creation, row.tokens.cache_read, row.cost_usd, row.message_count);
  SQLite::Statement& insert = cached(sql::kInsertFrozenSessionModel);
  for (const ModelDailyRow& model : rows.models) {
    run(insert, source, project, session_id, model.model, model.tokens.input, model.tokens.output,
        model.tokens.cache_creation, model.tokens.cache_read, model.cost_usd, model.request_count);
  }
}

std::optional<FrozenHistory> SqliteStore::frozen_history() {
  Impl& d = *impl_;
  const std::optional<RetentionState> state = d.read_retention();
  if (!state) return std::nullopt;
  FrozenHistory history;
  history.state = *state;
  SqliteStore& store = *this;
  const auto frozen_date = [&](const auto& row) { return row.date < state->frozen_before; };
  for (DailySummaryRow& row : store.daily_summaries()) {
    if (frozen_date(row)) history.days.push_back(std::move(row));
  }
  for (ModelDailyRow& row : store.model_daily()) {
    if (frozen_date(row)) history.models.push_back(std::move(row));
  }
  for (CacheAnalyticsRow& row : store.cache_analytics()) {
    if (frozen_date(row)) history.caches.push_back(std::move(row));
  }
  for (UsageBlock& block : store.usage_blocks()) {
    if (block.start_ms < state->dropped_before_ms) history.blocks.push_back(std::move(block));
  }
  SQLite::Statement sessions(d.db, sql::kFrozenSessions);
  Impl::run_bind(sessions, d.source, std::optional<std::string>(), std::optional<std::string>());
  while (sessions.executeStep()) history.sessions.push_back(read_frozen_session(sessions));
  SQLite::Statement models(d.db, sql::kFrozenSessionModels);
  Impl::run_bind(models, d.source, std::optional<std::string>(), std::optional<std::string>());
  while (models.executeStep()) history.session_models.push_back(read_frozen_session_model(models));
  return history;
}

std::optional<RetentionState> SqliteStore::retention() { return impl_->read_retention(); }

std::optional<std::string> SqliteStore::first_event_date(const Calendar& calendar) {
  SQLite::Statement query(impl_->db, sql::kFirstEventTime);
  query.bind(1, impl_->source);
  if (!query.executeStep() || query.getColumn(0).isNull()) return std::nullopt;
  return calendar.date_of(parse_stored_time(query.getColumn(0).getString()));
}

SqliteStore::FreezeResult SqliteStore::freeze_before(const std::string& date, const RollupSettings& settings) {
  Impl& d = *impl_;
  FreezeResult result;
  if (const auto current = d.read_retention(); current && current->frozen_before >= date) return result;
  // Checked before anything is written, so that waiting for the outbox writes nothing.
  if (d.shipping_on() && Impl::integer_of(d.cached(sql::kOutboxCount), d.source) > 0) {
    result.waiting_for_outbox = true;
    return result;
  }
  refresh_rollups(settings);  // the rows about to become final are current
  Impl::Transaction transaction(d);
  const std::optional<RetentionState> current = d.read_retention();
  if (current && current->frozen_before >= date) return result;
  if (d.shipping_on() && Impl::integer_of(d.cached(sql::kOutboxCount), d.source) > 0) {
    result.waiting_for_outbox = true;
    return result;
  }
  // Later than the last cut-off, also when the zone moved east since.
  const std::int64_t cutoff_ms =
      std::max(settings.calendar->day_range_ms(date).first,
               current ? current->frozen_before_ms : std::numeric_limits<std::int64_t>::min());
  // The blocks that may be open across the cut-off: those starting less than a block before it.
  std::vector<UsageBlock> blocks;
  {
    const std::int64_t block_ms = std::chrono::duration_cast<std::chrono::milliseconds>(settings.block_length).count();
    SQLite::Statement& query = d.cached(sql::kBlockRows);
    Impl::run_bind(query, d.source, std::optional<std::string>(format_timestamp_ms(cutoff_ms - block_ms)),
                   std::optional<std::string>(format_timestamp_ms(cutoff_ms)));
    while (query.executeStep()) {
      UsageBlock& block = blocks.emplace_back();
      block.start_ms = parse_stored_time(query.getColumn(1).getString());
      block.end_ms = parse_stored_time(query.getColumn(2).getString());
    }
    query.reset();
  }
  std::int64_t drop_ms = drop_before_ms(cutoff_ms, blocks);
  if (current) drop_ms = std::max(drop_ms, current->dropped_before_ms);
  const std::string drop_text = format_timestamp_ms(drop_ms);

  std::vector<UsageEvent> dropped_events;
  {
    SQLite::Statement query(d.db, sql::kEventsBefore);
    Impl::run_bind(query, d.source, drop_text);
    dropped_events = d.select_events(query);
  }
  // Each session's dropped events (consecutive: ordered by session) merged into its frozen part.
  for (auto begin = dropped_events.begin(); begin != dropped_events.end();) {
    const auto end = std::find_if(begin, dropped_events.end(), [&](const UsageEvent& event) {
      return event.project != begin->project || event.session_id != begin->session_id;
    });
    SessionKey key{begin->project, begin->session_id};
    d.write_frozen_part(d.with_frozen_part(
        session_rows(std::move(key), std::span<const UsageEvent>(&*begin, static_cast<std::size_t>(end - begin)))));
    ++result.frozen_sessions;
    begin = end;
  }
  {
    SQLite::Statement remove(d.db, sql::kDeleteEventsBefore);
    Impl::run_bind(remove, d.source, drop_text);
    result.dropped_events = remove.exec();
  }
  Impl::run(d.cached(sql::kSetRetentionState), d.source, date, cutoff_ms, drop_ms, format_timestamp_ms(now_ms()));
  if (d.shipping_on()) Impl::run(d.cached(sql::kOutboxFreeze), d.source, drop_ms, freeze_row_path(date, cutoff_ms));
  transaction.commit();
  d.frozen.reset();
  result.frozen = true;
  return result;
}

}  // namespace cu
