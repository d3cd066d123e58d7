#include "store/sqlite_store.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <limits>
#include <set>
#include <span>
#include <stdexcept>
#include <system_error>
#include <thread>

#include <fmt/format.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include "core/time.h"
#include "embedded_file.h"
#include "rollup/calendar.h"
#include "store/event_keys.h"
#include "store/frozen_view.h"
#include "store/sqlite_sql.h"
#include "store/sqlite_store_impl.h"

namespace cu {
namespace {

namespace sql = sqlite_sql;
// A first commit at least this large into an empty usage_events is a bulk load (sqlite_sql.h). A
// backfill's first batch holds up to IngestOptions::batch_events (2,000) less what later lines of
// the same batch replaced (a streamed answer's every line replaces the one before).
constexpr std::size_t kBulkLoadMinEvents = 500;
// How many indexes kCreateEventIndexes builds (what kCountEventIndexes counts when all exist).
constexpr int kEventIndexes = 3;

int migration_version(std::string_view name) {
  int version = 0;
  const auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), version);
  if (ec != std::errc() || end == name.data()) {
    throw std::runtime_error(fmt::format("migration '{}' has no leading version number", name));
  }
  return version;
}

// Applies pending migrations, all in one IMMEDIATE transaction that re-reads the version, so
// that several processes opening a new database at once apply each migration exactly once, and a
// failed one leaves the database as it was. (One transaction each: creating a database took 11
// ms instead of 9.5.)
void migrate(SQLite::Database& db) {
  db.exec(sql::kCreateMigrations);
  const auto& files = embedded::sqlite_migrations;
  if (files.empty() || migration_version(files.back().name) <= db.execAndGet(sql::kMaxMigration).getInt()) return;
  SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
  const int applied = db.execAndGet(sql::kMaxMigration).getInt();  // another process may have won
  for (const EmbeddedFile& file : files) {
    const int version = migration_version(file.name);
    if (version <= applied) continue;
    db.exec(std::string(file.text));
    SQLite::Statement record(db, sql::kRecordMigration);
    record.bind(1, version);
    record.bind(2, std::string(file.name));
    record.bind(3, format_timestamp_ms(now_ms()));
    record.exec();
  }
  transaction.commit();
}

}  // namespace

void prepare_database_directory(const std::filesystem::path& database) {
  namespace fs = std::filesystem;
  const fs::path dir = database.parent_path();
  if (dir.empty() || fs::exists(dir)) return;
  fs::create_directories(dir);
  fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace);
}

namespace {

// Switches the database to WAL. On a new database several processes may race to do so, and
// SQLite returns SQLITE_BUSY at once, without calling the busy handler, when waiting could
// deadlock (one connection holds SHARED while another waits for EXCLUSIVE); so retry here for
// as long as the busy timeout would have waited.
void use_wal(SQLite::Database& db, std::chrono::milliseconds patience) {
  const auto deadline = std::chrono::steady_clock::now() + patience;
  auto pause = std::chrono::milliseconds(1);
  for (;;) {
    try {
      const std::string mode = db.execAndGet(sql::kJournalModeWal).getString();
      if (mode != "wal") {
        throw std::runtime_error(fmt::format("database stays in journal mode '{}', not WAL", mode));
      }
      return;
    } catch (const SQLite::Exception& error) {
      if (error.getErrorCode() != SQLITE_BUSY || std::chrono::steady_clock::now() >= deadline) throw;
    }
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(50));
  }
}

std::string_view text_of(sqlite3_value* value) {
  return {reinterpret_cast<const char*>(sqlite3_value_text(value)),
          static_cast<std::size_t>(sqlite3_value_bytes(value))};
}

bool all_text(int argc, sqlite3_value** argv) {
  for (int i = 0; i < argc; ++i) {
    if (sqlite3_value_type(argv[i]) != SQLITE_TEXT) return false;
  }
  return true;
}

void message_key_function(sqlite3_context* context, int argc, sqlite3_value** argv) {
  if (!all_text(argc, argv)) return sqlite3_result_error(context, "cu_message_key takes text", -1);
  sqlite3_result_int64(context, message_key(text_of(argv[0])));
}

