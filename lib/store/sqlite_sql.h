#pragma once
// Every SQL statement of the SQLite backend. All values are bound parameters.

namespace cu::sqlite_sql {

// Switching a new database to WAL takes an exclusive lock; open_database() retries it (see there).
inline constexpr const char* kJournalModeWal = "PRAGMA journal_mode=WAL";
inline constexpr const char* kPragmas = "PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;";

inline constexpr const char* kCreateMigrations =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)";
inline constexpr const char* kMaxMigration = "SELECT COALESCE(MAX(version), 0) FROM schema_migrations";
inline constexpr const char* kRecordMigration =
    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)";

// The columns read_event() expects, in its order.
#define CU_SQLITE_EVENT_COLUMNS                                                                  \
  " id, message_id, request_id, timestamp, project, session_id, model, input_tokens,"            \
  " output_tokens, cache_creation_tokens, cache_read_tokens, cache_creation_5m_tokens,"          \
  " cache_creation_1h_tokens, speed, logged_cost_usd, cost_usd, is_sidechain, cwd, file,"        \
  " line_offset, entry_index "
// The same columns for rollups, which read neither the identity of an event nor (except for
// sessions) its cwd: constant '' in their places saves two or three strings per event read.
#define CU_SQLITE_ROLLUP_EVENT_COLUMNS(cwd)                                                      \
  " id, '', '', timestamp, project, session_id, model, input_tokens,"                            \
  " output_tokens, cache_creation_tokens, cache_read_tokens, cache_creation_5m_tokens,"          \
  " cache_creation_1h_tokens, speed, logged_cost_usd, cost_usd, is_sidechain, " cwd ", file,"    \
  " line_offset, entry_index "

// What usage_events_time holds after the timestamp (schema/sqlite/010), and before the source
// (014): the figures the limit estimates sum over a week of events (usage_points), read from the
// index alone. The source comes last so that building the index compares timestamps, not the
// source that every event of a database but a relabelled one shares (5 GB: the closing refresh
// 0.97 → 0.83 s, with the lookup indexes already keyed); the queries that read events by time
// write `+source`, which SQLite then checks in the index rather than seeking the primary key's
// index by source and reading every event of it.
#define CU_SQLITE_EVENT_TIME_INDEX_COVERS "cost_usd, input_tokens, output_tokens, cache_creation_tokens, cache_read_tokens"

// The secondary indexes of usage_events (schema/sqlite/010, 014). A large first commit
// into an empty table drops them, and the next refresh builds them in one sorted pass: inserting
// a backfill's events into two randomly ordered B-trees one by one costs more than the rest of
// the backfill together. Opening a database builds them too, so a crash in between heals; it
// counts only those that begin with this version's column, and rebuilds all three otherwise (a
// program older than schema/sqlite/014 that bulk-loads an emptied table builds its own under
// these names).
inline constexpr const char* kCountEventIndexes =
    "SELECT COUNT(*) FROM sqlite_master m, pragma_index_info(m.name) i WHERE m.type = 'index' AND i.seqno = 0"
    " AND ((m.name = 'usage_events_time' AND i.name = 'timestamp')"
    " OR (m.name = 'usage_events_session' AND i.name = 'session_key')"
    " OR (m.name = 'usage_events_message' AND i.name = 'message_key'))";
#define CU_SQLITE_CREATE_EVENT_LOOKUP_INDEXES                                             \
  "CREATE INDEX IF NOT EXISTS usage_events_session ON usage_events (session_key, source);" \
  "CREATE INDEX IF NOT EXISTS usage_events_message ON usage_events (message_key, source);"
#define CU_SQLITE_CREATE_EVENT_TIME_INDEX \
  "CREATE INDEX IF NOT EXISTS usage_events_time ON usage_events (timestamp, " CU_SQLITE_EVENT_TIME_INDEX_COVERS ", source);"
inline constexpr const char* kCreateEventIndexes =
    CU_SQLITE_CREATE_EVENT_LOOKUP_INDEXES CU_SQLITE_CREATE_EVENT_TIME_INDEX;
inline constexpr const char* kCreateEventLookupIndexes = CU_SQLITE_CREATE_EVENT_LOOKUP_INDEXES;
inline constexpr const char* kCreateEventTimeIndex = CU_SQLITE_CREATE_EVENT_TIME_INDEX;
// Events without their keys (schema/sqlite/014): only a program older than version 14 writes
// them (its inserts leave the columns' default), and the lookups would not find them. Opening a
// database keys them: through usage_events_message, a lookup when there are none.
inline constexpr const char* kAnyUnkeyedEvent =
    "SELECT EXISTS (SELECT 1 FROM usage_events WHERE message_key = 0 AND session_key = 0)";
inline constexpr const char* kKeyUnkeyedEvents =
    "UPDATE usage_events SET message_key = cu_message_key(message_id),"
    " session_key = cu_session_key(project, session_id) WHERE message_key = 0 AND session_key = 0";
