// Reads of the SQLite backend for reports and tests. Every filter value is a bound parameter.
#include <optional>
#include <stdexcept>

#include "core/time.h"
#include "rollup/calendar.h"
#include "store/row_codec.h"
#include "store/sqlite_sql.h"
#include "store/sqlite_store_impl.h"

namespace cu {

TokenTotals read_tokens(SQLite::Statement& row, int first_column) {
  return TokenTotals{row.getColumn(first_column).getInt64(), row.getColumn(first_column + 1).getInt64(),
                     row.getColumn(first_column + 2).getInt64(), row.getColumn(first_column + 3).getInt64()};
}

namespace {

namespace sql = sqlite_sql;
using OptionalText = std::optional<std::string>;

// The UTC text bounds [from, to) of the local dates [since, until] for columns holding times.
std::pair<OptionalText, OptionalText> time_bounds(const ReportFilter& filter, const Calendar* calendar) {
  const auto [from, to] = date_filter_bounds_ms(filter, calendar);
  return {from ? OptionalText(format_timestamp_ms(*from)) : std::nullopt,
          to ? OptionalText(format_timestamp_ms(*to)) : std::nullopt};
}

}  // namespace

std::vector<DailySummaryRow> SqliteStore::daily_summaries(const ReportFilter& filter) {
  SQLite::Statement query(impl_->db, sql::kDailyRows);
  Impl::run_bind(query, impl_->source, filter.since, filter.until);
  std::vector<DailySummaryRow> rows;
  while (query.executeStep()) {
    DailySummaryRow row;
    row.date = query.getColumn(0).getString();
    row.tokens = read_tokens(query, 1);
    row.cost_usd = query.getColumn(5).getDouble();
    row.session_count = query.getColumn(6).getInt64();
    row.models_used = query.getColumn(7).getString();
    rows.push_back(std::move(row));
  }
  return rows;
}

std::vector<ModelDailyRow> SqliteStore::model_daily(const ReportFilter& filter) {
  SQLite::Statement query(impl_->db, sql::kModelDailyRows);
  Impl::run_bind(query, impl_->source, filter.since, filter.until);
  std::vector<ModelDailyRow> rows;
  while (query.executeStep()) {
    ModelDailyRow row;
    row.date = query.getColumn(0).getString();
    row.model = query.getColumn(1).getString();
    row.tokens = read_tokens(query, 2);
    row.cost_usd = query.getColumn(6).getDouble();
    row.request_count = query.getColumn(7).getInt64();
    rows.push_back(std::move(row));
  }
  return rows;
}

std::vector<CacheAnalyticsRow> SqliteStore::cache_analytics(const ReportFilter& filter) {
  SQLite::Statement query(impl_->db, sql::kCacheRows);
  Impl::run_bind(query, impl_->source, filter.since, filter.until);
  std::vector<CacheAnalyticsRow> rows;
  while (query.executeStep()) {
    rows.push_back(CacheAnalyticsRow{query.getColumn(0).getString(), query.getColumn(1).getInt64(),
                                     query.getColumn(2).getInt64(), query.getColumn(3).getDouble(),
                                     query.getColumn(4).getDouble()});
  }
  return rows;
}

std::vector<SessionRow> SqliteStore::sessions(const ReportFilter& filter, const Calendar* calendar) {
  SQLite::Statement query(impl_->db, sql::kSessionRows);
  const auto [from, to] = time_bounds(filter, calendar);
  Impl::run_bind(query, impl_->source, from, to, filter.project, filter.session_id);
  std::vector<SessionRow> rows;
  while (query.executeStep()) {
    SessionRow row;
    row.session_id = query.getColumn(0).getString();
    row.project_path = query.getColumn(1).getString();
    row.project_name = query.getColumn(2).getString();
    row.session_start_ms = parse_stored_time(query.getColumn(3).getString());
    row.session_end_ms = parse_stored_time(query.getColumn(4).getString());
    row.tokens = read_tokens(query, 5);
    row.cost_usd = query.getColumn(9).getDouble();
    row.model_name = query.getColumn(10).getString();
    row.message_count = query.getColumn(11).getInt64();
    row.efficiency_score = query.getColumn(12).getDouble();
    rows.push_back(std::move(row));
  }
  return rows;
}

std::vector<SessionModelRow> SqliteStore::session_models(const ReportFilter& filter, const Calendar* calendar) {
  SQLite::Statement query(impl_->db, sql::kSessionModelRows);
  const auto [from, to] = time_bounds(filter, calendar);
  Impl::run_bind(query, impl_->source, from, to, filter.project, filter.session_id);
  std::vector<SessionModelRow> rows;
  while (query.executeStep()) {
    SessionModelRow row;
    row.project_path = query.getColumn(0).getString();
    row.session_id = query.getColumn(1).getString();
    row.model = query.getColumn(2).getString();
    row.tokens = read_tokens(query, 3);
    row.cost_usd = query.getColumn(7).getDouble();
    row.request_count = query.getColumn(8).getInt64();
    rows.push_back(std::move(row));
  }
  return rows;
}

std::vector<UsageBlock> SqliteStore::usage_blocks(const ReportFilter& filter, const Calendar* calendar) {
  SQLite::Statement query(impl_->db, sql::kBlockRows);
  const auto [from, to] = time_bounds(filter, calendar);
  Impl::run_bind(query, impl_->source, from, to);
  std::vector<UsageBlock> blocks;
  while (query.executeStep()) {
    UsageBlock block;
    block.block_id = query.getColumn(0).getString();
    block.start_ms = parse_stored_time(query.getColumn(1).getString());
    block.end_ms = parse_stored_time(query.getColumn(2).getString());
    block.first_event_ms = parse_stored_time(query.getColumn(3).getString());
    block.actual_end_ms = parse_stored_time(query.getColumn(4).getString());
    block.tokens = read_tokens(query, 5);
    block.cost_usd = query.getColumn(9).getDouble();
    block.entries = query.getColumn(10).getInt64();
    block.session_count = query.getColumn(11).getInt64();
    block.models = split_models(query.getColumn(12).getString());
    block.is_active = query.getColumn(13).getString() == "active";
    blocks.push_back(std::move(block));
  }
  return blocks;
}

std::vector<UsageEvent> SqliteStore::events_between(std::int64_t from_ms, std::int64_t to_ms,
                                                    const std::string& project) {
  SQLite::Statement query(impl_->db, sql::kEventsOfProject);
  Impl::run_bind(query, impl_->source, format_timestamp_ms(from_ms), format_timestamp_ms(to_ms), project);
  return impl_->select_events(query);
}

std::vector<std::string> SqliteStore::projects() {
  SQLite::Statement query(impl_->db, sql::kProjects);
  query.bind(1, impl_->source);
  std::vector<std::string> names;
  while (query.executeStep()) names.push_back(query.getColumn(0).getString());
  return names;
}

}  // namespace cu
