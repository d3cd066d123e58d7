-- claude-usaged SQLite schema, version 13: the tables that a live append rewrites, keyed by their
-- primary key alone (WITHOUT ROWID). A rowid table with a composite primary key is two b-trees,
-- the rows and the key's index, and inserting or deleting a row writes a page of each: following
-- one appended line wrote 29 pages to the log, 12 of them for the three dirty-mark tables (a mark
-- inserted with the events, deleted by the refresh) and three for the keys of the per-model,
-- per-session-model and block rows the refresh replaces. Nothing reads these tables by rowid.
-- Their columns and keys are unchanged.

CREATE TABLE rollup_dirty_dates_013 (
  source TEXT NOT NULL,
  date   TEXT NOT NULL,
  PRIMARY KEY (source, date)
) WITHOUT ROWID;
INSERT INTO rollup_dirty_dates_013 SELECT source, date FROM rollup_dirty_dates;
DROP TABLE rollup_dirty_dates;
ALTER TABLE rollup_dirty_dates_013 RENAME TO rollup_dirty_dates;

CREATE TABLE rollup_dirty_sessions_013 (
  source       TEXT NOT NULL,
  project_path TEXT NOT NULL,
  session_id   TEXT NOT NULL,
  PRIMARY KEY (source, project_path, session_id)
) WITHOUT ROWID;
INSERT INTO rollup_dirty_sessions_013 SELECT source, project_path, session_id FROM rollup_dirty_sessions;
DROP TABLE rollup_dirty_sessions;
ALTER TABLE rollup_dirty_sessions_013 RENAME TO rollup_dirty_sessions;

CREATE TABLE rollup_dirty_blocks_013 (
  source   TEXT NOT NULL PRIMARY KEY,
  since_ms INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO rollup_dirty_blocks_013 SELECT source, since_ms FROM rollup_dirty_blocks;
DROP TABLE rollup_dirty_blocks;
ALTER TABLE rollup_dirty_blocks_013 RENAME TO rollup_dirty_blocks;

CREATE TABLE model_daily_usage_013 (
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
) WITHOUT ROWID;
INSERT INTO model_daily_usage_013
  SELECT source, date, model, input_tokens, output_tokens, cache_creation_tokens, cache_read_tokens,
         total_tokens, cost_usd, request_count, updated_at
  FROM model_daily_usage;
DROP TABLE model_daily_usage;
ALTER TABLE model_daily_usage_013 RENAME TO model_daily_usage;

CREATE TABLE session_model_usage_013 (
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
) WITHOUT ROWID;
INSERT INTO session_model_usage_013
  SELECT source, project_path, session_id, model, input_tokens, output_tokens, cache_creation_tokens,
         cache_read_tokens, cost_usd, request_count
  FROM session_model_usage;
DROP TABLE session_model_usage;
ALTER TABLE session_model_usage_013 RENAME TO session_model_usage;

CREATE TABLE usage_blocks_013 (
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
) WITHOUT ROWID;
INSERT INTO usage_blocks_013
  SELECT source, block_id, start_time, end_time, first_event_time, actual_end_time, input_tokens,
         output_tokens, cache_creation_tokens, cache_read_tokens, total_tokens, cost_usd, entries,
         session_count, models, status, updated_at
  FROM usage_blocks;
DROP TABLE usage_blocks;
ALTER TABLE usage_blocks_013 RENAME TO usage_blocks;
CREATE INDEX usage_blocks_start ON usage_blocks (source, start_time);