// Building them sorts every event once per index, on the writing connection's thread. Closing a
// bulk load, the two lookup indexes are built while another thread computes the rollups, and the
// time index, the longest (text keys; at 5 GB 0.30 s against 0.21 and 0.25 s), last, once the
// rollups are done, with one helper thread of SQLite's sorter on the core they leave
// (kSorterHelpers): at 5 GB 0.30 → 0.24 s, the closing refresh 0.82 → 0.76 s (no change at
// 500 MB). Helpers for all three builds had gained nothing at 5 GB and cost 10–20 ms at 500 MB,
// competing with the rollups (docs/BENCHMARKS.md). The time index has a transaction of its own,
// after the one of the rollups and the lookup indexes: the load's checkpointer writes those into
// the database file (two fsyncs, mostly waiting) while the time index is built, where the last
// connection's close used to wait for all 48 MB at once (5 GB: 0.33 → 0.23 s from the refresh's
// end to the exit). A crash in between leaves two of the three indexes, which opening the
// database rebuilds (kCountEventIndexes).
inline constexpr const char* kSorterHelpers = "PRAGMA threads=1";
inline constexpr const char* kNoSorterHelpers = "PRAGMA threads=0";
inline constexpr const char* kDropEventIndexes =
    "DROP INDEX IF EXISTS usage_events_time; DROP INDEX IF EXISTS usage_events_session;"
    " DROP INDEX IF EXISTS usage_events_message;";
// A bulk load checkpoints the log on a thread of its own (wal_checkpointer.h); 1000 pages is
// SQLite's default.
inline constexpr const char* kAutocheckpointOff = "PRAGMA wal_autocheckpoint=0";
inline constexpr const char* kAutocheckpointOn = "PRAGMA wal_autocheckpoint=1000";
inline constexpr const char* kAnyEvent = "SELECT EXISTS (SELECT 1 FROM usage_events)";

// Events are inserted sixteen at a time while that many are left, one at a time after
// (kInsertedTogether, sqlite_store_impl.h): a statement per row cost ~2.4 µs of binding and
// stepping beyond what SQLite spends on the row. Each row's 24 parameters follow the previous
// row's (anonymous `?`, numbered in order).
#define CU_SQLITE_INSERT_EVENTS                                                                   \
  "INSERT INTO usage_events (source, id, message_id, request_id, timestamp, project, session_id," \
  " model, input_tokens, output_tokens, cache_creation_tokens, cache_read_tokens,"               \
  " cache_creation_5m_tokens, cache_creation_1h_tokens, speed, logged_cost_usd, cost_usd,"       \
  " is_sidechain, cwd, file, line_offset, entry_index, message_key, session_key) VALUES "
#define CU_SQLITE_EVENT_ROW "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
#define CU_SQLITE_EVENT_ROWS_4 CU_SQLITE_EVENT_ROW ", " CU_SQLITE_EVENT_ROW ", " CU_SQLITE_EVENT_ROW ", " CU_SQLITE_EVENT_ROW
#define CU_SQLITE_EVENT_ROWS_16 \
  CU_SQLITE_EVENT_ROWS_4 ", " CU_SQLITE_EVENT_ROWS_4 ", " CU_SQLITE_EVENT_ROWS_4 ", " CU_SQLITE_EVENT_ROWS_4
inline constexpr const char* kInsertEvent = CU_SQLITE_INSERT_EVENTS CU_SQLITE_EVENT_ROW;
inline constexpr const char* kInsertEvents = CU_SQLITE_INSERT_EVENTS CU_SQLITE_EVENT_ROWS_16;
inline constexpr const char* kEventPlace =
    "SELECT timestamp, project, session_id FROM usage_events WHERE source = ?1 AND id = ?2";
inline constexpr const char* kDeleteEvent = "DELETE FROM usage_events WHERE source = ?1 AND id = ?2";
inline constexpr const char* kEventCount = "SELECT COUNT(*) FROM usage_events WHERE source = ?1";
// From usage_events_message alone (`+source`: not the primary key's index, which would read every
// row).
inline constexpr const char* kMessageKeys = "SELECT message_key FROM usage_events WHERE +source = ?1";
// Through usage_events_message (?3: message_key(?2); schema/sqlite/014).
inline constexpr const char* kIdentitiesOfMessage =
    "SELECT id, message_id, request_id, is_sidechain,"
    " input_tokens + output_tokens + cache_creation_tokens + cache_read_tokens, cost_usd,"
    " speed IS NOT NULL, file, line_offset, entry_index FROM usage_events"
    " WHERE message_key = ?3 AND source = ?1 AND message_id = ?2";
// Through usage_events_session (?6: session_key(?2, ?3)): a transcript's path gives its project
// and session. Only events of days not frozen (?5: the frozen days' end, '' when none): a frozen
// day's events stay as they are. (`+timestamp`: so that the time range never competes with the
// session key for the index; SQLite 3.40 prefers the key anyway.)
inline constexpr const char* kEventsOfFile =
    "SELECT id, message_id FROM usage_events"
    " WHERE session_key = ?6 AND source = ?1 AND project = ?2 AND session_id = ?3 AND file = ?4"
    " AND +timestamp >= ?5";
