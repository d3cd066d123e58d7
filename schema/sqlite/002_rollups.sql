-- claude-usaged SQLite schema, version 2: per-model, cache and 5-hour block rollups (SPEC §7),
-- and the per-session model breakdowns the session report needs.

CREATE TABLE model_daily_usage (
  source                TEXT    NOT NULL,
  date                  TEXT    NOT NULL,
  model                 TEXT    NOT NULL,  -- reported name: '<model>-fast' for fast entries
  input_tokens          INTEGER NOT NULL,
  output_tokens         INTEGER NOT NULL,
  cache_creation_tokens INTEGER NOT NULL,
  cache_read_tokens     INTEGER NOT NULL,
  total_tokens          INTEGER NOT NULL,
  cost_usd              REAL    NOT NULL,
  request_count         INTEGER NOT NULL,
  updated_at            TEXT    NOT NULL,
  PRIMARY KEY (source, date, model)
);

CREATE TABLE cache_analytics (
  source             TEXT    NOT NULL,
  date               TEXT    NOT NULL,
  total_cache_tokens INTEGER NOT NULL,  -- cache creation + cache read
  cache_hit_tokens   INTEGER NOT NULL,  -- cache read
  hit_rate           REAL    NOT NULL,  -- read / (input + creation + read)
  cache_savings_usd  REAL    NOT NULL,  -- may be negative
  updated_at         TEXT    NOT NULL,
  PRIMARY KEY (source, date)
);

CREATE TABLE usage_blocks (
  source                TEXT    NOT NULL,
  block_id              TEXT    NOT NULL,  -- start as YYYY-MM-DDTHH:00:00.000Z
  start_time            TEXT    NOT NULL,
  end_time              TEXT    NOT NULL,
  first_event_time      TEXT    NOT NULL,
  actual_end_time       TEXT    NOT NULL,  -- last event
  input_tokens          INTEGER NOT NULL,
  output_tokens         INTEGER NOT NULL,
  cache_creation_tokens INTEGER NOT NULL,
  cache_read_tokens     INTEGER NOT NULL,
  total_tokens          INTEGER NOT NULL,
  cost_usd              REAL    NOT NULL,
  entries               INTEGER NOT NULL,
  session_count         INTEGER NOT NULL,
  models                TEXT    NOT NULL,  -- comma-separated, in order of first use
  status                TEXT    NOT NULL,  -- 'active' | 'completed'
  updated_at            TEXT    NOT NULL,
  PRIMARY KEY (source, block_id)
);
CREATE INDEX usage_blocks_start ON usage_blocks (source, start_time);

CREATE TABLE session_model_usage (
  source                TEXT    NOT NULL,
  project_path          TEXT    NOT NULL,
  session_id            TEXT    NOT NULL,
  model                 TEXT    NOT NULL,
  input_tokens          INTEGER NOT NULL,
  output_tokens         INTEGER NOT NULL,
  cache_creation_tokens INTEGER NOT NULL,
  cache_read_tokens     INTEGER NOT NULL,
  cost_usd              REAL    NOT NULL,
  request_count         INTEGER NOT NULL,
  PRIMARY KEY (source, project_path, session_id, model)
);

-- The earliest event time whose block may have changed since the last refresh (one row per
-- source at most); blocks are recomputed from the block that contains it onward.
CREATE TABLE rollup_dirty_blocks (
  source   TEXT NOT NULL PRIMARY KEY,
  since_ms INTEGER NOT NULL
);

CREATE INDEX claude_sessions_end ON claude_sessions (source, session_end);