void session_key_function(sqlite3_context* context, int argc, sqlite3_value** argv) {
  if (!all_text(argc, argv)) return sqlite3_result_error(context, "cu_session_key takes text", -1);
  sqlite3_result_int64(context, session_key(text_of(argv[0]), text_of(argv[1])));
}

// cu_message_key(message_id) and cu_session_key(project, session_id), event_keys.h's functions,
// for the migrations (schema/sqlite/014).
void define_key_functions(SQLite::Database& db) {
  db.createFunction("cu_message_key", 1, true, nullptr, message_key_function);
  db.createFunction("cu_session_key", 2, true, nullptr, session_key_function);
}

// Opens the database and migrates it before any statement is prepared against its tables.
SQLite::Database open_database(const std::filesystem::path& path) {
  prepare_database_directory(path);
  // No per-call mutex: a SqliteStore is used by one thread at a time (sqlite_store.h).
  SQLite::Database db(path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_NOMUTEX);
  ::chmod(path.c_str(), 0600);
  constexpr std::chrono::milliseconds kBusyTimeout{5000};
  db.setBusyTimeout(static_cast<int>(kBusyTimeout.count()));
  use_wal(db, kBusyTimeout);
  db.exec(sql::kPragmas);
  define_key_functions(db);
  migrate(db);
  if (db.execAndGet(sql::kCountEventIndexes).getInt() < kEventIndexes) {
    SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
    if (db.execAndGet(sql::kCountEventIndexes).getInt() < kEventIndexes) {  // another process may have won
      db.exec(sql::kDropEventIndexes);
      db.exec(sql::kCreateEventIndexes);
    }
    transaction.commit();
  }
  if (db.execAndGet(sql::kAnyUnkeyedEvent).getInt() != 0) db.exec(sql::kKeyUnkeyedEvents);
  return db;
}

const char* speed_name(Speed speed) {
  switch (speed) {
    case Speed::kFast: return "fast";
    case Speed::kStandard: return "standard";
    case Speed::kUnset: break;
  }
  return nullptr;
}

}  // namespace

std::int64_t parse_stored_time(std::string_view text) {
  std::int64_t ms = 0;
  if (!parse_timestamp_ms(text, ms)) {
    throw std::runtime_error(fmt::format("database holds a bad timestamp '{}'", text));
  }
  return ms;
}

std::int64_t settings_now(const RollupSettings& settings) {
  return settings.now_ms != 0 ? settings.now_ms : now_ms();
}

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
  if (!row.getColumn(13).isNull()) {
    entry.speed = row.getColumn(13).getString() == "fast" ? Speed::kFast : Speed::kStandard;
  }
  if (!row.getColumn(14).isNull()) entry.logged_cost_usd = row.getColumn(14).getDouble();
  event.cost_usd = row.getColumn(15).getDouble();
  entry.is_sidechain = row.getColumn(16).getInt() != 0;
  entry.cwd = row.getColumn(17).getString();
  event.file = row.getColumn(18).getString();
  event.line_offset = row.getColumn(19).getInt64();
  event.entry_index = row.getColumn(20).getInt();
  return event;
}

SqliteStore::Impl::Impl(const std::filesystem::path& path, std::string source_name)
    : db(open_database(path)),
      source(std::move(source_name)),
      insert_event(db, sql::kInsertEvent),
      insert_events(db, sql::kInsertEvents),
      event_place(db, sql::kEventPlace),
      delete_event(db, sql::kDeleteEvent),
      upsert_checkpoint(db, sql::kUpsertCheckpoint),
      mark_date(db, sql::kMarkDate),
      mark_session(db, sql::kMarkSession),
      mark_blocks(db, sql::kMarkBlocks),
      shipping_enabled(db, sql::kShippingEnabled),
      outbox_event(db, sql::kOutboxEvent),
      outbox_checkpoint(db, sql::kOutboxCheckpoint),
      outbox_marker(db, sql::kOutboxMarker) {}