inline constexpr const char* kMaxEventId =
    "SELECT COALESCE(MAX(id), 0) FROM usage_events WHERE source = ?1";

inline constexpr const char* kUpsertCheckpoint =
    "INSERT INTO ingest_checkpoints (source, path, device, inode, fingerprint, offset, updated_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (source, path) DO UPDATE SET"
    " device = excluded.device, inode = excluded.inode, fingerprint = excluded.fingerprint,"
    " offset = excluded.offset, updated_at = excluded.updated_at";
inline constexpr const char* kCheckpoints =
    "SELECT path, device, inode, fingerprint, offset FROM ingest_checkpoints WHERE source = ?1";

inline constexpr const char* kMarkDate =
    "INSERT OR IGNORE INTO rollup_dirty_dates (source, date) VALUES (?1, ?2)";
inline constexpr const char* kMarkSession =
    "INSERT OR IGNORE INTO rollup_dirty_sessions (source, project_path, session_id) VALUES (?1, ?2, ?3)";
inline constexpr const char* kDirtyDates = "SELECT date FROM rollup_dirty_dates WHERE source = ?1";
inline constexpr const char* kDirtySessions =
    "SELECT project_path, session_id FROM rollup_dirty_sessions WHERE source = ?1";
inline constexpr const char* kClearDirtyDates = "DELETE FROM rollup_dirty_dates WHERE source = ?1";
inline constexpr const char* kClearDirtySessions =
    "DELETE FROM rollup_dirty_sessions WHERE source = ?1";
inline constexpr const char* kAllSessionKeys =
    "INSERT OR IGNORE INTO rollup_dirty_sessions (source, project_path, session_id)"
    " SELECT DISTINCT source, project, session_id FROM usage_events WHERE source = ?1";
inline constexpr const char* kAllTimestamps =
    "SELECT timestamp FROM usage_events WHERE +source = ?1";
inline constexpr const char* kDeleteAllDaily = "DELETE FROM daily_usage_summary WHERE source = ?1";
inline constexpr const char* kDeleteAllSessions = "DELETE FROM claude_sessions WHERE source = ?1";
inline constexpr const char* kDeleteAllModelDaily = "DELETE FROM model_daily_usage WHERE source = ?1";
inline constexpr const char* kDeleteAllCache = "DELETE FROM cache_analytics WHERE source = ?1";
inline constexpr const char* kDeleteAllSessionModels =
    "DELETE FROM session_model_usage WHERE source = ?1";

// Through usage_events_session (?4: session_key(?2, ?3)).
inline constexpr const char* kEventsOfSession =
    "SELECT" CU_SQLITE_EVENT_COLUMNS "FROM usage_events"
    " WHERE session_key = ?4 AND source = ?1 AND project = ?2 AND session_id = ?3";

inline constexpr const char* kUpsertDaily =
    "INSERT INTO daily_usage_summary (source, date, input_tokens, output_tokens,"
    " cache_creation_tokens, cache_read_tokens, total_tokens, cost_usd, session_count, models_used,"
    " created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11)"
    " ON CONFLICT (source, date) DO UPDATE SET input_tokens = excluded.input_tokens,"
    " output_tokens = excluded.output_tokens, cache_creation_tokens = excluded.cache_creation_tokens,"
    " cache_read_tokens = excluded.cache_read_tokens, total_tokens = excluded.total_tokens,"
    " cost_usd = excluded.cost_usd, session_count = excluded.session_count,"
    " models_used = excluded.models_used, updated_at = excluded.updated_at";
inline constexpr const char* kDeleteDaily =
    "DELETE FROM daily_usage_summary WHERE source = ?1 AND date = ?2";
// Filters bind NULL for "no bound": ?2 since date, ?3 until date (inclusive).
inline constexpr const char* kDailyRows =
    "SELECT date, input_tokens, output_tokens, cache_creation_tokens, cache_read_tokens,"
    " cost_usd, session_count, models_used FROM daily_usage_summary WHERE source = ?1"
    " AND (?2 IS NULL OR date >= ?2) AND (?3 IS NULL OR date <= ?3) ORDER BY date";

inline constexpr const char* kUpsertSession =
    "INSERT INTO claude_sessions (source, session_id, project_path, project_name, session_start,"
    " session_end, input_tokens, output_tokens, cache_creation_tokens, cache_read_tokens,"
    " total_tokens, cost_usd, model_name, message_count, efficiency_score, updated_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)"
    " ON CONFLICT (source, project_path, session_id) DO UPDATE SET"
    " project_name = excluded.project_name, session_start = excluded.session_start,"
    " session_end = excluded.session_end, input_tokens = excluded.input_tokens,"
    " output_tokens = excluded.output_tokens, cache_creation_tokens = excluded.cache_creation_tokens,"
    " cache_read_tokens = excluded.cache_read_tokens, total_tokens = excluded.total_tokens,"
    " cost_usd = excluded.cost_usd, model_name = excluded.model_name,"
    " message_count = excluded.message_count, efficiency_score = excluded.efficiency_score,"
    " updated_at = excluded.updated_at";
