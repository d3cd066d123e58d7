// Derived rows of the PostgreSQL backend: recomputed per dirty key from usage_events with the pure
// rollup functions of lib/rollup, as on SQLite, but batched: the events of all dirty days (or
// sessions) come in one query and their rows go back in one statement per table.
#include <fmt/format.h>

#include "core/time.h"
#include "rollup/cache_analytics.h"
#include "rollup/calendar.h"
#include "rollup/model_daily.h"
#include "rollup/retention.h"
#include "rollup/summaries.h"
#include "rollup/usage_blocks.h"
#include "store/frozen_view.h"
#include "store/postgres_sql.h"
#include "store/postgres_store_impl.h"
#include "store/postgres_values.h"
#include "store/row_codec.h"

namespace cu {
namespace {

namespace sql = postgres_sql;
using SessionKey = std::pair<std::string, std::string>;

// Events of `rows` grouped by their 1-based key position in column 0.
std::vector<std::vector<UsageEvent>> group_by_key(const pqxx::result& rows, std::size_t keys) {
  std::vector<std::vector<UsageEvent>> groups(keys);
  for (const pqxx::row& row : rows) {
    groups.at(static_cast<std::size_t>(row[0].as<std::int64_t>() - 1)).push_back(read_pg_event(row, 1));
  }
  return groups;
}

// Column arrays of the four token counts followed by the total.
struct TokenArrays {
  PgArray input, output, cache_creation, cache_read, total;