namespace {

// Binds `event` as the row of `s` whose parameters follow `before`; `timestamp` is its time as
// stored. The strings outlive the statement's execution, so SQLite reads them in place instead of
// copying each; parameters left unbound are NULL.
void bind_event(SQLite::Statement& s, int before, const UsageEvent& event, const std::string& timestamp,
                const std::string& source) {
  const UsageEntry& entry = event.entry;
  s.bindNoCopy(before + 1, source);
  s.bind(before + 2, event.id);
  s.bindNoCopy(before + 3, entry.message_id);
  s.bindNoCopy(before + 4, entry.request_id);
  s.bindNoCopy(before + 5, timestamp);
  s.bindNoCopy(before + 6, event.project);
  s.bindNoCopy(before + 7, event.session_id);
  s.bindNoCopy(before + 8, entry.model);
  s.bind(before + 9, entry.tokens.input);
  s.bind(before + 10, entry.tokens.output);
  s.bind(before + 11, entry.tokens.cache_creation);
  s.bind(before + 12, entry.tokens.cache_read);
  if (entry.tokens.has_cache_split) {
    s.bind(before + 13, entry.tokens.cache_creation_5m);
    s.bind(before + 14, entry.tokens.cache_creation_1h);
  }
  if (const char* speed = speed_name(entry.speed)) s.bind(before + 15, speed);
  if (entry.logged_cost_usd) s.bind(before + 16, *entry.logged_cost_usd);
  s.bind(before + 17, event.cost_usd);
  s.bind(before + 18, entry.is_sidechain ? 1 : 0);
  s.bindNoCopy(before + 19, entry.cwd);
  s.bindNoCopy(before + 20, event.file);
  s.bind(before + 21, event.line_offset);
  s.bind(before + 22, event.entry_index);
  s.bind(before + 23, message_key(entry.message_id));
  s.bind(before + 24, session_key(event.project, event.session_id));
}

}  // namespace

void SqliteStore::Impl::insert(std::span<const UsageEvent> events) {
  // The two statements hold one row and kInsertedTogether rows; `timestamps` holds the latter.
  if (events.size() != 1 && events.size() != kInsertedTogether) {
    throw std::logic_error(fmt::format("SqliteStore: {} events for one insert", events.size()));
  }
  SQLite::Statement& s = events.size() == kInsertedTogether ? insert_events : insert_event;
  s.reset();
  s.clearBindings();
  std::array<std::string, kInsertedTogether> timestamps;
  for (std::size_t i = 0; i < events.size(); ++i) {
    timestamps[i] = format_timestamp_ms(events[i].entry.timestamp_ms);
    bind_event(s, static_cast<int>(i) * kEventColumns, events[i], timestamps[i], source);
  }
  s.exec();
}

void SqliteStore::Impl::reset_statements() noexcept {
  for (SQLite::Statement* statement :
       {&insert_event, &insert_events, &event_place, &delete_event, &upsert_checkpoint, &mark_date, &mark_session,
        &mark_blocks, &shipping_enabled, &outbox_event, &outbox_checkpoint, &outbox_marker}) {
    statement->tryReset();
  }
  for (auto& [sql, statement] : statements) statement->tryReset();
}

void SqliteStore::Impl::ensure_event_indexes() {
  if (event_indexes_deferred) db.exec(sql::kCreateEventIndexes);
}

std::vector<UsageEvent> SqliteStore::Impl::select_events(SQLite::Statement& query) {
  std::vector<UsageEvent> events;
  while (query.executeStep()) events.push_back(read_event(query));
  query.reset();  // cached statements must not hold their read open until their next use
  return events;
}

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

void SqliteStore::load_message_keys(const std::function<void(std::int64_t)>& visit) {
  SQLite::Statement query(impl_->db, sql::kMessageKeys);
  query.bind(1, impl_->source);
  while (query.executeStep()) visit(query.getColumn(0).getInt64());
}

std::int64_t SqliteStore::max_event_id() {
  SQLite::Statement max_id(impl_->db, sql::kMaxEventId);
  max_id.bind(1, impl_->source);
  max_id.executeStep();
  return max_id.getColumn(0).getInt64();
}