inline constexpr const char* kDeleteSession =
    "DELETE FROM claude_sessions WHERE source = ?1 AND project_path = ?2 AND session_id = ?3";
// ?2/?3: session_end bounds as UTC text [from, to); ?4 project; ?5 session id (NULL: any).
inline constexpr const char* kSessionRows =
    "SELECT session_id, project_path, project_name, session_start, session_end, input_tokens,"
    " output_tokens, cache_creation_tokens, cache_read_tokens, cost_usd, model_name, message_count,"
    " efficiency_score FROM claude_sessions WHERE source = ?1"
    " AND (?2 IS NULL OR session_end >= ?2) AND (?3 IS NULL OR session_end < ?3)"
    " AND (?4 IS NULL OR project_path = ?4) AND (?5 IS NULL OR session_id = ?5)"
    " ORDER BY session_end, project_path, session_id";
inline constexpr const char* kSessionModelRows =
    "SELECT m.project_path, m.session_id, m.model, m.input_tokens, m.output_tokens,"
    " m.cache_creation_tokens, m.cache_read_tokens, m.cost_usd, m.request_count"
    " FROM session_model_usage m JOIN claude_sessions s ON s.source = m.source"
    " AND s.project_path = m.project_path AND s.session_id = m.session_id WHERE m.source = ?1"
    " AND (?2 IS NULL OR s.session_end >= ?2) AND (?3 IS NULL OR s.session_end < ?3)"
    " AND (?4 IS NULL OR m.project_path = ?4) AND (?5 IS NULL OR m.session_id = ?5)"
    " ORDER BY m.project_path, m.session_id, m.model";
inline constexpr const char* kDeleteSessionModels =
    "DELETE FROM session_model_usage WHERE source = ?1 AND project_path = ?2 AND session_id = ?3";
inline constexpr const char* kInsertSessionModel =
    "INSERT INTO session_model_usage (source, project_path, session_id, model, input_tokens,"
    " output_tokens, cache_creation_tokens, cache_read_tokens, cost_usd, request_count)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";

inline constexpr const char* kDeleteModelDaily =
    "DELETE FROM model_daily_usage WHERE source = ?1 AND date = ?2";
inline constexpr const char* kInsertModelDaily =
    "INSERT INTO model_daily_usage (source, date, model, input_tokens, output_tokens,"
    " cache_creation_tokens, cache_read_tokens, total_tokens, cost_usd, request_count, updated_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";
inline constexpr const char* kModelDailyRows =
    "SELECT date, model, input_tokens, output_tokens, cache_creation_tokens, cache_read_tokens,"
    " cost_usd, request_count FROM model_daily_usage WHERE source = ?1"
    " AND (?2 IS NULL OR date >= ?2) AND (?3 IS NULL OR date <= ?3) ORDER BY date, model";

inline constexpr const char* kUpsertCache =
    "INSERT INTO cache_analytics (source, date, total_cache_tokens, cache_hit_tokens, hit_rate,"
    " cache_savings_usd, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
    " ON CONFLICT (source, date) DO UPDATE SET total_cache_tokens = excluded.total_cache_tokens,"
    " cache_hit_tokens = excluded.cache_hit_tokens, hit_rate = excluded.hit_rate,"
    " cache_savings_usd = excluded.cache_savings_usd, updated_at = excluded.updated_at";
inline constexpr const char* kDeleteCache = "DELETE FROM cache_analytics WHERE source = ?1 AND date = ?2";
inline constexpr const char* kCacheRows =
    "SELECT date, total_cache_tokens, cache_hit_tokens, hit_rate, cache_savings_usd"
    " FROM cache_analytics WHERE source = ?1"
    " AND (?2 IS NULL OR date >= ?2) AND (?3 IS NULL OR date <= ?3) ORDER BY date";

inline constexpr const char* kMarkBlocks =
    "INSERT INTO rollup_dirty_blocks (source, since_ms) VALUES (?1, ?2) ON CONFLICT (source)"
    " DO UPDATE SET since_ms = MIN(since_ms, excluded.since_ms)";
inline constexpr const char* kDirtyBlocks = "SELECT since_ms FROM rollup_dirty_blocks WHERE source = ?1";
inline constexpr const char* kClearDirtyBlocks = "DELETE FROM rollup_dirty_blocks WHERE source = ?1";
// ?2/?3: start_time bounds as UTC text [from, to) (NULL: open).
inline constexpr const char* kBlockRows =
    "SELECT block_id, start_time, end_time, first_event_time, actual_end_time, input_tokens,"
    " output_tokens, cache_creation_tokens, cache_read_tokens, cost_usd, entries, session_count,"
    " models, status FROM usage_blocks WHERE source = ?1"
    " AND (?2 IS NULL OR start_time >= ?2) AND (?3 IS NULL OR start_time < ?3) ORDER BY start_time";