  void add(const TokenTotals& tokens) {
    input.add(tokens.input);
    output.add(tokens.output);
    cache_creation.add(tokens.cache_creation);
    cache_read.add(tokens.cache_read);
    total.add(tokens.total());
  }
};

std::vector<std::string> taken_dates(pqxx::work& t, const std::string& source) {
  std::vector<std::string> dates;
  for (const pqxx::row& row : t.exec_params(sql::kTakeDirtyDates, source)) dates.push_back(pg_text(row[0]));
  return dates;
}

std::vector<SessionKey> taken_sessions(pqxx::work& t, const std::string& source) {
  std::vector<SessionKey> sessions;
  for (const pqxx::row& row : t.exec_params(sql::kTakeDirtySessions, source)) {
    sessions.emplace_back(pg_text(row[0]), pg_text(row[1]));
  }
  return sessions;
}

void write_days(pqxx::work& t, const std::string& source, const std::vector<DailySummaryRow>& days) {
  if (days.empty()) return;
  PgArray dates, costs, session_counts, models;
  TokenArrays tokens;
  for (const DailySummaryRow& row : days) {
    dates.add(row.date);
    tokens.add(row.tokens);
    costs.add(row.cost_usd);
    session_counts.add(row.session_count);
    models.add(row.models_used);
  }
  t.exec_params(sql::kUpsertDays, source, dates.str(), tokens.input.str(), tokens.output.str(),
                tokens.cache_creation.str(), tokens.cache_read.str(), tokens.total.str(), costs.str(),
                session_counts.str(), models.str());
}

void write_model_days(pqxx::work& t, const std::string& source, const std::vector<ModelDailyRow>& rows) {
  if (rows.empty()) return;
  PgArray dates, models, costs, requests;
  TokenArrays tokens;
  for (const ModelDailyRow& row : rows) {
    dates.add(row.date);
    models.add(row.model);
    tokens.add(row.tokens);
    costs.add(row.cost_usd);
    requests.add(row.request_count);
  }
  t.exec_params(sql::kInsertModelDays, source, dates.str(), models.str(), tokens.input.str(), tokens.output.str(),
                tokens.cache_creation.str(), tokens.cache_read.str(), tokens.total.str(), costs.str(),
                requests.str());
}

void write_cache_days(pqxx::work& t, const std::string& source, const std::vector<CacheAnalyticsRow>& rows) {
  if (rows.empty()) return;
  PgArray dates, totals, hits, rates, savings;
  for (const CacheAnalyticsRow& row : rows) {
    dates.add(row.date);
    totals.add(row.total_cache_tokens);
    hits.add(row.cache_hit_tokens);
    rates.add(row.hit_rate);
    savings.add(row.cache_savings_usd);
  }
  t.exec_params(sql::kUpsertCacheDays, source, dates.str(), totals.str(), hits.str(), rates.str(), savings.str());
}

void write_sessions(pqxx::work& t, const std::string& source, const std::vector<SessionRow>& rows) {
  if (rows.empty()) return;
  PgArray ids, projects, names, starts, ends, costs, model_names, messages, scores;
  TokenArrays tokens;
  for (const SessionRow& row : rows) {
    ids.add(row.session_id);
    projects.add(row.project_path);
    names.add(row.project_name);
    starts.add(pg_time(row.session_start_ms));
    ends.add(pg_time(row.session_end_ms));
    tokens.add(row.tokens);
    costs.add(row.cost_usd);
    model_names.add(row.model_name);
    messages.add(row.message_count);
    scores.add(row.efficiency_score);
  }
  t.exec_params(sql::kInsertSessions, source, ids.str(), projects.str(), names.str(), starts.str(), ends.str(),
                tokens.input.str(), tokens.output.str(), tokens.cache_creation.str(), tokens.cache_read.str(),
                tokens.total.str(), costs.str(), model_names.str(), messages.str(), scores.str());
}

void write_session_models(pqxx::work& t, const std::string& source, const std::vector<SessionModelRow>& rows) {
  if (rows.empty()) return;
  PgArray projects, ids, models, costs, requests;
  TokenArrays tokens;
  for (const SessionModelRow& row : rows) {
    projects.add(row.project_path);
    ids.add(row.session_id);
    models.add(row.model);
    tokens.add(row.tokens);
    costs.add(row.cost_usd);
    requests.add(row.request_count);
  }
  t.exec_params(sql::kInsertSessionModels, source, projects.str(), ids.str(), models.str(), tokens.input.str(),
                tokens.output.str(), tokens.cache_creation.str(), tokens.cache_read.str(), costs.str(),
                requests.str());
}

void write_blocks(pqxx::work& t, const std::string& source, const std::vector<UsageBlock>& blocks) {
  PgArray ids, starts, ends, firsts, lasts, costs, entries, sessions, models, statuses;
  TokenArrays tokens;
  for (const UsageBlock& block : blocks) {
    if (block.is_gap) continue;
    ids.add(block.block_id);
    starts.add(pg_time(block.start_ms));
    ends.add(pg_time(block.end_ms));
    firsts.add(pg_time(block.first_event_ms));
    lasts.add(pg_time(block.actual_end_ms));
    tokens.add(block.tokens);
    costs.add(block.cost_usd);
    entries.add(block.entries);
    sessions.add(block.session_count);
    models.add(join_models(block.models));
    statuses.add(block.status());
  }
  if (ids.empty()) return;
  t.exec_params(sql::kUpsertBlocks, source, ids.str(), starts.str(), ends.str(), firsts.str(), lasts.str(),
                tokens.input.str(), tokens.output.str(), tokens.cache_creation.str(), tokens.cache_read.str(),
                tokens.total.str(), costs.str(), entries.str(), sessions.str(), models.str(), statuses.str());
}

}  // namespace

void PostgresStore::Impl::write_frozen_history(pqxx::work& t, const FrozenHistory& history) {
  PgArray dates;
  for (const DailySummaryRow& day : history.days) dates.add(day.date);
  for (const ModelDailyRow& model : history.models) dates.add(model.date);
  if (!dates.empty()) t.exec_params(sql::kDeleteModelDays, source, dates.str());
  write_days(t, source, history.days);
  write_model_days(t, source, history.models);
  write_cache_days(t, source, history.caches);
  write_blocks(t, source, history.blocks);
  for (const SessionRow& row : history.sessions) write_frozen_session(t, row);
  for (const SessionModelRow& model : history.session_models) write_frozen_session_model(t, model);
  const RetentionState& state = history.state;
  t.exec_params(sql::kSetRetentionState, source, state.frozen_before, pg_time(state.frozen_before_ms),
                pg_time(state.dropped_before_ms));
  t.exec_params(sql::kMarkFrozenSessions, source);
}

std::int64_t PostgresStore::Impl::refresh(pqxx::work& t, const RollupSettings& given) {
  std::vector<std::string> dates = taken_dates(t, source);
  const std::vector<SessionKey> sessions = taken_sessions(t, source);
  const pqxx::result blocks = t.exec_params(sql::kTakeDirtyBlocks, source);
  const std::int64_t refreshed = static_cast<std::int64_t>(dates.size() + sessions.size() + blocks.size());
  // Frozen days and blocks are final: their marks are taken without a recomputation.
  frozen = read_retention(t);
  const FrozenView frozen_view(given, frozen);
  const RollupSettings& settings = frozen_view.settings();
  if (frozen) std::erase_if(dates, [&](const std::string& date) { return date < frozen->frozen_before; });
  refresh_days(t, dates, settings);
  refresh_sessions(t, sessions);
  if (!blocks.empty()) {
    std::int64_t since_ms = blocks[0][0].as<std::int64_t>();
    if (frozen) since_ms = std::max(since_ms, frozen->dropped_before_ms);
    refresh_blocks(t, since_ms, settings);
  }
  return refreshed;
}

void PostgresStore::Impl::refresh_days(pqxx::work& t, const std::vector<std::string>& dates,
                                       const RollupSettings& settings) {
  if (dates.empty()) return;
  PgArray from, to, all_dates, empty_dates;
  for (const std::string& date : dates) {
    const auto [start, end] = settings.calendar->day_range_ms(date);
    from.add(pg_time(start));
    to.add(pg_time(end));
    all_dates.add(date);
  }
  const auto per_day = group_by_key(t.exec_params(sql::kEventsOfDays, source, from.str(), to.str()), dates.size());
  std::vector<DailySummaryRow> days;
  std::vector<ModelDailyRow> models;
  std::vector<CacheAnalyticsRow> caches;
  for (std::size_t i = 0; i < dates.size(); ++i) {
    const std::vector<UsageEvent>& events = per_day[i];
    if (events.empty()) {
      empty_dates.add(dates[i]);
      continue;
    }
    days.push_back(summarize_day(dates[i], events));
    for (ModelDailyRow& row : summarize_models_of_day(dates[i], events)) models.push_back(std::move(row));
    if (settings.prices != nullptr) caches.push_back(summarize_cache_of_day(dates[i], events, *settings.prices));
  }
  t.exec_params(sql::kDeleteModelDays, source, all_dates.str());
  if (!empty_dates.empty()) {
    t.exec_params(sql::kDeleteDays, source, empty_dates.str());
    t.exec_params(sql::kDeleteCacheDays, source, empty_dates.str());
  }
  write_days(t, source, days);
  write_model_days(t, source, models);
  write_cache_days(t, source, caches);
}

void PostgresStore::Impl::refresh_sessions(pqxx::work& t, const std::vector<SessionKey>& sessions) {
  if (sessions.empty()) return;
  PgArray projects, ids;
  for (const auto& [project, session] : sessions) {
    projects.add(project);
    ids.add(session);
  }
  const auto per_session =
      group_by_key(t.exec_params(sql::kEventsOfSessions, source, projects.str(), ids.str()), sessions.size());
  // A session some of whose events retention dropped: their rows merged with the stored ones'.
  const std::vector<SessionParts> frozen_of = frozen ? frozen_parts(t, sessions) : std::vector<SessionParts>();
  std::vector<SessionRow> rows;
  std::vector<SessionModelRow> models;
  for (std::size_t i = 0; i < sessions.size(); ++i) {
    const std::vector<UsageEvent>& events = per_session[i];
    SessionParts parts;
    if (!events.empty()) parts = {summarize_session(events), summarize_models_of_day({}, events)};
    if (!frozen_of.empty()) parts = merge_session(frozen_of[i], parts);
    if (!parts.session) continue;
    rows.push_back(std::move(*parts.session));
    for (const ModelDailyRow& model : parts.models) {
      models.push_back(SessionModelRow{sessions[i].first, sessions[i].second, model.model, model.tokens,
                                       model.cost_usd, model.request_count});
    }
  }
  t.exec_params(sql::kDeleteSessionModels, source, projects.str(), ids.str());
  t.exec_params(sql::kDeleteSessions, source, projects.str(), ids.str());
  write_sessions(t, source, rows);
  write_session_models(t, source, models);
}

// As SqliteStore::Impl::refresh_blocks: recomputes from the first block `since_ms` may have changed.
void PostgresStore::Impl::refresh_blocks(pqxx::work& t, std::int64_t since_ms, const RollupSettings& settings) {
  // The blocks before the drop instant are final and their events gone: the resumption is sought,
  // and blocks are removed, among the later ones only.
  std::vector<UsageBlock> stored;
  for (const pqxx::row& row : t.exec_params(sql::kStoredBlocks, source)) {
    UsageBlock block;
    block.block_id = pg_text(row[0]);
    block.start_ms = row[1].as<std::int64_t>();
    block.actual_end_ms = row[2].as<std::int64_t>();
    if (frozen && block.start_ms < frozen->dropped_before_ms) continue;
    stored.push_back(std::move(block));
  }
  const BlockResumePoint point = block_resume_point(stored, since_ms);
  PgArray dropped;
  for (const UsageBlock& block : stored) {
    if (!keeps_block(point, block)) dropped.add(block.block_id);
  }
  if (!dropped.empty()) t.exec_params(sql::kDeleteBlocks, source, dropped.str());
  const bool from_start = point.events_after_ms == std::numeric_limits<std::int64_t>::min();
  const std::optional<std::string> after =
      from_start ? std::nullopt : std::optional<std::string>(pg_time(point.events_after_ms));
  const auto events = select_events(t.exec_params(sql::kEventsAfter, source, after));
  const std::int64_t now = settings.now_ms != 0 ? settings.now_ms : now_ms();
  write_blocks(t, source, compute_blocks(events, settings.block_length, now, point.previous_event_ms));
}

std::int64_t PostgresStore::refresh_block_status(const RollupSettings& settings) {
  Impl& d = *impl_;
  const std::int64_t now = settings.now_ms != 0 ? settings.now_ms : now_ms();
  pqxx::work t(d.connection, "block_status");
  PgArray expired;
  for (const pqxx::row& row : t.exec_params(postgres_sql::kActiveBlocks, d.source)) {
    UsageBlock block;
    block.end_ms = row[1].as<std::int64_t>();
    block.actual_end_ms = row[2].as<std::int64_t>();
    if (!block_is_active(block, settings.block_length, now)) expired.add(pg_text(row[0]));
  }
  if (!expired.empty()) t.exec_params(postgres_sql::kCompleteBlocks, d.source, expired.str());
  t.commit();
  return static_cast<std::int64_t>(expired.size());
}

}  // namespace cu