// Cached: the dedup index asks it for every copy of a stored message it meets.
std::vector<StoredIdentity> SqliteStore::identities_of_message(const std::string& message_id) {
  // Through usage_events_message: a bulk load that dropped it builds it now, once (a lookup
  // during a bulk load follows a refused commit and a reload of the ingestor), rather than scan
  // every event for each id (~50 ms a call at 5 GB). The load's closing refresh finds it built.
  impl_->ensure_event_indexes();
  SQLite::Statement& query = impl_->cached(sql::kIdentitiesOfMessage);
  Impl::run_bind(query, impl_->source, message_id, message_key(message_id));
  std::vector<StoredIdentity> identities;
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
    identities.push_back(std::move(identity));
  }
  query.reset();  // a cached statement holds no read open
  return identities;
}

std::vector<StoredEventKey> SqliteStore::events_of_file(const std::string& project, const std::string& session_id,
                                                        const std::string& file) {
  SQLite::Statement query(impl_->db, sql::kEventsOfFile);
  const std::optional<RetentionState> frozen = impl_->read_retention();
  Impl::run_bind(query, impl_->source, project, session_id, file,
                 frozen ? format_timestamp_ms(frozen->frozen_before_ms) : std::string(),
                 session_key(project, session_id));
  std::vector<StoredEventKey> keys;
  while (query.executeStep()) keys.push_back({query.getColumn(0).getInt64(), query.getColumn(1).getString()});
  return keys;
}

SqliteStore::Impl::Touched SqliteStore::Impl::apply_batch(const IngestBatch& batch, const RollupSettings& given) {
  const FrozenView frozen_view(given, read_retention());
  const RollupSettings& settings = frozen_view.settings();
  Touched touched;
  std::int64_t earliest = std::numeric_limits<std::int64_t>::max();
  // Consecutive events mostly share their day and session: look those up only when they change.
  std::pair<std::int64_t, std::int64_t> last_day{0, 0};  // [start, end) of the last date inserted
  const SessionKey* last_session = nullptr;
  auto touch = [&](std::int64_t timestamp_ms, const std::string& project, const std::string& session) {
    if (timestamp_ms < last_day.first || timestamp_ms >= last_day.second) {
      const std::string& date = *touched.dates.insert(settings.calendar->date_of(timestamp_ms)).first;
      last_day = settings.calendar->day_range_ms(date);
    }
    if (last_session == nullptr || last_session->first != project || last_session->second != session) {
      last_session = &*touched.sessions.emplace(project, session).first;
    }
    earliest = std::min(earliest, timestamp_ms);
  };
  const bool ship = shipping_on();
  for (const std::int64_t id : batch.removed_ids) {
    event_place.reset();
    event_place.clearBindings();
    event_place.bind(1, source);
    event_place.bind(2, id);
    if (!event_place.executeStep()) continue;
    touch(parse_stored_time(event_place.getColumn(0).getString()), event_place.getColumn(1).getString(),
          event_place.getColumn(2).getString());
    event_place.reset();
    run(delete_event, source, id);
    if (ship) run(outbox_event, source, id);
  }
  const std::span<const UsageEvent> inserted(batch.inserted);
  for (std::size_t done = 0; done < inserted.size();) {
    const std::size_t rows = inserted.size() - done >= kInsertedTogether ? kInsertedTogether : 1;
    insert(inserted.subspan(done, rows));
    for (const UsageEvent& event : inserted.subspan(done, rows)) {
      touch(event.entry.timestamp_ms, event.project, event.session_id);
      if (ship) run(outbox_event, source, event.id);
    }
    done += rows;
  }
  const std::string now = format_timestamp_ms(now_ms());
  for (const Checkpoint& checkpoint : batch.checkpoints) {
    run(upsert_checkpoint, source, checkpoint.path, static_cast<std::int64_t>(checkpoint.device),
        static_cast<std::int64_t>(checkpoint.inode), checkpoint.fingerprint, checkpoint.offset, now);
    if (ship) run(outbox_checkpoint, source, checkpoint.path);
  }
  if (!touched.dates.empty()) touched.earliest_ms = earliest;
  return touched;
}