inline constexpr const char* kDeleteBlock = "DELETE FROM usage_blocks WHERE source = ?1 AND block_id = ?2";
inline constexpr const char* kDeleteAllBlocks = "DELETE FROM usage_blocks WHERE source = ?1";
inline constexpr const char* kUpsertBlock =
    "INSERT INTO usage_blocks (source, block_id, start_time, end_time, first_event_time,"
    " actual_end_time, input_tokens, output_tokens, cache_creation_tokens, cache_read_tokens,"
    " total_tokens, cost_usd, entries, session_count, models, status, updated_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)"
    " ON CONFLICT (source, block_id) DO UPDATE SET start_time = excluded.start_time,"
    " end_time = excluded.end_time, first_event_time = excluded.first_event_time,"
    " actual_end_time = excluded.actual_end_time, input_tokens = excluded.input_tokens,"
    " output_tokens = excluded.output_tokens, cache_creation_tokens = excluded.cache_creation_tokens,"
    " cache_read_tokens = excluded.cache_read_tokens, total_tokens = excluded.total_tokens,"
    " cost_usd = excluded.cost_usd, entries = excluded.entries,"
    " session_count = excluded.session_count, models = excluded.models, status = excluded.status,"
    " updated_at = excluded.updated_at";
inline constexpr const char* kActiveBlocks =
    "SELECT block_id, end_time, actual_end_time FROM usage_blocks WHERE source = ?1 AND status = 'active'";
inline constexpr const char* kCompleteBlock =
    "UPDATE usage_blocks SET status = 'completed', updated_at = ?3 WHERE source = ?1 AND block_id = ?2";
// The rollup refresh's scans: events from a time on in time order (by day and for blocks), and
// all events by session; both follow an index, so grouping needs one row at a time.
inline constexpr const char* kEventsFromTime =
    "SELECT" CU_SQLITE_ROLLUP_EVENT_COLUMNS("''") "FROM usage_events WHERE +source = ?1 AND timestamp >= ?2"
    " ORDER BY timestamp";
// Every event by session key, along usage_events_session without a sort (sorting each key's
// events by session, as SQLite would for `ORDER BY session_key, project, session_id`, took 0.42
// instead of 0.23 s at 5 GB); the caller separates sessions whose keys collide. (`+source`: not
// through the primary key's index, which would leave every event to sort.) The key is the last
// column.
inline constexpr const char* kEventsBySession =
    "SELECT" CU_SQLITE_ROLLUP_EVENT_COLUMNS("cwd") ", session_key FROM usage_events WHERE +source = ?1"
    " ORDER BY session_key";
inline constexpr const char* kEventsOfProject =
    "SELECT" CU_SQLITE_EVENT_COLUMNS "FROM usage_events"
    " WHERE +source = ?1 AND timestamp >= ?2 AND timestamp < ?3 AND (?4 = '' OR project = ?4)";
inline constexpr const char* kProjects =
    "SELECT DISTINCT project_path FROM claude_sessions WHERE source = ?1 ORDER BY project_path";

// The outbox of the PostgreSQL shipper (schema/sqlite/003_outbox.sql). Kinds: 1 event, 2
// checkpoint, 3 resync, 4 rebuild, 5 relabel (path: the previous source), 6 rate-limit snapshot
// (schema/sqlite/009; path: its window, event_id: its minute).
inline constexpr const char* kShippingEnabled =
    "SELECT COALESCE((SELECT enabled FROM ship_state WHERE source = ?1), 0)";
inline constexpr const char* kShipOrigin = "SELECT origin FROM ship_state WHERE source = ?1";
inline constexpr const char* kInsertShipState =
    "INSERT INTO ship_state (source, origin, enabled) VALUES (?1, ?2, ?3) ON CONFLICT (source)"
    " DO UPDATE SET enabled = excluded.enabled";
inline constexpr const char* kOutboxEvent =
    "INSERT INTO ship_outbox (source, kind, event_id) VALUES (?1, 1, ?2)";
inline constexpr const char* kOutboxCheckpoint =
    "INSERT INTO ship_outbox (source, kind, path) VALUES (?1, 2, ?2)";
inline constexpr const char* kOutboxMarker = "INSERT INTO ship_outbox (source, kind) VALUES (?1, ?2)";
inline constexpr const char* kOutboxAllEvents =
    "INSERT INTO ship_outbox (source, kind, event_id)"
    " SELECT source, 1, id FROM usage_events WHERE source = ?1 ORDER BY id";
inline constexpr const char* kOutboxAllCheckpoints =
    "INSERT INTO ship_outbox (source, kind, path)"
    " SELECT source, 2, path FROM ingest_checkpoints WHERE source = ?1 ORDER BY path";
inline constexpr const char* kOutboxRateLimit =
    "INSERT INTO ship_outbox (source, kind, event_id, path) VALUES (?1, 6, ?2, ?3)";
inline constexpr const char* kOutboxAllRateLimits =
    "INSERT INTO ship_outbox (source, kind, event_id, path)"
    " SELECT source, 6, minute, window FROM rate_limit_snapshots WHERE source = ?1 ORDER BY window, minute";
