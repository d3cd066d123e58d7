// Derived rows of the SQLite backend: recomputed per dirty key from usage_events with the pure
// rollup functions of lib/rollup.
#include <fmt/format.h>

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

}  // namespace

void SqliteStore::Impl::refresh_date(const std::string& date, const RollupSettings& settings,
                                     const std::string& now) {
  const auto [start, end] = settings.calendar->day_range_ms(date);
  SQLite::Statement query(db, sql::kEventsOfProject);
  run_bind(query, source, format_timestamp_ms(start), format_timestamp_ms(end), std::string());
  const auto events = select_events(query);
  SQLite::Statement delete_models(db, sql::kDeleteModelDaily);
  run(delete_models, source, date);
  if (events.empty()) {
    SQLite::Statement remove(db, sql::kDeleteDaily);
    run(remove, source, date);
    SQLite::Statement remove_cache(db, sql::kDeleteCache);
    run(remove_cache, source, date);
    return;
  }
  const DailySummaryRow row = summarize_day(date, events);
  SQLite::Statement upsert(db, sql::kUpsertDaily);
  run(upsert, source, row.date, row.tokens.input, row.tokens.output, row.tokens.cache_creation,
      row.tokens.cache_read, row.tokens.total(), row.cost_usd, row.session_count, row.models_used, now);
  SQLite::Statement insert_model(db, sql::kInsertModelDaily);
  for (const ModelDailyRow& model : summarize_models_of_day(date, events)) {
    run(insert_model, source, date, model.model, model.tokens.input, model.tokens.output,
        model.tokens.cache_creation, model.tokens.cache_read, model.tokens.total(), model.cost_usd,
        model.request_count, now);
  }
  if (settings.prices != nullptr) {
    const CacheAnalyticsRow cache = summarize_cache_of_day(date, events, *settings.prices);
    SQLite::Statement upsert_cache(db, sql::kUpsertCache);
    run(upsert_cache, source, date, cache.total_cache_tokens, cache.cache_hit_tokens, cache.hit_rate,
        cache.cache_savings_usd, now);
  }
}

void SqliteStore::Impl::refresh_session(const std::string& project, const std::string& session_id,
                                        const std::string& now) {
  SQLite::Statement query(db, sql::kEventsOfSession);
  run_bind(query, source, project, session_id);
  const auto events = select_events(query);
  SQLite::Statement delete_models(db, sql::kDeleteSessionModels);
  run(delete_models, source, project, session_id);
  if (events.empty()) {
    SQLite::Statement remove(db, sql::kDeleteSession);
    run(remove, source, project, session_id);
    return;
  }
  const SessionRow row = summarize_session(events);
  SQLite::Statement upsert(db, sql::kUpsertSession);
  run(upsert, source, row.session_id, row.project_path, row.project_name,
      format_timestamp_ms(row.session_start_ms), format_timestamp_ms(row.session_end_ms), row.tokens.input,
      row.tokens.output, row.tokens.cache_creation, row.tokens.cache_read, row.tokens.total(), row.cost_usd,
      row.model_name, row.message_count, row.efficiency_score, now);
  SQLite::Statement insert_model(db, sql::kInsertSessionModel);
  for (const ModelDailyRow& model : summarize_models_of_day({}, events)) {
    run(insert_model, source, project, session_id, model.model, model.tokens.input, model.tokens.output,
        model.tokens.cache_creation, model.tokens.cache_read, model.cost_usd, model.request_count);
  }
}

// Recomputes the blocks from the first one that `since_ms` may have changed (rollup/usage_blocks.h:
// block_resume_point), keeping the older ones as stored.
void SqliteStore::Impl::refresh_blocks(std::int64_t since_ms, const RollupSettings& settings,
                                       const std::string& now) {
  std::vector<UsageBlock> stored;
  {
    SQLite::Statement query(db, sql::kBlockRows);
    run_bind(query, source, std::optional<std::string>(), std::optional<std::string>());
    while (query.executeStep()) {
      UsageBlock block;
      block.block_id = query.getColumn(0).getString();
      block.start_ms = parse_stored_time(query.getColumn(1).getString());
      block.actual_end_ms = parse_stored_time(query.getColumn(4).getString());
      stored.push_back(std::move(block));
    }
  }
  const BlockResumePoint point = block_resume_point(stored, since_ms);
  SQLite::Statement remove(db, sql::kDeleteBlock);
  for (const UsageBlock& block : stored) {
    if (!keeps_block(point, block)) run(remove, source, block.block_id);
  }
  SQLite::Statement query(db, sql::kEventsAfter);
  const bool from_start = point.events_after_ms == std::numeric_limits<std::int64_t>::min();
  run_bind(query, source, from_start ? std::string() : format_timestamp_ms(point.events_after_ms));
  const auto events = select_events(query);
  const auto blocks = compute_blocks(events, settings.block_length, settings_now(settings), point.previous_event_ms);
  SQLite::Statement upsert(db, sql::kUpsertBlock);
  for (const UsageBlock& block : blocks) {
    if (block.is_gap) continue;
    run(upsert, source, block.block_id, format_timestamp_ms(block.start_ms), format_timestamp_ms(block.end_ms),
        format_timestamp_ms(block.first_event_ms), format_timestamp_ms(block.actual_end_ms), block.tokens.input,
        block.tokens.output, block.tokens.cache_creation, block.tokens.cache_read, block.tokens.total(),
        block.cost_usd, block.entries, block.session_count, join_models(block.models), std::string(block.status()), now);
  }
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