void SqliteStore::commit(const IngestBatch& batch, const RollupSettings& settings) {
  Impl& d = *impl_;
  Impl::Transaction transaction(d);
  if (d.begins_bulk_load(batch)) d.begin_bulk_load();
  const Impl::Touched touched = d.apply_batch(batch, settings);
  for (const std::string& date : touched.dates) Impl::run(d.mark_date, d.source, date);
  for (const SessionKey& key : touched.sessions) Impl::run(d.mark_session, d.source, key.first, key.second);
  if (touched.earliest_ms) Impl::run(d.mark_blocks, d.source, *touched.earliest_ms);
  transaction.commit();
  if (d.event_indexes_deferred) {  // only once committed: the memory mirrors the table
    if (d.checkpointer) d.checkpointer->request();
    for (const std::int64_t id : batch.removed_ids) d.bulk_events.remove(id);
    for (const UsageEvent& event : batch.inserted) d.bulk_events.add(event);
  }
}

void SqliteStore::commit_and_refresh(const IngestBatch& batch, const RollupSettings& settings) {
  Impl& d = *impl_;
  // A bulk load (deferred indexes, its events in memory) is begun and closed by its own commits
  // and refresh.
  if (d.event_indexes_deferred || d.begins_bulk_load(batch)) {
    commit(batch, settings);
    refresh_rollups(settings);
    return;
  }
  Impl::Transaction transaction(d);
  d.refresh_marked(d.apply_batch(batch, settings), settings);
  transaction.commit();
}

bool SqliteStore::Impl::begins_bulk_load(const IngestBatch& batch) {
  return batch.inserted.size() >= kBulkLoadMinEvents && db.execAndGet(sql::kAnyEvent).getInt() == 0;
}

void SqliteStore::Impl::begin_bulk_load() {
  db.exec(sql::kDropEventIndexes);
  event_indexes_deferred = true;
  if (!checkpointer) {
    checkpointer = std::make_unique<WalCheckpointer>(db.getFilename());
    db.exec(sql::kAutocheckpointOff);  // only with the checkpointer running
  }
}

void SqliteStore::Impl::end_bulk_load() {
  event_indexes_deferred = false;
  bulk_events.clear();
  if (checkpointer) {
    checkpointer.reset();
    db.exec(sql::kAutocheckpointOn);
  }
}

std::int64_t SqliteStore::Impl::refresh_marked(const Touched& touched, const RollupSettings& settings) {
  const std::string now = format_timestamp_ms(now_ms());
  std::set<std::string> marked_dates = touched.dates;
  {
    SQLite::Statement query(db, sql::kDirtyDates);
    query.bind(1, source);
    while (query.executeStep()) marked_dates.insert(query.getColumn(0).getString());
  }
  std::set<SessionKey> sessions = touched.sessions;
  {
    SQLite::Statement query(db, sql::kDirtySessions);
    query.bind(1, source);
    while (query.executeStep()) sessions.emplace(query.getColumn(0).getString(), query.getColumn(1).getString());
  }
  std::optional<std::int64_t> blocks_since = touched.earliest_ms;
  {
    SQLite::Statement query(db, sql::kDirtyBlocks);
    query.bind(1, source);
    if (query.executeStep()) {
      const std::int64_t marked = query.getColumn(0).getInt64();
      blocks_since = blocks_since ? std::min(*blocks_since, marked) : marked;
    }
  }
  const std::vector<std::string> dates(marked_dates.begin(), marked_dates.end());
  refresh_dirty(dates, sessions, blocks_since, settings, now);
  for (const char* clear : {sql::kClearDirtyDates, sql::kClearDirtySessions, sql::kClearDirtyBlocks}) {
    SQLite::Statement statement(db, clear);
    run(statement, source);
  }
  return static_cast<std::int64_t>(dates.size() + sessions.size()) + (blocks_since ? 1 : 0);
}

std::int64_t SqliteStore::refresh_rollups(const RollupSettings& settings) {
  Impl& d = *impl_;
  Impl::Transaction transaction(d);
  const std::int64_t keys = d.refresh_marked({}, settings);
  transaction.commit();
  if (d.event_indexes_deferred) d.build_deferred_time_index();
  d.end_bulk_load();  // only now: a failed refresh, or a failed time index, leaves the load open
  return keys;
}