// Relabel rows outlive shipping being off: PostgreSQL still has to learn of the move.
inline constexpr const char* kClearOutbox = "DELETE FROM ship_outbox WHERE source = ?1 AND kind <> 5";
inline constexpr const char* kOutboxRelabel = "INSERT INTO ship_outbox (source, kind, path) VALUES (?1, 5, ?2)";
inline constexpr const char* kHasShipState = "SELECT EXISTS (SELECT 1 FROM ship_state WHERE source = ?1)";
inline constexpr const char* kOutboxHead =
    "SELECT seq, kind, path, event_id FROM ship_outbox WHERE source = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3";
// ?2/?3: the seq range (after, through] of one batch.
inline constexpr const char* kOutboxEventIds =
    "SELECT DISTINCT event_id FROM ship_outbox"
    " WHERE source = ?1 AND seq > ?2 AND seq <= ?3 AND kind = 1 ORDER BY event_id";
inline constexpr const char* kOutboxEvents =
    "SELECT" CU_SQLITE_EVENT_COLUMNS "FROM usage_events WHERE source = ?1 AND id IN"
    " (SELECT event_id FROM ship_outbox WHERE source = ?1 AND seq > ?2 AND seq <= ?3 AND kind = 1)"
    " ORDER BY id";
inline constexpr const char* kOutboxCheckpoints =
    "SELECT path, device, inode, fingerprint, offset FROM ingest_checkpoints WHERE source = ?1"
    " AND path IN (SELECT path FROM ship_outbox"
    " WHERE source = ?1 AND seq > ?2 AND seq <= ?3 AND kind = 2) ORDER BY path";
// The snapshots of the keys kind 6 rows of (?2, ?3] name, each once, in key order: from the
// outbox's seq range to the primary key of rate_limit_snapshots.
inline constexpr const char* kOutboxRateLimits =
    "SELECT r.window, r.captured_at, r.used_percentage, r.resets_at FROM (SELECT DISTINCT path, event_id"
    " FROM ship_outbox WHERE source = ?1 AND seq > ?2 AND seq <= ?3 AND kind = 6) k"
    " JOIN rate_limit_snapshots r ON r.source = ?1 AND r.window = k.path AND r.minute = k.event_id"
    " ORDER BY r.window, r.minute";
inline constexpr const char* kEventIds = "SELECT id FROM usage_events WHERE source = ?1 ORDER BY id";
inline constexpr const char* kDiscardShipped = "DELETE FROM ship_outbox WHERE source = ?1 AND seq <= ?2";
inline constexpr const char* kOutboxSize = "SELECT COUNT(*) FROM ship_outbox WHERE source = ?1";

inline constexpr const char* kRollupSetting =
    "SELECT value FROM rollup_settings WHERE source = ?1 AND key = ?2";
inline constexpr const char* kSetRollupSetting =
    "INSERT INTO rollup_settings (source, key, value) VALUES (?1, ?2, ?3)"
    " ON CONFLICT (source, key) DO UPDATE SET value = excluded.value";

// Re-pricing (sqlite_prices.cpp): every stored event's cost inputs, and one event's new cost.
inline constexpr const char* kEventsToPrice =
    "SELECT" CU_SQLITE_ROLLUP_EVENT_COLUMNS("''") "FROM usage_events WHERE source = ?1";
inline constexpr const char* kSetEventCost = "UPDATE usage_events SET cost_usd = ?3 WHERE source = ?1 AND id = ?2";

// Unknown models (schema/sqlite/007_unknown_models.sql).
inline constexpr const char* kStoredModels = "SELECT DISTINCT model FROM usage_events WHERE source = ?1";
inline constexpr const char* kWarnedModels = "SELECT model FROM unknown_models WHERE source = ?1 ORDER BY model";
inline constexpr const char* kRecordWarnedModel =
    "INSERT OR IGNORE INTO unknown_models (source, model, warned_at) VALUES (?1, ?2, ?3)";
inline constexpr const char* kForgetWarnedModel = "DELETE FROM unknown_models WHERE source = ?1 AND model = ?2";
// A logged model's events and tokens: model_daily_usage names fast entries '<model>-fast'.
inline constexpr const char* kModelUsage =
    "SELECT COALESCE(SUM(request_count), 0), COALESCE(SUM(total_tokens), 0) FROM model_daily_usage"
    " WHERE source = ?1 AND model IN (?2, ?2 || '-fast')";

// Outbox rows PostgreSQL refused (schema/sqlite/008_ship_quarantine.sql). ?2: the row's seq.
inline constexpr const char* kQuarantineShipRow =
    "INSERT INTO ship_quarantine (seq, source, kind, event_id, path, file, line_offset, model, error,"
    " quarantined_at)"
    " SELECT o.seq, o.source, o.kind, o.event_id, o.path, e.file, e.line_offset, e.model, ?3, ?4"
    " FROM ship_outbox o LEFT JOIN usage_events e ON o.kind = 1 AND e.source = o.source AND e.id = o.event_id"
    " WHERE o.source = ?1 AND o.seq = ?2";
