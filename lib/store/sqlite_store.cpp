#include "store/sqlite_store.h"

#include <charconv>
#include <set>
#include <stdexcept>
#include <system_error>

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>
#include <sys/stat.h>

#include "embedded_file.h"
#include "parse/line_parser.h"
#include "rollup/calendar.h"
#include "rollup/summaries.h"
#include "store/sqlite_sql.h"

namespace cu {
namespace {

namespace sql = sqlite_sql;
using SessionKey = std::pair<std::string, std::string>;  // (project, session id)

int migration_version(std::string_view name) {
  int version = 0;
  const auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), version);
  if (ec != std::errc() || end == name.data()) {
    throw std::runtime_error(fmt::format("migration '{}' has no leading version number", name));
  }
  return version;
}

void prepare_database_path(const std::filesystem::path& path) {
  namespace fs = std::filesystem;
  const fs::path dir = path.parent_path();
  if (dir.empty() || fs::exists(dir)) return;
  fs::create_directories(dir);
  fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace);
}

std::int64_t parse_stored_time(const std::string& text) {
  std::int64_t ms = 0;
  if (!parse_timestamp_ms(text, ms)) {
    throw std::runtime_error(fmt::format("usage_events has a bad timestamp '{}'", text));
  }
  return ms;
}

Speed speed_from(const SQLite::Column& column) {
  if (column.isNull()) return Speed::kUnset;
  return column.getString() == "fast" ? Speed::kFast : Speed::kStandard;
}

const char* speed_name(Speed speed) {
  switch (speed) {
    case Speed::kFast: return "fast";
    case Speed::kStandard: return "standard";
    case Speed::kUnset: break;
  }
  return nullptr;
}

// Reads one row selected with the column list of sql::kEventColumns.
UsageEvent read_event(SQLite::Statement& row) {
  UsageEvent event;
  UsageEntry& entry = event.entry;
  event.id = row.getColumn(0).getInt64();
  entry.message_id = row.getColumn(1).getString();
  entry.request_id = row.getColumn(2).getString();
  entry.timestamp_ms = parse_stored_time(row.getColumn(3).getString());
  event.project = row.getColumn(4).getString();
  event.session_id = row.getColumn(5).getString();
  entry.model = row.getColumn(6).getString();
  entry.tokens.input = row.getColumn(7).getInt64();
  entry.tokens.output = row.getColumn(8).getInt64();
  entry.tokens.cache_creation = row.getColumn(9).getInt64();
  entry.tokens.cache_read = row.getColumn(10).getInt64();
  entry.tokens.has_cache_split = !row.getColumn(11).isNull();
  entry.tokens.cache_creation_5m = row.getColumn(11).getInt64();
  entry.tokens.cache_creation_1h = row.getColumn(12).getInt64();
  entry.speed = speed_from(row.getColumn(13));
  if (!row.getColumn(14).isNull()) entry.logged_cost_usd = row.getColumn(14).getDouble();
  event.cost_usd = row.getColumn(15).getDouble();
  entry.is_sidechain = row.getColumn(16).getInt() != 0;
  entry.cwd = row.getColumn(17).getString();
  event.file = row.getColumn(18).getString();
  event.line_offset = row.getColumn(19).getInt64();
  event.entry_index = row.getColumn(20).getInt();
  return event;
}

}  // namespace

struct SqliteStore::Impl {
  SQLite::Database db;
  std::string source;
  SQLite::Statement insert_event;
  SQLite::Statement event_place;
  SQLite::Statement delete_event;
  SQLite::Statement upsert_checkpoint;
  SQLite::Statement mark_date;
  SQLite::Statement mark_session;

  Impl(const std::filesystem::path& path, std::string source_name)
      : db(open(path)),
        source(std::move(source_name)),
        insert_event(db, sql::kInsertEvent),
        event_place(db, sql::kEventPlace),
        delete_event(db, sql::kDeleteEvent),
        upsert_checkpoint(db, sql::kUpsertCheckpoint),
        mark_date(db, sql::kMarkDate),
        mark_session(db, sql::kMarkSession) {}

