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
  SQLite::Statement& session = cached(sql::kFrozenSession);
  run_bind(session, source, key.first, key.second);
  if (session.executeStep()) {
    SessionRow& row = part.session.emplace();
    row.project_path = key.first;
    row.session_id = key.second;
    row.project_name = session.getColumn(0).getString();
    row.session_start_ms = parse_stored_time(session.getColumn(1).getString());
    row.session_end_ms = parse_stored_time(session.getColumn(2).getString());
    row.tokens = read_tokens(session, 3);
    row.cost_usd = session.getColumn(7).getDouble();
    row.message_count = session.getColumn(8).getInt64();
  }
  session.reset();
  if (!part.session) return part;
  SQLite::Statement& models = cached(sql::kFrozenSessionModels);
  run_bind(models, source, key.first, key.second);
  while (models.executeStep()) {
    ModelDailyRow& model = part.models.emplace_back();
    model.model = models.getColumn(0).getString();
    model.tokens = read_tokens(models, 1);
    model.cost_usd = models.getColumn(5).getDouble();
    model.request_count = models.getColumn(6).getInt64();
  }
  models.reset();
  return part;
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
  SQLite::Statement sessions(d.db, sql::kAllFrozenSessions);
  sessions.bind(1, d.source);
  while (sessions.executeStep()) {
    SessionRow& row = history.sessions.emplace_back();
    row.project_path = sessions.getColumn(0).getString();
    row.session_id = sessions.getColumn(1).getString();
    row.project_name = sessions.getColumn(2).getString();
    row.session_start_ms = parse_stored_time(sessions.getColumn(3).getString());
    row.session_end_ms = parse_stored_time(sessions.getColumn(4).getString());
    row.tokens = read_tokens(sessions, 5);
    row.cost_usd = sessions.getColumn(9).getDouble();
    row.message_count = sessions.getColumn(10).getInt64();
  }
  SQLite::Statement models(d.db, sql::kAllFrozenSessionModels);
  models.bind(1, d.source);
  while (models.executeStep()) {
    SessionModelRow& row = history.session_models.emplace_back();
    row.project_path = models.getColumn(0).getString();
    row.session_id = models.getColumn(1).getString();
    row.model = models.getColumn(2).getString();
    row.tokens = read_tokens(models, 3);
    row.cost_usd = models.getColumn(7).getDouble();
    row.request_count = models.getColumn(8).getInt64();
  }
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
  SQLite::Transaction transaction(d.db, SQLite::TransactionBehavior::IMMEDIATE);
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
    const SessionRows dropped =
        session_rows(key, std::span<const UsageEvent>(&*begin, static_cast<std::size_t>(end - begin)));
    d.write_frozen_part(rows_of(key, merge_session(parts_of(d.frozen_part(key)), parts_of(dropped))));
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