inline constexpr const char* kDeleteShipRow = "DELETE FROM ship_outbox WHERE source = ?1 AND seq = ?2";
inline constexpr const char* kQuarantinedRow =
    "SELECT seq, kind, event_id, path, file, line_offset, model, error FROM ship_quarantine"
    " WHERE source = ?1 AND seq = ?2";
inline constexpr const char* kQuarantineSize = "SELECT COUNT(*) FROM ship_quarantine WHERE source = ?1";

// Official rate-limit readings (schema/sqlite/009_rate_limits.sql). ?2 window, ?3 minute,
// ?4 captured_at, ?5 used_percentage, ?6 resets_at; a capture replaces the minute's row only when it
// is not earlier (the times are text of one fixed format: text order is time order).
inline constexpr const char* kRecordRateLimit =
    "INSERT INTO rate_limit_snapshots (source, window, minute, captured_at, used_percentage, resets_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (source, window, minute) DO UPDATE SET"
    " captured_at = excluded.captured_at, used_percentage = excluded.used_percentage,"
    " resets_at = excluded.resets_at WHERE excluded.captured_at >= rate_limit_snapshots.captured_at";
// One window's snapshots in capture order: ?3/?4 the minutes [first, last] through the primary key,
// ?5/?6 the exact captured_at bounds [from, to).
inline constexpr const char* kRateLimitsOfMinutes =
    "SELECT captured_at, used_percentage, resets_at FROM rate_limit_snapshots WHERE source = ?1"
    " AND window = ?2 AND minute >= ?3 AND minute <= ?4 AND captured_at >= ?5 AND captured_at < ?6"
    " ORDER BY minute";
// One instance of a window (?3 its resets_at) in capture order, through rate_limit_snapshots_instance.
inline constexpr const char* kRateLimitsOfInstance =
    "SELECT captured_at, used_percentage, resets_at FROM rate_limit_snapshots WHERE source = ?1"
    " AND window = ?2 AND resets_at = ?3 AND captured_at >= ?4 AND captured_at < ?5 ORDER BY captured_at";
inline constexpr const char* kLatestRateLimit =
    "SELECT captured_at, used_percentage, resets_at FROM rate_limit_snapshots WHERE source = ?1"
    " AND window = ?2 ORDER BY minute DESC LIMIT 1";
// What the limit estimates need of the events of [?2, ?3), from usage_events_time alone (it covers
// these columns since schema/sqlite/010).
inline constexpr const char* kUsagePoints =
    "SELECT timestamp, cost_usd, input_tokens + output_tokens,"
    " input_tokens + output_tokens + cache_creation_tokens + cache_read_tokens FROM usage_events"
    " WHERE +source = ?1 AND timestamp >= ?2 AND timestamp < ?3 ORDER BY timestamp";

// Whose database this is (schema/sqlite/006_local_identity.sql).
inline constexpr const char* kLocalIdentity = "SELECT identity FROM local_identity WHERE id = 1";
inline constexpr const char* kSetLocalIdentity =
    "INSERT INTO local_identity (id, identity) VALUES (1, ?1)"
    " ON CONFLICT (id) DO UPDATE SET identity = excluded.identity";
// The sources rows of a database from before local_identity carry (one row each, at most two).
inline constexpr const char* kRowSources =
    "SELECT source FROM usage_events UNION SELECT source FROM ingest_checkpoints LIMIT 2";
inline constexpr const char* kSourceHasRows =
    "SELECT EXISTS (SELECT 1 FROM usage_events WHERE source = ?1)"
    " OR EXISTS (SELECT 1 FROM ingest_checkpoints WHERE source = ?1)";
// An identity change: the rows of ?1 in each table with a `source` column become ?2's; a row of
// ?2 with the same key (none where ?2 has no events or checkpoints, but derived leftovers) gives
// way. tests/store/sqlite_identity_test.cpp checks that no table with a `source` column is missing.
#define CU_SQLITE_RELABEL(table) "UPDATE OR REPLACE " table " SET source = ?2 WHERE source = ?1"
inline constexpr const char* kRelabelEvents = CU_SQLITE_RELABEL("usage_events");
inline constexpr const char* kRelabelCheckpoints = CU_SQLITE_RELABEL("ingest_checkpoints");
inline constexpr const char* kRelabelSessions = CU_SQLITE_RELABEL("claude_sessions");
inline constexpr const char* kRelabelDaily = CU_SQLITE_RELABEL("daily_usage_summary");
inline constexpr const char* kRelabelModelDaily = CU_SQLITE_RELABEL("model_daily_usage");
inline constexpr const char* kRelabelCache = CU_SQLITE_RELABEL("cache_analytics");
inline constexpr const char* kRelabelBlocks = CU_SQLITE_RELABEL("usage_blocks");
inline constexpr const char* kRelabelSessionModels = CU_SQLITE_RELABEL("session_model_usage");
inline constexpr const char* kRelabelDirtyDates = CU_SQLITE_RELABEL("rollup_dirty_dates");
inline constexpr const char* kRelabelDirtySessions = CU_SQLITE_RELABEL("rollup_dirty_sessions");
inline constexpr const char* kRelabelDirtyBlocks = CU_SQLITE_RELABEL("rollup_dirty_blocks");
inline constexpr const char* kRelabelSettings = CU_SQLITE_RELABEL("rollup_settings");
inline constexpr const char* kRelabelShipState = CU_SQLITE_RELABEL("ship_state");
inline constexpr const char* kRelabelOutbox = CU_SQLITE_RELABEL("ship_outbox");
inline constexpr const char* kRelabelUnknownModels = CU_SQLITE_RELABEL("unknown_models");
inline constexpr const char* kRelabelQuarantine = CU_SQLITE_RELABEL("ship_quarantine");
inline constexpr const char* kRelabelRateLimits = CU_SQLITE_RELABEL("rate_limit_snapshots");
inline constexpr const char* kRelabelRetention = CU_SQLITE_RELABEL("retention_state");
inline constexpr const char* kRelabelFrozenSessions = CU_SQLITE_RELABEL("frozen_sessions");
inline constexpr const char* kRelabelFrozenSessionModels = CU_SQLITE_RELABEL("frozen_session_models");


