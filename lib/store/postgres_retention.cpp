// Retention on the PostgreSQL backend (schema/postgres/008_retention.sql, rollup/retention.h): the
// freeze a local database shipped (ShipBatch::freeze_before), applied to this source's copy.
#include "core/time.h"
#include "rollup/calendar.h"
#include "rollup/model_daily.h"
#include "rollup/summaries.h"
#include "store/postgres_sql.h"
#include "store/postgres_store_impl.h"
#include "store/postgres_values.h"

namespace cu {
namespace {

namespace sql = postgres_sql;
using SessionKey = std::pair<std::string, std::string>;

}  // namespace

std::optional<RetentionState> PostgresStore::Impl::read_retention(pqxx::work& t) {
  const pqxx::result rows = t.exec_params(sql::kRetentionState, source);
  if (rows.empty()) return std::nullopt;
  return RetentionState{pg_text(rows[0][0]), rows[0][1].as<std::int64_t>(), rows[0][2].as<std::int64_t>()};
}

std::optional<RetentionState> PostgresStore::retention() {
  pqxx::work t(impl_->connection, "retention");
  return impl_->read_retention(t);
}

std::vector<SessionParts> PostgresStore::Impl::frozen_parts(pqxx::work& t, const std::vector<SessionKey>& sessions) {
  std::vector<SessionParts> parts(sessions.size());
  if (sessions.empty()) return parts;
  PgArray projects, ids;
  for (const auto& [project, session] : sessions) {
    projects.add(project);
    ids.add(session);
  }
  for (const pqxx::row& row : t.exec_params(sql::kFrozenSessionsOf, source, projects.str(), ids.str())) {
    const std::size_t index = row[0].as<std::size_t>() - 1;
    SessionRow& session = parts.at(index).session.emplace();
    session.project_path = sessions[index].first;
    session.session_id = sessions[index].second;
    session.project_name = pg_text(row[1]);
    session.session_start_ms = row[2].as<std::int64_t>();
    session.session_end_ms = row[3].as<std::int64_t>();
    session.tokens = read_tokens(row, 4);
    session.cost_usd = row[8].as<double>();
    session.message_count = row[9].as<std::int64_t>();
  }
  for (const pqxx::row& row : t.exec_params(sql::kFrozenSessionModelsOf, source, projects.str(), ids.str())) {
    ModelDailyRow& model = parts.at(row[0].as<std::size_t>() - 1).models.emplace_back();
    model.model = pg_text(row[1]);
    model.tokens = read_tokens(row, 2);
    model.cost_usd = row[6].as<double>();
    model.request_count = row[7].as<std::int64_t>();
  }
  return parts;
}

void PostgresStore::Impl::freeze(pqxx::work& t, const std::string& date, std::int64_t date_start_ms,
                                 std::int64_t drop_before_ms, const RollupSettings& settings) {
  const std::optional<RetentionState> current = read_retention(t);
  if (current && current->frozen_before >= date) return;
  refresh(t, settings);  // the rows about to become final are current
  const std::int64_t cutoff_ms = date_start_ms;  // the local database's, whatever this calendar says
  const std::int64_t drop_ms = current ? std::max(drop_before_ms, current->dropped_before_ms) : drop_before_ms;
  const std::string drop_text = pg_time(drop_ms);
  // The events dropped, read once through the time index (a session's index would read every event
  // of a long session at each day's freeze), grouped by session.
  std::vector<SessionKey> sessions;
  std::vector<std::vector<UsageEvent>> dropped;
  for (const pqxx::row& row : t.exec_params(sql::kEventsBefore, source, drop_text)) {
    UsageEvent event = read_pg_event(row, 0);
    if (sessions.empty() || sessions.back() != SessionKey{event.project, event.session_id}) {
      sessions.emplace_back(event.project, event.session_id);
      dropped.emplace_back();
    }
    dropped.back().push_back(std::move(event));
  }
  if (!sessions.empty()) {
    const std::vector<SessionParts> before = frozen_parts(t, sessions);
    for (std::size_t i = 0; i < sessions.size(); ++i) {
      const SessionParts now_dropped{summarize_session(dropped[i]), summarize_models_of_day({}, dropped[i])};
      const SessionParts part = merge_session(before[i], now_dropped);
      write_frozen_session(t, *part.session);
      for (const ModelDailyRow& model : part.models) {
        write_frozen_session_model(t, SessionModelRow{sessions[i].first, sessions[i].second, model.model,
                                                      model.tokens, model.cost_usd, model.request_count});
      }
    }
  }
  t.exec_params(sql::kDeleteEventsBefore, source, drop_text);
  t.exec_params(sql::kSetRetentionState, source, date, pg_time(cutoff_ms), drop_text);
}

void PostgresStore::Impl::write_frozen_session(pqxx::work& t, const SessionRow& row) {
  t.exec_params(sql::kUpsertFrozenSession, source, row.session_id, row.project_path, row.project_name,
                pg_time(row.session_start_ms), pg_time(row.session_end_ms), row.tokens.input, row.tokens.output,
                row.tokens.cache_creation, row.tokens.cache_read, row.cost_usd, row.message_count);
  t.exec_params(sql::kDeleteFrozenSessionModels, source, row.project_path, row.session_id);
}

void PostgresStore::Impl::write_frozen_session_model(pqxx::work& t, const SessionModelRow& model) {
  t.exec_params(sql::kInsertFrozenSessionModel, source, model.project_path, model.session_id, model.model,
                model.tokens.input, model.tokens.output, model.tokens.cache_creation, model.tokens.cache_read,
                model.cost_usd, model.request_count);
}

void PostgresStore::Impl::drop_empty_partitions(std::int64_t before_ms) {
  pqxx::work t(connection, "drop_partitions");
  t.exec_params(sql::kDropEmptyPartitions, pg_time(before_ms));
  t.commit();
}

}  // namespace cu
