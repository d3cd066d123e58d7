#include "store/postgres_store.h"

#include <map>
#include <optional>
#include <tuple>

#include "core/time.h"
#include "rollup/calendar.h"
#include "store/event_keys.h"
#include "store/postgres_migrate.h"
#include "store/postgres_sql.h"
#include "store/postgres_store_impl.h"
#include "store/postgres_values.h"

namespace cu {
namespace {

namespace sql = postgres_sql;

// The columns of staging_events that copy_events() writes, in its tuple's order.
const std::vector<std::string> kEventColumns = {
    "source", "id", "message_id", "request_id", "timestamp", "project", "session_id", "model",
    "input_tokens", "output_tokens", "cache_creation_tokens", "cache_read_tokens",
    "cache_creation_5m_tokens", "cache_creation_1h_tokens", "speed", "logged_cost_usd", "cost_usd",
    "is_sidechain", "cwd", "file", "line_offset", "entry_index"};

std::optional<std::string> speed_text(Speed speed) {
  switch (speed) {
    case Speed::kFast: return "fast";
    case Speed::kStandard: return "standard";
    case Speed::kUnset: break;
  }
  return std::nullopt;
}

// The last event of each id: a batch may carry an id twice, and one upsert cannot touch a row twice.
std::vector<UsageEvent> unique_by_id(const std::vector<UsageEvent>& events) {
  std::map<std::int64_t, const UsageEvent*> last;
  for (const UsageEvent& event : events) last[event.id] = &event;
  std::vector<UsageEvent> unique;
  unique.reserve(last.size());
  for (const auto& entry : last) unique.push_back(*entry.second);
  return unique;
}

std::vector<Checkpoint> unique_by_path(const std::vector<Checkpoint>& checkpoints) {
  std::map<std::string, Checkpoint> last;
  for (const Checkpoint& checkpoint : checkpoints) last[checkpoint.path] = checkpoint;
  std::vector<Checkpoint> unique;
  for (auto& entry : last) unique.push_back(std::move(entry.second));
  return unique;
}

std::string id_array(const std::vector<std::int64_t>& ids) {
  PgArray array;
  for (const std::int64_t id : ids) array.add(id);
  return array.str();
}

}  // namespace

std::string pg_time(std::int64_t timestamp_ms) { return format_timestamp_ms(timestamp_ms); }

void DirtyKeys::touch(const Calendar& calendar, std::int64_t timestamp_ms, const std::string& project,
                      const std::string& session_id) {
  dates.insert(calendar.date_of(timestamp_ms));
  sessions.emplace(project, session_id);
  earliest_ms = std::min(earliest_ms, timestamp_ms);
}

void DirtyKeys::touch_rows(const Calendar& calendar, const pqxx::result& places) {
  for (const pqxx::row& row : places) touch(calendar, row[0].as<std::int64_t>(), pg_text(row[1]), pg_text(row[2]));
}

UsageEvent read_pg_event(const pqxx::row& row, int first) {
  UsageEvent event;
  UsageEntry& entry = event.entry;
  auto at = [&](int column) { return row[static_cast<pqxx::row::size_type>(first + column)]; };
  event.id = at(0).as<std::int64_t>();
  entry.message_id = pg_text(at(1));
  entry.request_id = pg_text(at(2));
  entry.timestamp_ms = at(3).as<std::int64_t>();
  event.project = pg_text(at(4));
  event.session_id = pg_text(at(5));
  entry.model = pg_text(at(6));
  entry.tokens.input = at(7).as<std::int64_t>();
  entry.tokens.output = at(8).as<std::int64_t>();
  entry.tokens.cache_creation = at(9).as<std::int64_t>();
  entry.tokens.cache_read = at(10).as<std::int64_t>();
  entry.tokens.has_cache_split = !at(11).is_null();
  entry.tokens.cache_creation_5m = at(11).as<std::int64_t>(0);
  entry.tokens.cache_creation_1h = at(12).as<std::int64_t>(0);
  if (!at(13).is_null()) entry.speed = pg_text(at(13)) == "fast" ? Speed::kFast : Speed::kStandard;
  if (!at(14).is_null()) entry.logged_cost_usd = at(14).as<double>();
  event.cost_usd = at(15).as<double>();
  entry.is_sidechain = at(16).as<bool>();
  entry.cwd = pg_text(at(17));
  event.file = pg_text(at(18));
  event.line_offset = at(19).as<std::int64_t>();
  event.entry_index = at(20).as<std::int32_t>();
  return event;
}

PostgresStore::Impl::Impl(const std::string& conninfo, std::string source_name)
    : connection(conninfo), source(std::move(source_name)) {
  migrate_postgres(connection);
  pqxx::work t(connection, "session");
  t.exec(sql::kCreateStaging);
  t.commit();
}

void PostgresStore::Impl::create_partitions(const std::vector<UsageEvent>& events) {
  // One instant per UTC day is enough (the function keeps one per month) and keeps the array short.
  constexpr std::int64_t kDayMs = 86'400'000;
  std::set<std::int64_t> days;
  for (const UsageEvent& event : events) {
    const std::int64_t ms = event.entry.timestamp_ms;
    days.insert(ms / kDayMs - (ms % kDayMs < 0 ? 1 : 0));
  }
  PgArray instants;
  for (const std::int64_t day : days) instants.add(pg_time(day * kDayMs));
  pqxx::work t(connection, "partitions");
  t.exec_params(sql::kCreatePartitions, instants.str());
  t.commit();
}

std::vector<UsageEvent> PostgresStore::Impl::select_events(const pqxx::result& rows, int first_column) {
  std::vector<UsageEvent> events;
  events.reserve(rows.size());
  for (const pqxx::row& row : rows) events.push_back(read_pg_event(row, first_column));
  return events;
}

void PostgresStore::Impl::copy_events(pqxx::work& t, const std::vector<UsageEvent>& events) {
  pqxx::stream_to stream(t, sql::kStagingTable, kEventColumns);
  for (const UsageEvent& event : events) {
    const UsageEntry& entry = event.entry;
    const TokenCounts& tokens = entry.tokens;
    const auto split = [&](std::int64_t value) {
      return tokens.has_cache_split ? std::optional<std::int64_t>(value) : std::nullopt;
    };
    const std::optional<std::string> logged =
        entry.logged_cost_usd ? std::optional<std::string>(pg_number(*entry.logged_cost_usd)) : std::nullopt;
    stream << std::make_tuple(pg_text_value(source), event.id, pg_text_value(entry.message_id),
                              pg_text_value(entry.request_id), pg_time(entry.timestamp_ms),
                              pg_text_value(event.project), pg_text_value(event.session_id),
                              pg_text_value(entry.model), tokens.input, tokens.output, tokens.cache_creation,
                              tokens.cache_read, split(tokens.cache_creation_5m), split(tokens.cache_creation_1h),
                              speed_text(entry.speed), logged, pg_number(event.cost_usd), entry.is_sidechain,
                              pg_text_value(entry.cwd), pg_text_value(event.file), event.line_offset,
                              event.entry_index);
  }
  stream.complete();
}

void PostgresStore::Impl::upsert_checkpoints(pqxx::work& t, const std::vector<Checkpoint>& checkpoints) {
  if (checkpoints.empty()) return;
  PgArray paths, devices, inodes, fingerprints, offsets;
  for (const Checkpoint& checkpoint : unique_by_path(checkpoints)) {
    paths.add(checkpoint.path);
    devices.add(static_cast<std::int64_t>(checkpoint.device));
    inodes.add(static_cast<std::int64_t>(checkpoint.inode));
    fingerprints.add(checkpoint.fingerprint);
    offsets.add(checkpoint.offset);
  }
  t.exec_params(sql::kUpsertCheckpoints, source, paths.str(), devices.str(), inodes.str(), fingerprints.str(),
                offsets.str());
}

void PostgresStore::Impl::mark(pqxx::work& t, const DirtyKeys& keys) {
  if (keys.empty()) return;
  PgArray dates;
  for (const std::string& date : keys.dates) dates.add(date);
  t.exec_params(sql::kMarkDates, source, dates.str());
  PgArray projects, sessions;
  for (const auto& [project, session] : keys.sessions) {
    projects.add(project);
    sessions.add(session);
  }
  t.exec_params(sql::kMarkSessions, source, projects.str(), sessions.str());
  t.exec_params(sql::kMarkBlocks, source, keys.earliest_ms);
}

// Upsert = delete (remembering where the old rows were) + insert: the keys of both the old and
// the new place of an event are marked dirty, whatever the batch replays.
void PostgresStore::Impl::apply(pqxx::work& t, const IngestBatch& batch, const RollupSettings& settings,
                                const std::vector<std::int64_t>* keep_only_ids) {
  const Calendar& calendar = *settings.calendar;
  DirtyKeys keys;
  if (keep_only_ids != nullptr) {
    keys.touch_rows(calendar, t.exec_params(sql::kDeleteEventsNotIn, source, id_array(*keep_only_ids)));
  }
  std::vector<std::int64_t> ids = batch.removed_ids;
  for (const UsageEvent& event : batch.inserted) ids.push_back(event.id);
  if (!ids.empty()) keys.touch_rows(calendar, t.exec_params(sql::kDeleteEvents, source, id_array(ids)));
  if (!batch.inserted.empty()) {
    const std::vector<UsageEvent> events = unique_by_id(batch.inserted);
    copy_events(t, events);
    t.exec(sql::kUpsertStaged);
    for (const UsageEvent& event : events) {
      keys.touch(calendar, event.entry.timestamp_ms, event.project, event.session_id);
    }
  }
  upsert_checkpoints(t, batch.checkpoints);
  mark(t, keys);
}

void PostgresStore::Impl::mark_everything(pqxx::work& t, const RollupSettings& settings) {
  // Frozen days and blocks keep their rows; the events left of frozen days are not read for them.
  const std::optional<RetentionState> retention = read_retention(t);
  if (retention) {
    t.exec_params(sql::kDeleteRollupsFrom, source, retention->frozen_before);
    t.exec_params(sql::kMarkFrozenSessions, source);
  } else {
    t.exec_params(sql::kDeleteAllRollups, source);
  }
  std::set<std::string> dates;
  for (const pqxx::row& row : t.exec_params(sql::kAllTimestamps, source)) {
    const std::int64_t timestamp_ms = row[0].as<std::int64_t>();
    if (!retention || timestamp_ms >= retention->frozen_before_ms) {
      dates.insert(settings.calendar->date_of(timestamp_ms));
    }
  }
  if (!dates.empty()) {
    PgArray array;
    for (const std::string& date : dates) array.add(date);
    t.exec_params(sql::kMarkDates, source, array.str());
  }
  t.exec_params(sql::kMarkAllSessions, source);
  t.exec_params(sql::kMarkBlocks, source,
                retention ? retention->dropped_before_ms : std::numeric_limits<std::int64_t>::min());
}

PostgresStore::PostgresStore(const PostgresOptions& options, std::string source) {
  const std::string conninfo = postgres_conninfo(options);
  const std::string password = conninfo_value(conninfo, "password");
  try {
    impl_ = std::make_unique<Impl>(conninfo, std::move(source));
  } catch (const std::exception& error) {
    throw PostgresError(redact_secret(error.what(), password));
  }
}

PostgresStore::~PostgresStore() = default;

bool is_refusal_sqlstate(std::string_view sqlstate) {
  return sqlstate.size() == 5 && (sqlstate.starts_with("22") || sqlstate.starts_with("23"));
}

// libpq's cancel request goes over a connection of its own, so it may be sent while another thread
// waits on this one (libpqxx: cancel_query() may be used from another thread).
void PostgresStore::cancel() noexcept {
  try {
    impl_->connection.cancel_query();
  } catch (const std::exception&) {
    // Nothing to cancel, or the server is unreachable: the statement ends by its own timeouts.
  }
}

int PostgresStore::schema_version() {
  pqxx::nontransaction t(impl_->connection);
  return t.exec1(sql::kMaxMigration)[0].as<int>();
}

std::vector<Checkpoint> PostgresStore::load_checkpoints() {
  pqxx::nontransaction t(impl_->connection);
  std::vector<Checkpoint> checkpoints;
  for (const pqxx::row& row : t.exec_params(sql::kCheckpoints, impl_->source)) {
    checkpoints.push_back(Checkpoint{pg_text(row[0]), static_cast<std::uint64_t>(row[1].as<std::int64_t>()),
                                     static_cast<std::uint64_t>(row[2].as<std::int64_t>()), pg_text(row[3]),
                                     row[4].as<std::int64_t>()});
  }
  return checkpoints;
}

// The team database has no message_key column: the keys are computed from the ids here.
void PostgresStore::load_message_keys(const std::function<void(std::int64_t)>& visit) {
  pqxx::read_transaction t(impl_->connection);
  for (const pqxx::row& row : t.exec_params(sql::kMessageIds, impl_->source)) {
    visit(message_key(std::string_view(row[0].c_str(), row[0].size())));
  }
}

std::int64_t PostgresStore::max_event_id() {
  pqxx::read_transaction t(impl_->connection);
  return t.exec_params1(sql::kMaxEventId, impl_->source)[0].as<std::int64_t>();
}

std::vector<StoredIdentity> PostgresStore::identities_of_message(const std::string& message_id) {
  pqxx::read_transaction t(impl_->connection);
  std::vector<StoredIdentity> identities;
  for (const pqxx::row& row : t.exec_params(sql::kIdentitiesOfMessage, impl_->source, message_id)) {
    StoredIdentity identity;
    identity.id = row[0].as<std::int64_t>();
    identity.message_id = pg_text(row[1]);
    identity.request_id = pg_text(row[2]);
    identity.is_sidechain = row[3].as<bool>();
    identity.tokens = row[4].as<std::int64_t>();
    identity.cost_usd = row[5].as<double>();
    identity.has_speed = row[6].as<bool>();
    identity.file = pg_text(row[7]);
    identity.line_offset = row[8].as<std::int64_t>();
    identity.entry_index = row[9].as<std::int32_t>();
    identities.push_back(std::move(identity));
  }
  return identities;
}

std::vector<StoredEventKey> PostgresStore::events_of_file(const std::string& project, const std::string& session_id,
                                                          const std::string& file) {
  pqxx::read_transaction t(impl_->connection);
  std::vector<StoredEventKey> keys;
  for (const pqxx::row& row : t.exec_params(sql::kEventsOfFile, impl_->source, project, session_id, file)) {
    keys.push_back({row[0].as<std::int64_t>(), pg_text(row[1])});
  }
  return keys;
}

void PostgresStore::commit(const IngestBatch& batch, const RollupSettings& settings) {
  if (!batch.inserted.empty()) impl_->create_partitions(batch.inserted);
  pqxx::work t(impl_->connection, "commit");
  impl_->apply(t, batch, settings);
  t.commit();
}

std::int64_t PostgresStore::refresh_rollups(const RollupSettings& settings) {
  pqxx::work t(impl_->connection, "refresh");
  const std::int64_t refreshed = impl_->refresh(t, settings);
  t.commit();
  return refreshed;
}

void PostgresStore::rebuild_rollups(const RollupSettings& settings) {
  pqxx::work t(impl_->connection, "rebuild");
  impl_->mark_everything(t, settings);
  impl_->refresh(t, settings);
  t.commit();
}

std::int64_t PostgresStore::event_count() {
  pqxx::nontransaction t(impl_->connection);
  return t.exec_params1(sql::kEventCount, impl_->source)[0].as<std::int64_t>();
}

}  // namespace cu