// Retention (schema/sqlite/012, rollup/retention.h).
inline constexpr const char* kRetentionState =
    "SELECT frozen_before, frozen_before_ms, dropped_before_ms FROM retention_state WHERE source = ?1";
inline constexpr const char* kSetRetentionState =
    "INSERT INTO retention_state (source, frozen_before, frozen_before_ms, dropped_before_ms, updated_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (source) DO UPDATE SET frozen_before = excluded.frozen_before,"
    " frozen_before_ms = excluded.frozen_before_ms, dropped_before_ms = excluded.dropped_before_ms,"
    " updated_at = excluded.updated_at";
inline constexpr const char* kFirstEventTime =
    "SELECT MIN(timestamp) FROM usage_events WHERE +source = ?1";
// The events a freeze drops, through the time index (a session's index would read every event of
// a long session at each day's step), grouped by session.
inline constexpr const char* kEventsBefore =
    "SELECT" CU_SQLITE_EVENT_COLUMNS "FROM usage_events WHERE +source = ?1 AND timestamp < ?2"
    " ORDER BY project, session_id";
inline constexpr const char* kDeleteEventsBefore =
    "DELETE FROM usage_events WHERE +source = ?1 AND timestamp < ?2";
// Frozen session parts, one session's (?2, ?3) or all of them (both NULL), in key order.
inline constexpr const char* kFrozenSessions =
    "SELECT project_path, session_id, project_name, session_start, session_end, input_tokens, output_tokens,"
    " cache_creation_tokens, cache_read_tokens, cost_usd, message_count FROM frozen_sessions WHERE source = ?1"
    " AND (?2 IS NULL OR (project_path = ?2 AND session_id = ?3)) ORDER BY project_path, session_id";
inline constexpr const char* kFrozenSessionModels =
    "SELECT project_path, session_id, model, input_tokens, output_tokens, cache_creation_tokens, cache_read_tokens,"
    " cost_usd, request_count FROM frozen_session_models WHERE source = ?1"
    " AND (?2 IS NULL OR (project_path = ?2 AND session_id = ?3)) ORDER BY project_path, session_id, model";
inline constexpr const char* kUpsertFrozenSession =
    "INSERT OR REPLACE INTO frozen_sessions (source, session_id, project_path, project_name, session_start,"
    " session_end, input_tokens, output_tokens, cache_creation_tokens, cache_read_tokens, cost_usd, message_count)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)";
inline constexpr const char* kDeleteFrozenSessionModels =
    "DELETE FROM frozen_session_models WHERE source = ?1 AND project_path = ?2 AND session_id = ?3";
inline constexpr const char* kInsertFrozenSessionModel =
    "INSERT INTO frozen_session_models (source, project_path, session_id, model, input_tokens, output_tokens,"
    " cache_creation_tokens, cache_read_tokens, cost_usd, request_count)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
inline constexpr const char* kMarkFrozenSessions =
    "INSERT OR IGNORE INTO rollup_dirty_sessions (source, project_path, session_id)"
    " SELECT source, project_path, session_id FROM frozen_sessions WHERE source = ?1";
inline constexpr const char* kDeleteDailyFrom = "DELETE FROM daily_usage_summary WHERE source = ?1 AND date >= ?2";
inline constexpr const char* kDeleteModelDailyFrom =
    "DELETE FROM model_daily_usage WHERE source = ?1 AND date >= ?2";
inline constexpr const char* kDeleteCacheFrom = "DELETE FROM cache_analytics WHERE source = ?1 AND date >= ?2";
inline constexpr const char* kOutboxFreeze =
    "INSERT INTO ship_outbox (source, kind, event_id, path) VALUES (?1, 7, ?2, ?3)";
inline constexpr const char* kOutboxCount = "SELECT COUNT(*) FROM ship_outbox WHERE source = ?1";

}  // namespace cu::sqlite_sql