void SqliteStore::Impl::build_deferred_time_index() {
  // The checkpointer writes the committed lookup indexes and rollups into the database while this
  // connection builds the time index, with a sorter helper on the core the rollups have left
  // (sqlite_sql.h). When the refresh could not work from memory it built all three indexes, and
  // this finds the time index there. Should it fail, the load stays open and the next refresh
  // builds it.
  if (checkpointer) checkpointer->request();
  Transaction transaction(*this);
  db.exec(sql::kSorterHelpers);
  try {
    db.exec(sql::kCreateEventTimeIndex);
  } catch (...) {
    db.exec(sql::kNoSorterHelpers);
    throw;
  }
  db.exec(sql::kNoSorterHelpers);
  transaction.commit();
}

void SqliteStore::rebuild_rollups(const RollupSettings& given) {
  Impl& d = *impl_;
  {
    Impl::Transaction transaction(d);
    // Frozen days and blocks keep their rows; the events left of frozen days are not read for them.
    const std::optional<RetentionState> frozen = d.read_retention();
    const FrozenView frozen_view(given, frozen);
    const RollupSettings& settings = frozen_view.settings();
    std::set<std::string> dates;
    SQLite::Statement timestamps(d.db, sql::kAllTimestamps);
    timestamps.bind(1, d.source);
    while (timestamps.executeStep()) {
      const std::int64_t timestamp_ms = parse_stored_time(timestamps.getColumn(0).getString());
      if (!frozen || timestamp_ms >= frozen->frozen_before_ms) dates.insert(settings.calendar->date_of(timestamp_ms));
    }
    if (frozen) {
      for (const char* clear : {sql::kDeleteDailyFrom, sql::kDeleteModelDailyFrom, sql::kDeleteCacheFrom}) {
        SQLite::Statement statement(d.db, clear);
        Impl::run(statement, d.source, frozen->frozen_before);
      }
      for (const char* clear : {sql::kDeleteAllSessions, sql::kDeleteAllSessionModels}) {
        SQLite::Statement statement(d.db, clear);
        Impl::run(statement, d.source);
      }
      SQLite::Statement frozen_sessions(d.db, sql::kMarkFrozenSessions);
      Impl::run(frozen_sessions, d.source);
    } else {
      for (const char* clear : {sql::kDeleteAllDaily, sql::kDeleteAllSessions, sql::kDeleteAllModelDaily,
                                sql::kDeleteAllCache, sql::kDeleteAllSessionModels, sql::kDeleteAllBlocks}) {
        SQLite::Statement statement(d.db, clear);
        Impl::run(statement, d.source);
      }
    }
    for (const std::string& date : dates) Impl::run(d.mark_date, d.source, date);
    SQLite::Statement all_sessions(d.db, sql::kAllSessionKeys);
    Impl::run(all_sessions, d.source);
    Impl::run(d.mark_blocks, d.source, frozen ? frozen->dropped_before_ms : std::numeric_limits<std::int64_t>::min());
    if (d.shipping_on()) Impl::run(d.outbox_marker, d.source, kOutboxRebuild);
    transaction.commit();
  }
  refresh_rollups(given);
}

SqliteStore::SettingsChange SqliteStore::rebuild_if_settings_changed(const RollupSettings& settings) {
  Impl& d = *impl_;
  std::vector<std::pair<std::string, std::string>> current{
      {"timezone", settings.calendar->zone_name()}, {"block_hours", std::to_string(settings.block_length.count())}};
  if (settings.prices) current.emplace_back("prices", price_fingerprint(*settings.prices, settings.cost_mode));
  // A setting recorded otherwise, or not at all (a database from before it was recorded), leaves
  // rows of unknown settings when there are any.
  std::set<std::string> changed;
  for (const auto& [key, value] : current) {
    SQLite::Statement query(d.db, sql::kRollupSetting);
    Impl::run_bind(query, d.source, key);
    if (!query.executeStep() || query.getColumn(0).getString() != value) changed.insert(key);
  }
  SettingsChange change;
  if (!changed.empty() && event_count() > 0) {
    if (changed.contains("prices")) change.repriced = reprice_events(settings);
    rebuild_rollups(settings);
    change.rebuilt = true;
  }
  Impl::Transaction transaction(d);
  SQLite::Statement set(d.db, sql::kSetRollupSetting);
  for (const auto& [key, value] : current) Impl::run(set, d.source, key, value);
  transaction.commit();
  return change;
}

std::int64_t SqliteStore::event_count() { return impl_->count_events(); }

}  // namespace cu
