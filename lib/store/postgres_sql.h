#pragma once
// Every SQL statement of the PostgreSQL backend. All values are bound parameters ($1 is always
// the source); statements that write many rows take one array parameter per column and unnest
// them, so a batch costs one round trip however many rows it has.

namespace cu::postgres_sql {

// Serializes migrations of concurrently starting daemons (any constant unique to this program).
inline constexpr const char* kMigrationLock = "SELECT pg_advisory_xact_lock(7165064788410577266)";
inline constexpr const char* kHasMigrations = "SELECT to_regclass('schema_migrations') IS NOT NULL";
inline constexpr const char* kCreateMigrations =
    "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
    " applied_at TIMESTAMPTZ NOT NULL DEFAULT now())";
inline constexpr const char* kMaxMigration = "SELECT COALESCE(MAX(version), 0) FROM schema_migrations";
inline constexpr const char* kRecordMigration = "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)";

// Unix milliseconds of a TIMESTAMPTZ column (exact: EXTRACT returns NUMERIC).
#define CU_PG_MS(column) "(extract(epoch from " column ") * 1000)::bigint"

// The columns read_pg_event() expects, in its order, of usage_events aliased `e`.
#define CU_PG_EVENT_COLUMNS                                                                          \
  " e.id, e.message_id, e.request_id, " CU_PG_MS("e.timestamp") ", e.project, e.session_id, e.model," \
  " e.input_tokens, e.output_tokens, e.cache_creation_tokens, e.cache_read_tokens,"                  \
  " e.cache_creation_5m_tokens, e.cache_creation_1h_tokens, e.speed, e.logged_cost_usd::float8,"     \
  " e.cost_usd::float8, e.is_sidechain, e.cwd, e.file, e.line_offset, e.entry_index "

// Staging for COPY: events are copied here, then upserted in one statement.
inline constexpr const char* kCreateStaging =
    "CREATE TEMP TABLE staging_events (LIKE usage_events) ON COMMIT DELETE ROWS";
inline constexpr const char* kStagingTable = "staging_events";
// usage_events is partitioned by month (schema/postgres/006_monthly_partitions.sql): its primary
// key must hold the partition key, hence (source, id, timestamp). An event whose timestamp changed
// does not conflict with its old row; apply() deletes every id it inserts first, so the old row is
// gone and (source, id) stays unique.
inline constexpr const char* kUpsertStaged =
    "INSERT INTO usage_events SELECT * FROM staging_events ON CONFLICT (source, id, timestamp) DO UPDATE SET"
    " message_id = excluded.message_id, request_id = excluded.request_id, timestamp = excluded.timestamp,"
    " project = excluded.project, session_id = excluded.session_id, model = excluded.model,"
    " input_tokens = excluded.input_tokens, output_tokens = excluded.output_tokens,"
    " cache_creation_tokens = excluded.cache_creation_tokens, cache_read_tokens = excluded.cache_read_tokens,"
    " cache_creation_5m_tokens = excluded.cache_creation_5m_tokens,"
    " cache_creation_1h_tokens = excluded.cache_creation_1h_tokens, speed = excluded.speed,"
    " logged_cost_usd = excluded.logged_cost_usd, cost_usd = excluded.cost_usd,"
    " is_sidechain = excluded.is_sidechain, cwd = excluded.cwd, file = excluded.file,"
    " line_offset = excluded.line_offset, entry_index = excluded.entry_index";

// Creates the monthly partitions of usage_events that instants $1 (and the months ahead) need, as
// the schema's owner (006_monthly_partitions.sql); finds them all present at the cost of one
// catalog look-up per month.
inline constexpr const char* kCreatePartitions = "SELECT create_usage_events_partitions($1::timestamptz[])";

// Deletes return where the events were, so that their days and sessions are marked dirty.
inline constexpr const char* kDeleteEvents =
    "DELETE FROM usage_events WHERE source = $1 AND id = ANY($2::bigint[])"
    " RETURNING " CU_PG_MS("timestamp") ", project, session_id";
// $2: every event id the source's database holds; the others go.
inline constexpr const char* kDeleteEventsNotIn =
    "DELETE FROM usage_events WHERE source = $1 AND id NOT IN (SELECT unnest($2::bigint[]))"
    " RETURNING " CU_PG_MS("timestamp") ", project, session_id";
inline constexpr const char* kEventCount = "SELECT COUNT(*) FROM usage_events WHERE source = $1";
inline constexpr const char* kMaxEventId = "SELECT COALESCE(MAX(id), 0) FROM usage_events WHERE source = $1";
inline constexpr const char* kMessageIds =
    "SELECT message_id FROM usage_events WHERE source = $1 AND message_id <> ''";
inline constexpr const char* kIdentitiesOfMessage =
    "SELECT id, message_id, request_id, is_sidechain,"
    " input_tokens + output_tokens + cache_creation_tokens + cache_read_tokens, cost_usd::float8,"
    " speed IS NOT NULL, file, line_offset, entry_index FROM usage_events"
    " WHERE source = $1 AND message_id = $2";

// Through the (source, project, session_id) index: a transcript's path gives all three.
inline constexpr const char* kEventsOfFile =
    "SELECT id, message_id FROM usage_events"
    " WHERE source = $1 AND project = $2 AND session_id = $3 AND file = $4";

inline constexpr const char* kUpsertCheckpoints =
    "INSERT INTO ingest_checkpoints (source, path, device, inode, fingerprint, \"offset\", updated_at)"
    " SELECT $1, c.*, now() FROM unnest($2::text[], $3::bigint[], $4::bigint[], $5::text[], $6::bigint[]) AS c"
    " ON CONFLICT (source, path) DO UPDATE SET device = excluded.device, inode = excluded.inode,"
    " fingerprint = excluded.fingerprint, \"offset\" = excluded.\"offset\", updated_at = excluded.updated_at";
inline constexpr const char* kCheckpoints =
    "SELECT path, device, inode, fingerprint, \"offset\" FROM ingest_checkpoints WHERE source = $1";

inline constexpr const char* kMarkDates =
    "INSERT INTO rollup_dirty_dates (source, date) SELECT $1, unnest($2::date[]) ON CONFLICT DO NOTHING";
inline constexpr const char* kMarkSessions =
    "INSERT INTO rollup_dirty_sessions (source, project_path, session_id)"
    " SELECT $1, k.p, k.s FROM unnest($2::text[], $3::text[]) AS k(p, s) ON CONFLICT DO NOTHING";
inline constexpr const char* kMarkBlocks =
    "INSERT INTO rollup_dirty_blocks (source, since_ms) VALUES ($1, $2) ON CONFLICT (source)"
    " DO UPDATE SET since_ms = LEAST(rollup_dirty_blocks.since_ms, excluded.since_ms)";
inline constexpr const char* kMarkAllSessions =
    "INSERT INTO rollup_dirty_sessions (source, project_path, session_id)"
    " SELECT DISTINCT source, project, session_id FROM usage_events WHERE source = $1 ON CONFLICT DO NOTHING";
inline constexpr const char* kAllTimestamps =
    "SELECT DISTINCT " CU_PG_MS("timestamp") " FROM usage_events WHERE source = $1";
inline constexpr const char* kDeleteAllRollups =
    "WITH a AS (DELETE FROM daily_usage_summary WHERE source = $1),"
    " b AS (DELETE FROM claude_sessions WHERE source = $1),"
    " c AS (DELETE FROM model_daily_usage WHERE source = $1),"
    " d AS (DELETE FROM cache_analytics WHERE source = $1),"
    " f AS (DELETE FROM session_model_usage WHERE source = $1)"
    " DELETE FROM usage_blocks WHERE source = $1";

// Taking the dirty keys deletes them; a failed refresh rolls the deletion back with it.
inline constexpr const char* kTakeDirtyDates =
    "DELETE FROM rollup_dirty_dates WHERE source = $1 RETURNING to_char(date, 'YYYY-MM-DD')";
inline constexpr const char* kTakeDirtySessions =
    "DELETE FROM rollup_dirty_sessions WHERE source = $1 RETURNING project_path, session_id";
inline constexpr const char* kTakeDirtyBlocks =
    "DELETE FROM rollup_dirty_blocks WHERE source = $1 RETURNING since_ms";

// $2/$3: the [from, to) instants of each day; rows come with the day's 1-based position. The
// LATERAL subquery (kept apart by OFFSET 0) is one index range scan per day whatever the
// statistics say, which right after a bulk load say the table is empty.
inline constexpr const char* kEventsOfDays =
    "SELECT k.n, x.* FROM unnest($2::timestamptz[], $3::timestamptz[]) WITH ORDINALITY AS k(lo, hi, n)"
    " CROSS JOIN LATERAL (SELECT" CU_PG_EVENT_COLUMNS "FROM usage_events e"
    " WHERE e.source = $1 AND e.timestamp >= k.lo AND e.timestamp < k.hi OFFSET 0) x";
inline constexpr const char* kDeleteDays =
    "DELETE FROM daily_usage_summary WHERE source = $1 AND date = ANY($2::date[])";
inline constexpr const char* kDeleteCacheDays =
    "DELETE FROM cache_analytics WHERE source = $1 AND date = ANY($2::date[])";
inline constexpr const char* kDeleteModelDays =
    "DELETE FROM model_daily_usage WHERE source = $1 AND date = ANY($2::date[])";
inline constexpr const char* kUpsertDays =
    "INSERT INTO daily_usage_summary (source, date, input_tokens, output_tokens, cache_creation_tokens,"
    " cache_read_tokens, total_tokens, cost_usd, session_count, models_used, created_at, updated_at)"
    " SELECT $1, r.*, now(), now() FROM unnest($2::date[], $3::bigint[], $4::bigint[], $5::bigint[],"
    " $6::bigint[], $7::bigint[], $8::numeric[], $9::bigint[], $10::text[]) AS r"
    " ON CONFLICT (source, date) DO UPDATE SET input_tokens = excluded.input_tokens,"
    " output_tokens = excluded.output_tokens, cache_creation_tokens = excluded.cache_creation_tokens,"
    " cache_read_tokens = excluded.cache_read_tokens, total_tokens = excluded.total_tokens,"
    " cost_usd = excluded.cost_usd, session_count = excluded.session_count,"
    " models_used = excluded.models_used, updated_at = excluded.updated_at";
inline constexpr const char* kInsertModelDays =
    "INSERT INTO model_daily_usage (source, date, model, input_tokens, output_tokens,"
    " cache_creation_tokens, cache_read_tokens, total_tokens, cost_usd, request_count, updated_at)"
    " SELECT $1, r.*, now() FROM unnest($2::date[], $3::text[], $4::bigint[], $5::bigint[], $6::bigint[],"
    " $7::bigint[], $8::bigint[], $9::numeric[], $10::bigint[]) AS r";
inline constexpr const char* kUpsertCacheDays =
    "INSERT INTO cache_analytics (source, date, total_cache_tokens, cache_hit_tokens, hit_rate,"
    " cache_savings_usd, updated_at) SELECT $1, r.*, now() FROM unnest($2::date[], $3::bigint[],"
    " $4::bigint[], $5::float8[], $6::numeric[]) AS r"
    " ON CONFLICT (source, date) DO UPDATE SET total_cache_tokens = excluded.total_cache_tokens,"
    " cache_hit_tokens = excluded.cache_hit_tokens, hit_rate = excluded.hit_rate,"
    " cache_savings_usd = excluded.cache_savings_usd, updated_at = excluded.updated_at";

// $2/$3: (project, session id) of each session; rows come with the session's 1-based position.
// One index scan per session, as above.
inline constexpr const char* kEventsOfSessions =
    "SELECT k.n, x.* FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS k(project, session_id, n)"
    " CROSS JOIN LATERAL (SELECT" CU_PG_EVENT_COLUMNS "FROM usage_events e"
    " WHERE e.source = $1 AND e.project = k.project AND e.session_id = k.session_id OFFSET 0) x";
inline constexpr const char* kDeleteSessions =
    "DELETE FROM claude_sessions s USING unnest($2::text[], $3::text[]) AS k(project, session_id)"
    " WHERE s.source = $1 AND s.project_path = k.project AND s.session_id = k.session_id";
inline constexpr const char* kDeleteSessionModels =
    "DELETE FROM session_model_usage m USING unnest($2::text[], $3::text[]) AS k(project, session_id)"
    " WHERE m.source = $1 AND m.project_path = k.project AND m.session_id = k.session_id";
inline constexpr const char* kInsertSessions =
    "INSERT INTO claude_sessions (source, session_id, project_path, project_name, session_start,"
    " session_end, input_tokens, output_tokens, cache_creation_tokens, cache_read_tokens, total_tokens,"
    " cost_usd, model_name, message_count, efficiency_score, updated_at)"
    " SELECT $1, r.*, now() FROM unnest($2::text[], $3::text[], $4::text[], $5::timestamptz[],"
    " $6::timestamptz[], $7::bigint[], $8::bigint[], $9::bigint[], $10::bigint[], $11::bigint[],"
    " $12::numeric[], $13::text[], $14::bigint[], $15::float8[]) AS r";
inline constexpr const char* kInsertSessionModels =
    "INSERT INTO session_model_usage (source, project_path, session_id, model, input_tokens,"
    " output_tokens, cache_creation_tokens, cache_read_tokens, cost_usd, request_count)"
    " SELECT $1, r.* FROM unnest($2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[],"
    " $7::bigint[], $8::bigint[], $9::numeric[], $10::bigint[]) AS r";

inline constexpr const char* kStoredBlocks =
    "SELECT block_id, " CU_PG_MS("start_time") ", " CU_PG_MS("actual_end_time")
    " FROM usage_blocks WHERE source = $1 ORDER BY start_time";
inline constexpr const char* kDeleteBlocks =
    "DELETE FROM usage_blocks WHERE source = $1 AND block_id = ANY($2::text[])";
// $2: NULL for every event.
inline constexpr const char* kEventsAfter =
    "SELECT" CU_PG_EVENT_COLUMNS "FROM usage_events e"
    " WHERE e.source = $1 AND ($2::timestamptz IS NULL OR e.timestamp > $2::timestamptz)";
inline constexpr const char* kUpsertBlocks =
    "INSERT INTO usage_blocks (source, block_id, start_time, end_time, first_event_time,"
    " actual_end_time, input_tokens, output_tokens, cache_creation_tokens, cache_read_tokens,"
    " total_tokens, cost_usd, entries, session_count, models, status, updated_at)"
    " SELECT $1, r.*, now() FROM unnest($2::text[], $3::timestamptz[], $4::timestamptz[],"
    " $5::timestamptz[], $6::timestamptz[], $7::bigint[], $8::bigint[], $9::bigint[], $10::bigint[],"
    " $11::bigint[], $12::numeric[], $13::bigint[], $14::bigint[], $15::text[], $16::text[]) AS r"
    " ON CONFLICT (source, block_id) DO UPDATE SET start_time = excluded.start_time,"
    " end_time = excluded.end_time, first_event_time = excluded.first_event_time,"
    " actual_end_time = excluded.actual_end_time, input_tokens = excluded.input_tokens,"
    " output_tokens = excluded.output_tokens, cache_creation_tokens = excluded.cache_creation_tokens,"
    " cache_read_tokens = excluded.cache_read_tokens, total_tokens = excluded.total_tokens,"
    " cost_usd = excluded.cost_usd, entries = excluded.entries,"
    " session_count = excluded.session_count, models = excluded.models, status = excluded.status,"
    " updated_at = excluded.updated_at";
inline constexpr const char* kActiveBlocks =
    "SELECT block_id, " CU_PG_MS("end_time") ", " CU_PG_MS("actual_end_time")
    " FROM usage_blocks WHERE source = $1 AND status = 'active'";
inline constexpr const char* kCompleteBlocks =
    "UPDATE usage_blocks SET status = 'completed', updated_at = now()"
    " WHERE source = $1 AND block_id = ANY($2::text[])";

// Reads for reports. NULL filters mean "no bound"; text orders are byte orders, as on SQLite.
inline constexpr const char* kDailyRows =
    "SELECT to_char(date, 'YYYY-MM-DD'), input_tokens, output_tokens, cache_creation_tokens,"
    " cache_read_tokens, cost_usd::float8, session_count, models_used FROM daily_usage_summary"
    " WHERE source = $1 AND ($2::date IS NULL OR date >= $2::date) AND ($3::date IS NULL OR date <= $3::date)"
    " ORDER BY date";
inline constexpr const char* kModelDailyRows =
    "SELECT to_char(date, 'YYYY-MM-DD'), model, input_tokens, output_tokens, cache_creation_tokens,"
    " cache_read_tokens, cost_usd::float8, request_count FROM model_daily_usage"
    " WHERE source = $1 AND ($2::date IS NULL OR date >= $2::date) AND ($3::date IS NULL OR date <= $3::date)"
    " ORDER BY date, model COLLATE \"C\"";
inline constexpr const char* kCacheRows =
    "SELECT to_char(date, 'YYYY-MM-DD'), total_cache_tokens, cache_hit_tokens, hit_rate,"
    " cache_savings_usd::float8 FROM cache_analytics"
    " WHERE source = $1 AND ($2::date IS NULL OR date >= $2::date) AND ($3::date IS NULL OR date <= $3::date)"
    " ORDER BY date";
// $2/$3: session_end bounds [from, to); $4 project; $5 session id.
inline constexpr const char* kSessionRows =
    "SELECT session_id, project_path, project_name, " CU_PG_MS("session_start") ", " CU_PG_MS("session_end")
    ", input_tokens, output_tokens, cache_creation_tokens, cache_read_tokens, cost_usd::float8,"
    " model_name, message_count, efficiency_score FROM claude_sessions WHERE source = $1"
    " AND ($2::timestamptz IS NULL OR session_end >= $2::timestamptz)"
    " AND ($3::timestamptz IS NULL OR session_end < $3::timestamptz)"
    " AND ($4::text IS NULL OR project_path = $4::text) AND ($5::text IS NULL OR session_id = $5::text)"
    " ORDER BY session_end, project_path COLLATE \"C\", session_id COLLATE \"C\"";
inline constexpr const char* kSessionModelRows =
    "SELECT m.project_path, m.session_id, m.model, m.input_tokens, m.output_tokens,"
    " m.cache_creation_tokens, m.cache_read_tokens, m.cost_usd::float8, m.request_count"
    " FROM session_model_usage m JOIN claude_sessions s ON s.source = m.source"
    " AND s.project_path = m.project_path AND s.session_id = m.session_id WHERE m.source = $1"
    " AND ($2::timestamptz IS NULL OR s.session_end >= $2::timestamptz)"
    " AND ($3::timestamptz IS NULL OR s.session_end < $3::timestamptz)"
    " AND ($4::text IS NULL OR m.project_path = $4::text) AND ($5::text IS NULL OR m.session_id = $5::text)"
    " ORDER BY m.project_path COLLATE \"C\", m.session_id COLLATE \"C\", m.model COLLATE \"C\"";
// $2/$3: start_time bounds [from, to).
inline constexpr const char* kBlockRows =
    "SELECT block_id, " CU_PG_MS("start_time") ", " CU_PG_MS("end_time") ", " CU_PG_MS("first_event_time")
    ", " CU_PG_MS("actual_end_time") ", input_tokens, output_tokens, cache_creation_tokens,"
    " cache_read_tokens, cost_usd::float8, entries, session_count, models, status FROM usage_blocks"
    " WHERE source = $1 AND ($2::timestamptz IS NULL OR start_time >= $2::timestamptz)"
    " AND ($3::timestamptz IS NULL OR start_time < $3::timestamptz) ORDER BY start_time";
inline constexpr const char* kEventsOfProject =
    "SELECT" CU_PG_EVENT_COLUMNS "FROM usage_events e WHERE e.source = $1"
    " AND e.timestamp >= $2::timestamptz AND e.timestamp < $3::timestamptz AND ($4::text = '' OR e.project = $4::text)"
    " ORDER BY e.id";
inline constexpr const char* kProjects =
    "SELECT DISTINCT project_path COLLATE \"C\" FROM claude_sessions WHERE source = $1"
    " ORDER BY 1";

// Official rate-limit readings (schema/postgres/004_rate_limits.sql). Upserts take one row per
// (window, minute) in $2 windows, $3 minutes, $4 captured_at, $5 used_percentage, $6 resets_at.
#define CU_PG_UPSERT_RATE_LIMITS(condition)                                                           \
  "INSERT INTO rate_limit_snapshots (source, \"window\", minute, captured_at, used_percentage, resets_at)" \
  " SELECT $1, r.* FROM unnest($2::text[], $3::bigint[], $4::timestamptz[], $5::float8[],"          \
  " $6::timestamptz[]) AS r ON CONFLICT (source, \"window\", minute) DO UPDATE SET"                  \
  " captured_at = excluded.captured_at, used_percentage = excluded.used_percentage,"                 \
  " resets_at = excluded.resets_at" condition
// Store::record_rate_limits: a capture replaces the minute's row only when it is not earlier.
inline constexpr const char* kRecordRateLimits =
    CU_PG_UPSERT_RATE_LIMITS(" WHERE excluded.captured_at >= rate_limit_snapshots.captured_at");
// A shipment: the rows become the local ones.
inline constexpr const char* kShipRateLimits = CU_PG_UPSERT_RATE_LIMITS("");
#define CU_PG_RATE_LIMIT_COLUMNS \
  " \"window\", " CU_PG_MS("captured_at") ", used_percentage, " CU_PG_MS("resets_at") " "
// $2 window, $3 resets_at, $4/$5 captured_at bounds [from, to); NULL: any.
inline constexpr const char* kRateLimitRows =
    "SELECT" CU_PG_RATE_LIMIT_COLUMNS "FROM rate_limit_snapshots WHERE source = $1"
    " AND ($2::text IS NULL OR \"window\" = $2::text) AND ($3::timestamptz IS NULL OR resets_at = $3::timestamptz)"
    " AND ($4::timestamptz IS NULL OR captured_at >= $4::timestamptz)"
    " AND ($5::timestamptz IS NULL OR captured_at < $5::timestamptz)"
    " ORDER BY captured_at, \"window\" COLLATE \"C\"";
// $2: the windows, in the order wanted; the newest row of each through the primary key.
inline constexpr const char* kLatestRateLimits =
    "SELECT x.* FROM unnest($2::text[]) WITH ORDINALITY AS w(name, n) CROSS JOIN LATERAL"
    " (SELECT" CU_PG_RATE_LIMIT_COLUMNS "FROM rate_limit_snapshots WHERE source = $1 AND \"window\" = w.name"
    " ORDER BY minute DESC LIMIT 1) x ORDER BY w.n";
// What the limit estimates need of the events of [$2, $3) (NULL: open), through usage_events_time.
inline constexpr const char* kUsagePoints =
    "SELECT " CU_PG_MS("timestamp") ", cost_usd::float8, input_tokens + output_tokens,"
    " input_tokens + output_tokens + cache_creation_tokens + cache_read_tokens FROM usage_events"
    " WHERE source = $1 AND ($2::timestamptz IS NULL OR timestamp >= $2::timestamptz)"
    " AND ($3::timestamptz IS NULL OR timestamp < $3::timestamptz) ORDER BY timestamp";

// Shipping (schema/postgres/003_team.sql). The advisory lock serializes shippers of one source.
inline constexpr const char* kLockSource = "SELECT pg_advisory_xact_lock(hashtextextended($1, 42))";
inline constexpr const char* kShipProgress = "SELECT origin, shipped_seq FROM ship_progress WHERE source = $1";
// Row-level security (schema/postgres/005_row_security.sql): claims the source for the current
// login when nobody owns it; true when the login now owns it (is a member of its owner).
inline constexpr const char* kClaimSource = "SELECT claim_source($1)";
inline constexpr const char* kSourceOwner = "SELECT owner::text FROM source_owners WHERE source = $1";
inline constexpr const char* kRecordShipProgress =
    "INSERT INTO ship_progress (source, origin, shipped_seq, shipped_at) VALUES ($1, $2, $3, now())"
    " ON CONFLICT (source) DO UPDATE SET origin = excluded.origin, shipped_seq = excluded.shipped_seq,"
    " shipped_at = excluded.shipped_at";

// An identity change (ShipBatch::relabel_from): every row of $1 in the tables with a `source`
// column, and then the moves of the previous source's rows ($1) to the new one ($2).
// tests/store/postgres_store_test.cpp checks that no table with a `source` column is missing.
inline constexpr const char* kDeleteAllOfSource =
    "WITH a AS (DELETE FROM usage_events WHERE source = $1),"
    " b AS (DELETE FROM ingest_checkpoints WHERE source = $1),"
    " c AS (DELETE FROM claude_sessions WHERE source = $1),"
    " d AS (DELETE FROM daily_usage_summary WHERE source = $1),"
    " e AS (DELETE FROM model_daily_usage WHERE source = $1),"
    " f AS (DELETE FROM cache_analytics WHERE source = $1),"
    " g AS (DELETE FROM usage_blocks WHERE source = $1),"
    " h AS (DELETE FROM session_model_usage WHERE source = $1),"
    " i AS (DELETE FROM rollup_dirty_dates WHERE source = $1),"
    " j AS (DELETE FROM rollup_dirty_sessions WHERE source = $1),"
    " k AS (DELETE FROM rollup_dirty_blocks WHERE source = $1),"
    " l AS (DELETE FROM rate_limit_snapshots WHERE source = $1),"
    " m AS (DELETE FROM retention_state WHERE source = $1),"
    " n AS (DELETE FROM frozen_sessions WHERE source = $1),"
    " o AS (DELETE FROM frozen_session_models WHERE source = $1)"
    " DELETE FROM ship_progress WHERE source = $1";
inline constexpr const char* kRelabelAll =
    "WITH a AS (UPDATE usage_events SET source = $2 WHERE source = $1),"
    " b AS (UPDATE ingest_checkpoints SET source = $2 WHERE source = $1),"
    " c AS (UPDATE claude_sessions SET source = $2 WHERE source = $1),"
    " d AS (UPDATE daily_usage_summary SET source = $2 WHERE source = $1),"
    " e AS (UPDATE model_daily_usage SET source = $2 WHERE source = $1),"
    " f AS (UPDATE cache_analytics SET source = $2 WHERE source = $1),"
    " g AS (UPDATE usage_blocks SET source = $2 WHERE source = $1),"
    " h AS (UPDATE session_model_usage SET source = $2 WHERE source = $1),"
    " i AS (UPDATE rollup_dirty_dates SET source = $2 WHERE source = $1),"
    " j AS (UPDATE rollup_dirty_sessions SET source = $2 WHERE source = $1),"
    " k AS (UPDATE rollup_dirty_blocks SET source = $2 WHERE source = $1),"
    " l AS (UPDATE rate_limit_snapshots SET source = $2 WHERE source = $1),"
    " m AS (UPDATE retention_state SET source = $2 WHERE source = $1),"
    " n AS (UPDATE frozen_sessions SET source = $2 WHERE source = $1),"
    " o AS (UPDATE frozen_session_models SET source = $2 WHERE source = $1)"
    " UPDATE ship_progress SET source = $2 WHERE source = $1";


// Retention (schema/postgres/008_retention.sql, rollup/retention.h).
inline constexpr const char* kRetentionState =
    "SELECT to_char(frozen_before, 'YYYY-MM-DD'), " CU_PG_MS("frozen_before_time") ", " CU_PG_MS("dropped_before")
    " FROM retention_state WHERE source = $1";
inline constexpr const char* kSetRetentionState =
    "INSERT INTO retention_state (source, frozen_before, frozen_before_time, dropped_before, updated_at)"
    " VALUES ($1, $2::date, $3::timestamptz, $4::timestamptz, now()) ON CONFLICT (source) DO UPDATE SET"
    " frozen_before = excluded.frozen_before, frozen_before_time = excluded.frozen_before_time,"
    " dropped_before = excluded.dropped_before, updated_at = excluded.updated_at";
inline constexpr const char* kEventsBefore =
    "SELECT" CU_PG_EVENT_COLUMNS "FROM usage_events e WHERE e.source = $1 AND e.timestamp < $2::timestamptz"
    " ORDER BY e.project, e.session_id";
inline constexpr const char* kDeleteEventsBefore =
    "DELETE FROM usage_events WHERE source = $1 AND timestamp < $2::timestamptz";
inline constexpr const char* kDropEmptyPartitions = "SELECT drop_empty_usage_events_partitions($1::timestamptz)";
// The frozen parts of the sessions ($2, $3), by their 1-based key position.
inline constexpr const char* kFrozenSessionsOf =
    "SELECT k.n, f.project_name, " CU_PG_MS("f.session_start") ", " CU_PG_MS("f.session_end") ","
    " f.input_tokens, f.output_tokens, f.cache_creation_tokens, f.cache_read_tokens, f.cost_usd::float8,"
    " f.message_count FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS k(project, session_id, n)"
    " JOIN frozen_sessions f ON f.source = $1 AND f.project_path = k.project AND f.session_id = k.session_id";
inline constexpr const char* kFrozenSessionModelsOf =
    "SELECT k.n, f.model, f.input_tokens, f.output_tokens, f.cache_creation_tokens, f.cache_read_tokens,"
    " f.cost_usd::float8, f.request_count"
    " FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS k(project, session_id, n)"
    " JOIN frozen_session_models f ON f.source = $1 AND f.project_path = k.project AND f.session_id = k.session_id"
    " ORDER BY k.n, f.model";
inline constexpr const char* kUpsertFrozenSession =
    "INSERT INTO frozen_sessions (source, session_id, project_path, project_name, session_start, session_end,"
    " input_tokens, output_tokens, cache_creation_tokens, cache_read_tokens, cost_usd, message_count)"
    " VALUES ($1, $2, $3, $4, $5::timestamptz, $6::timestamptz, $7, $8, $9, $10, $11, $12)"
    " ON CONFLICT (source, project_path, session_id) DO UPDATE SET project_name = excluded.project_name,"
    " session_start = excluded.session_start, session_end = excluded.session_end,"
    " input_tokens = excluded.input_tokens, output_tokens = excluded.output_tokens,"
    " cache_creation_tokens = excluded.cache_creation_tokens, cache_read_tokens = excluded.cache_read_tokens,"
    " cost_usd = excluded.cost_usd, message_count = excluded.message_count";
inline constexpr const char* kDeleteFrozenSessionModels =
    "DELETE FROM frozen_session_models WHERE source = $1 AND project_path = $2 AND session_id = $3";
inline constexpr const char* kInsertFrozenSessionModel =
    "INSERT INTO frozen_session_models (source, project_path, session_id, model, input_tokens, output_tokens,"
    " cache_creation_tokens, cache_read_tokens, cost_usd, request_count)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
inline constexpr const char* kMarkFrozenSessions =
    "INSERT INTO rollup_dirty_sessions (source, project_path, session_id)"
    " SELECT source, project_path, session_id FROM frozen_sessions WHERE source = $1 ON CONFLICT DO NOTHING";
// A rebuild with frozen days: the rows from $2 (a date) on, and every session's.
inline constexpr const char* kDeleteRollupsFrom =
    "WITH a AS (DELETE FROM daily_usage_summary WHERE source = $1 AND date >= $2::date),"
    " b AS (DELETE FROM claude_sessions WHERE source = $1),"
    " c AS (DELETE FROM model_daily_usage WHERE source = $1 AND date >= $2::date),"
    " d AS (DELETE FROM cache_analytics WHERE source = $1 AND date >= $2::date)"
    " DELETE FROM session_model_usage WHERE source = $1";

}  // namespace cu::postgres_sql
