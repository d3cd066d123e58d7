// Reads of the PostgreSQL backend for reports and tests; each is one autocommitted statement.
// Every filter value is a bound parameter.
#include <optional>
#include <stdexcept>

#include "rollup/calendar.h"
#include "store/postgres_sql.h"
#include "store/row_codec.h"
#include "store/postgres_store_impl.h"

namespace cu {

TokenTotals read_tokens(const pqxx::row& row, int first) {
  auto at = [&](int column) { return row[static_cast<pqxx::row::size_type>(first + column)].as<std::int64_t>(); };
  return TokenTotals{at(0), at(1), at(2), at(3)};
}

namespace {

namespace sql = postgres_sql;
using OptionalText = std::optional<std::string>;

// The UTC instants [from, to) of the local dates [since, until], as bound parameters.
std::pair<OptionalText, OptionalText> time_bounds(const ReportFilter& filter, const Calendar* calendar) {
  const auto [from, to] = date_filter_bounds_ms(filter, calendar);
  return {from ? OptionalText(pg_time(*from)) : std::nullopt, to ? OptionalText(pg_time(*to)) : std::nullopt};
}

}  // namespace

std::vector<DailySummaryRow> PostgresStore::daily_summaries(const ReportFilter& filter) {
  pqxx::nontransaction t(impl_->connection);
  std::vector<DailySummaryRow> rows;
  for (const pqxx::row& row : t.exec_params(sql::kDailyRows, impl_->source, filter.since, filter.until)) {
    DailySummaryRow day;
    day.date = pg_text(row[0]);
    day.tokens = read_tokens(row, 1);
    day.cost_usd = row[5].as<double>();
    day.session_count = row[6].as<std::int64_t>();
    day.models_used = pg_text(row[7]);
    rows.push_back(std::move(day));
  }
  return rows;
}

std::vector<ModelDailyRow> PostgresStore::model_daily(const ReportFilter& filter) {
  pqxx::nontransaction t(impl_->connection);
  std::vector<ModelDailyRow> rows;
  for (const pqxx::row& row : t.exec_params(sql::kModelDailyRows, impl_->source, filter.since, filter.until)) {
    ModelDailyRow model;
    model.date = pg_text(row[0]);
    model.model = pg_text(row[1]);
    model.tokens = read_tokens(row, 2);
    model.cost_usd = row[6].as<double>();
    model.request_count = row[7].as<std::int64_t>();
    rows.push_back(std::move(model));
  }
  return rows;
}

std::vector<CacheAnalyticsRow> PostgresStore::cache_analytics(const ReportFilter& filter) {
  pqxx::nontransaction t(impl_->connection);
  std::vector<CacheAnalyticsRow> rows;
  for (const pqxx::row& row : t.exec_params(sql::kCacheRows, impl_->source, filter.since, filter.until)) {
    rows.push_back(CacheAnalyticsRow{pg_text(row[0]), row[1].as<std::int64_t>(), row[2].as<std::int64_t>(),
                                     row[3].as<double>(), row[4].as<double>()});
  }
  return rows;
}

std::vector<SessionRow> PostgresStore::sessions(const ReportFilter& filter, const Calendar* calendar) {
  const auto [from, to] = time_bounds(filter, calendar);
  pqxx::nontransaction t(impl_->connection);
  std::vector<SessionRow> rows;
  for (const pqxx::row& row :
       t.exec_params(sql::kSessionRows, impl_->source, from, to, filter.project, filter.session_id)) {
    SessionRow session;
    session.session_id = pg_text(row[0]);
    session.project_path = pg_text(row[1]);
    session.project_name = pg_text(row[2]);
    session.session_start_ms = row[3].as<std::int64_t>();
    session.session_end_ms = row[4].as<std::int64_t>();
    session.tokens = read_tokens(row, 5);
    session.cost_usd = row[9].as<double>();
    session.model_name = pg_text(row[10]);
    session.message_count = row[11].as<std::int64_t>();
    session.efficiency_score = row[12].as<double>();
    rows.push_back(std::move(session));
  }
  return rows;
}

std::vector<SessionModelRow> PostgresStore::session_models(const ReportFilter& filter, const Calendar* calendar) {
  const auto [from, to] = time_bounds(filter, calendar);
  pqxx::nontransaction t(impl_->connection);
  std::vector<SessionModelRow> rows;
  for (const pqxx::row& row :
       t.exec_params(sql::kSessionModelRows, impl_->source, from, to, filter.project, filter.session_id)) {
    SessionModelRow model;
    model.project_path = pg_text(row[0]);
    model.session_id = pg_text(row[1]);
    model.model = pg_text(row[2]);
    model.tokens = read_tokens(row, 3);
    model.cost_usd = row[7].as<double>();
    model.request_count = row[8].as<std::int64_t>();
    rows.push_back(std::move(model));
  }
  return rows;
}

std::vector<UsageBlock> PostgresStore::usage_blocks(const ReportFilter& filter, const Calendar* calendar) {
  const auto [from, to] = time_bounds(filter, calendar);
  pqxx::nontransaction t(impl_->connection);
  std::vector<UsageBlock> blocks;
  for (const pqxx::row& row : t.exec_params(sql::kBlockRows, impl_->source, from, to)) {
    UsageBlock block;
    block.block_id = pg_text(row[0]);
    block.start_ms = row[1].as<std::int64_t>();
    block.end_ms = row[2].as<std::int64_t>();
    block.first_event_ms = row[3].as<std::int64_t>();
    block.actual_end_ms = row[4].as<std::int64_t>();
    block.tokens = read_tokens(row, 5);
    block.cost_usd = row[9].as<double>();
    block.entries = row[10].as<std::int64_t>();
    block.session_count = row[11].as<std::int64_t>();
    block.models = split_models(pg_text(row[12]));
    block.is_active = pg_text(row[13]) == "active";
    blocks.push_back(std::move(block));
  }
  return blocks;
}

std::vector<UsageEvent> PostgresStore::events_between(std::int64_t from_ms, std::int64_t to_ms,
                                                      const std::string& project) {
  pqxx::nontransaction t(impl_->connection);
  return impl_->select_events(
      t.exec_params(sql::kEventsOfProject, impl_->source, pg_time(from_ms), pg_time(to_ms), project));
}

std::vector<std::string> PostgresStore::projects() {
  pqxx::nontransaction t(impl_->connection);
  std::vector<std::string> names;
  for (const pqxx::row& row : t.exec_params(sql::kProjects, impl_->source)) names.push_back(pg_text(row[0]));
  return names;
}

}  // namespace cu