  // Opens the database and migrates it before any statement is prepared against its tables.
  static SQLite::Database open(const std::filesystem::path& path) {
    prepare_database_path(path);
    SQLite::Database db(path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    ::chmod(path.c_str(), 0600);
    db.exec(sql::kPragmas);
    migrate(db);
    return db;
  }

  static void migrate(SQLite::Database& db) {
    db.exec(sql::kCreateMigrations);
    const int current = db.execAndGet(sql::kMaxMigration).getInt();
    for (const EmbeddedFile& file : embedded::sqlite_migrations) {
      const int version = migration_version(file.name);
      if (version <= current) continue;
      SQLite::Transaction transaction(db);
      db.exec(std::string(file.text));
      SQLite::Statement record(db, sql::kRecordMigration);
      record.bind(1, version);
      record.bind(2, std::string(file.name));
      record.bind(3, format_timestamp_ms(now_ms()));
      record.exec();
      transaction.commit();
    }
  }

  template <typename... Values>
  static void run(SQLite::Statement& statement, const Values&... values) {
    statement.reset();
    statement.clearBindings();
    int index = 1;
    (statement.bind(index++, values), ...);
    statement.exec();
  }

  void insert(const UsageEvent& event) {
    const UsageEntry& entry = event.entry;
    SQLite::Statement& s = insert_event;
    s.reset();
    s.clearBindings();
    s.bind(1, source);
    s.bind(2, event.id);
    s.bind(3, entry.message_id);
    s.bind(4, entry.request_id);
    s.bind(5, format_timestamp_ms(entry.timestamp_ms));
    s.bind(6, event.project);
    s.bind(7, event.session_id);
    s.bind(8, entry.model);
    s.bind(9, entry.tokens.input);
    s.bind(10, entry.tokens.output);
    s.bind(11, entry.tokens.cache_creation);
    s.bind(12, entry.tokens.cache_read);
    if (entry.tokens.has_cache_split) {
      s.bind(13, entry.tokens.cache_creation_5m);
      s.bind(14, entry.tokens.cache_creation_1h);
    }
    if (const char* speed = speed_name(entry.speed)) s.bind(15, speed);
    if (entry.logged_cost_usd) s.bind(16, *entry.logged_cost_usd);
    s.bind(17, event.cost_usd);
    s.bind(18, entry.is_sidechain ? 1 : 0);
    s.bind(19, entry.cwd);
    s.bind(20, event.file);
    s.bind(21, event.line_offset);
    s.bind(22, event.entry_index);
    s.exec();
  }

  std::vector<UsageEvent> select_events(const char* query, const std::string& a, const std::string& b) {
    SQLite::Statement statement(db, query);
    statement.bind(1, source);
    statement.bind(2, a);
    statement.bind(3, b);
    std::vector<UsageEvent> events;
    while (statement.executeStep()) events.push_back(read_event(statement));
    return events;
  }

  std::vector<std::string> dirty_dates() {
    SQLite::Statement query(db, sql::kDirtyDates);
    query.bind(1, source);
    std::vector<std::string> dates;
    while (query.executeStep()) dates.push_back(query.getColumn(0).getString());
    return dates;
  }

  std::vector<SessionKey> dirty_sessions() {
    SQLite::Statement query(db, sql::kDirtySessions);
    query.bind(1, source);
    std::vector<SessionKey> keys;
    while (query.executeStep()) {
      keys.emplace_back(query.getColumn(0).getString(), query.getColumn(1).getString());
    }
    return keys;
  }

  void refresh_date(const std::string& date, const Calendar& calendar, const std::string& now) {
    const auto [start, end] = calendar.day_range_ms(date);
    const auto events =
        select_events(sql::kEventsInRange, format_timestamp_ms(start), format_timestamp_ms(end));
    if (events.empty()) {
      SQLite::Statement remove(db, sql::kDeleteDaily);
      run(remove, source, date);
      return;
    }
    const DailySummaryRow row = summarize_day(date, events);
    SQLite::Statement upsert(db, sql::kUpsertDaily);
    run(upsert, source, row.date, row.tokens.input, row.tokens.output, row.tokens.cache_creation,
        row.tokens.cache_read, row.tokens.total(), row.cost_usd, row.session_count,
        row.models_used, now);
  }

  void refresh_session(const SessionKey& key, const std::string& now) {
    const auto events = select_events(sql::kEventsOfSession, key.first, key.second);
    if (events.empty()) {
      SQLite::Statement remove(db, sql::kDeleteSession);
      run(remove, source, key.first, key.second);
      return;
    }
    const SessionRow row = summarize_session(events);
    SQLite::Statement upsert(db, sql::kUpsertSession);
    run(upsert, source, row.session_id, row.project_path, row.project_name,
        format_timestamp_ms(row.session_start_ms), format_timestamp_ms(row.session_end_ms),
        row.tokens.input, row.tokens.output, row.tokens.cache_creation, row.tokens.cache_read,
        row.tokens.total(), row.cost_usd, row.model_name, row.message_count, row.efficiency_score,
        now);
  }
};

SqliteStore::SqliteStore(const std::filesystem::path& path, std::string source)
    : impl_(std::make_unique<Impl>(path, std::move(source))) {}

SqliteStore::~SqliteStore() = default;

int SqliteStore::schema_version() { return impl_->db.execAndGet(sql::kMaxMigration).getInt(); }

std::vector<Checkpoint> SqliteStore::load_checkpoints() {
  SQLite::Statement query(impl_->db, sql::kCheckpoints);
  query.bind(1, impl_->source);
  std::vector<Checkpoint> checkpoints;
  while (query.executeStep()) {
    checkpoints.push_back(Checkpoint{query.getColumn(0).getString(),
                                     static_cast<std::uint64_t>(query.getColumn(1).getInt64()),
                                     static_cast<std::uint64_t>(query.getColumn(2).getInt64()),
                                     query.getColumn(3).getString(), query.getColumn(4).getInt64()});
  }
  return checkpoints;
}

std::int64_t SqliteStore::load_identities(const std::function<void(StoredIdentity&&)>& visit) {
  SQLite::Statement query(impl_->db, sql::kIdentities);
  query.bind(1, impl_->source);
  while (query.executeStep()) {
    StoredIdentity identity;
    identity.id = query.getColumn(0).getInt64();
    identity.message_id = query.getColumn(1).getString();
    identity.request_id = query.getColumn(2).getString();
    identity.is_sidechain = query.getColumn(3).getInt() != 0;
    identity.tokens = query.getColumn(4).getInt64();
    identity.cost_usd = query.getColumn(5).getDouble();
    identity.has_speed = query.getColumn(6).getInt() != 0;
    identity.file = query.getColumn(7).getString();
    identity.line_offset = query.getColumn(8).getInt64();
    identity.entry_index = query.getColumn(9).getInt();
    visit(std::move(identity));
  }
  SQLite::Statement max_id(impl_->db, sql::kMaxEventId);
  max_id.bind(1, impl_->source);
  max_id.executeStep();
  return max_id.getColumn(0).getInt64();
}

void SqliteStore::commit(const IngestBatch& batch, const RollupSettings& settings) {
  Impl& d = *impl_;
  std::set<std::string> dates;
  std::set<SessionKey> sessions;
  SQLite::Transaction transaction(d.db);
  for (const std::int64_t id : batch.removed_ids) {
    d.event_place.reset();
    d.event_place.clearBindings();
    d.event_place.bind(1, d.source);
    d.event_place.bind(2, id);
    if (!d.event_place.executeStep()) continue;
    dates.insert(settings.calendar->date_of(parse_stored_time(d.event_place.getColumn(0).getString())));
    sessions.emplace(d.event_place.getColumn(1).getString(), d.event_place.getColumn(2).getString());
    d.event_place.reset();
    Impl::run(d.delete_event, d.source, id);
  }
  for (const UsageEvent& event : batch.inserted) {
    d.insert(event);
    dates.insert(settings.calendar->date_of(event.entry.timestamp_ms));
    sessions.emplace(event.project, event.session_id);
  }
  const std::string now = format_timestamp_ms(now_ms());
  for (const Checkpoint& checkpoint : batch.checkpoints) {
    Impl::run(d.upsert_checkpoint, d.source, checkpoint.path,
              static_cast<std::int64_t>(checkpoint.device), static_cast<std::int64_t>(checkpoint.inode),
              checkpoint.fingerprint, checkpoint.offset, now);
  }
  for (const std::string& date : dates) Impl::run(d.mark_date, d.source, date);
  for (const SessionKey& key : sessions) Impl::run(d.mark_session, d.source, key.first, key.second);
  transaction.commit();
}

std::int64_t SqliteStore::refresh_rollups(const RollupSettings& settings) {
  Impl& d = *impl_;
  SQLite::Transaction transaction(d.db);
  const std::string now = format_timestamp_ms(now_ms());
  const auto dates = d.dirty_dates();
  const auto sessions = d.dirty_sessions();
  for (const std::string& date : dates) d.refresh_date(date, *settings.calendar, now);
  for (const SessionKey& key : sessions) d.refresh_session(key, now);
  SQLite::Statement clear_dates(d.db, sql::kClearDirtyDates);
  Impl::run(clear_dates, d.source);
  SQLite::Statement clear_sessions(d.db, sql::kClearDirtySessions);
  Impl::run(clear_sessions, d.source);
  transaction.commit();
  return static_cast<std::int64_t>(dates.size() + sessions.size());
}

void SqliteStore::rebuild_rollups(const RollupSettings& settings) {
  Impl& d = *impl_;
  {
    SQLite::Transaction transaction(d.db);
    std::set<std::string> dates;
    SQLite::Statement timestamps(d.db, sql::kAllTimestamps);
    timestamps.bind(1, d.source);
    while (timestamps.executeStep()) {
      dates.insert(settings.calendar->date_of(parse_stored_time(timestamps.getColumn(0).getString())));
    }
    SQLite::Statement delete_daily(d.db, sql::kDeleteAllDaily);
    Impl::run(delete_daily, d.source);
    SQLite::Statement delete_sessions(d.db, sql::kDeleteAllSessions);
    Impl::run(delete_sessions, d.source);
    for (const std::string& date : dates) Impl::run(d.mark_date, d.source, date);
    SQLite::Statement all_sessions(d.db, sql::kAllSessionKeys);
    Impl::run(all_sessions, d.source);
    transaction.commit();
  }
  refresh_rollups(settings);
}

std::vector<DailySummaryRow> SqliteStore::daily_summaries() {
  SQLite::Statement query(impl_->db, sql::kDailyRows);
  query.bind(1, impl_->source);
  std::vector<DailySummaryRow> rows;
  while (query.executeStep()) {
    DailySummaryRow row;
    row.date = query.getColumn(0).getString();
    row.tokens = {query.getColumn(1).getInt64(), query.getColumn(2).getInt64(),
                  query.getColumn(3).getInt64(), query.getColumn(4).getInt64()};
    row.cost_usd = query.getColumn(5).getDouble();
    row.session_count = query.getColumn(6).getInt64();
    row.models_used = query.getColumn(7).getString();
    rows.push_back(std::move(row));
  }
  return rows;
}

std::vector<SessionRow> SqliteStore::sessions() {
  SQLite::Statement query(impl_->db, sql::kSessionRows);
  query.bind(1, impl_->source);
  std::vector<SessionRow> rows;
  while (query.executeStep()) {
    SessionRow row;
    row.session_id = query.getColumn(0).getString();
    row.project_path = query.getColumn(1).getString();
    row.project_name = query.getColumn(2).getString();
    row.session_start_ms = parse_stored_time(query.getColumn(3).getString());
    row.session_end_ms = parse_stored_time(query.getColumn(4).getString());
    row.tokens = {query.getColumn(5).getInt64(), query.getColumn(6).getInt64(),
                  query.getColumn(7).getInt64(), query.getColumn(8).getInt64()};
    row.cost_usd = query.getColumn(9).getDouble();
    row.model_name = query.getColumn(10).getString();
    row.message_count = query.getColumn(11).getInt64();
    row.efficiency_score = query.getColumn(12).getDouble();
    rows.push_back(std::move(row));
  }
  return rows;
}

std::int64_t SqliteStore::event_count() {
  SQLite::Statement query(impl_->db, sql::kEventCount);
  query.bind(1, impl_->source);
  query.executeStep();
  return query.getColumn(0).getInt64();
}

}  // namespace cu
