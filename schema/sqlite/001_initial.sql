-- claude-usaged SQLite schema, version 1 (SPEC §7). Times are ISO-8601 UTC text
-- ("YYYY-MM-DDTHH:MM:SS.sssZ"), dates "YYYY-MM-DD" in the configured time zone, tokens 64-bit
-- integers, money REAL. Every table carries `source`, the identity of the machine that wrote it.

CREATE TABLE usage_events (
  source                TEXT    NOT NULL,
  id                    INTEGER NOT NULL,
  message_id            TEXT    NOT NULL,  -- '' when the line had none (never deduplicated)
  request_id            TEXT    NOT NULL,  -- '' when absent
  timestamp             TEXT    NOT NULL,
  project               TEXT    NOT NULL,
  session_id            TEXT    NOT NULL,
  model                 TEXT    NOT NULL,  -- as logged; reports append '-fast' for fast entries
  input_tokens          INTEGER NOT NULL,
  output_tokens         INTEGER NOT NULL,
  cache_creation_tokens INTEGER NOT NULL,
  cache_read_tokens     INTEGER NOT NULL,
  cache_creation_5m_tokens INTEGER,        -- NULL when the log had no 5m/1h split
  cache_creation_1h_tokens INTEGER,
  speed                 TEXT,              -- NULL, 'standard' or 'fast'
  logged_cost_usd       REAL,              -- costUSD when the log had one
  cost_usd              REAL    NOT NULL,
  is_sidechain          INTEGER NOT NULL,
  cwd                   TEXT    NOT NULL,
  file                  TEXT    NOT NULL,  -- path below projects/
  line_offset           INTEGER NOT NULL,
  entry_index           INTEGER NOT NULL,
  PRIMARY KEY (source, id)
);
CREATE INDEX usage_events_message ON usage_events (message_id, request_id);
CREATE INDEX usage_events_time ON usage_events (source, timestamp);
CREATE INDEX usage_events_session ON usage_events (source, project, session_id);

CREATE TABLE claude_sessions (
  source                TEXT    NOT NULL,
  session_id            TEXT    NOT NULL,
  project_path          TEXT    NOT NULL,
  project_name          TEXT    NOT NULL,
  session_start         TEXT    NOT NULL,
  session_end           TEXT    NOT NULL,
  input_tokens          INTEGER NOT NULL,
  output_tokens         INTEGER NOT NULL,
  cache_creation_tokens INTEGER NOT NULL,
  cache_read_tokens     INTEGER NOT NULL,
  total_tokens          INTEGER NOT NULL,
  cost_usd              REAL    NOT NULL,
  model_name            TEXT    NOT NULL,
  message_count         INTEGER NOT NULL,
  efficiency_score      REAL    NOT NULL,
  updated_at            TEXT    NOT NULL,
  PRIMARY KEY (source, project_path, session_id)
);

CREATE TABLE daily_usage_summary (
  source                TEXT    NOT NULL,
  date                  TEXT    NOT NULL,
  input_tokens          INTEGER NOT NULL,
  output_tokens         INTEGER NOT NULL,
  cache_creation_tokens INTEGER NOT NULL,
  cache_read_tokens     INTEGER NOT NULL,
  total_tokens          INTEGER NOT NULL,
  cost_usd              REAL    NOT NULL,
  session_count         INTEGER NOT NULL,
  models_used           TEXT    NOT NULL,
  created_at            TEXT    NOT NULL,
  updated_at            TEXT    NOT NULL,
  PRIMARY KEY (source, date)
);

CREATE TABLE ingest_checkpoints (
  source      TEXT    NOT NULL,
  path        TEXT    NOT NULL,
  device      INTEGER NOT NULL,
  inode       INTEGER NOT NULL,
  fingerprint TEXT    NOT NULL,
  offset      INTEGER NOT NULL,  -- first byte not yet consumed
  updated_at  TEXT    NOT NULL,
  PRIMARY KEY (source, path)
);

-- Rollup keys whose inputs changed and whose derived rows are not yet rewritten. Written in the
-- same transaction as the events, emptied by the refresh that rewrites the rows.
CREATE TABLE rollup_dirty_dates (
  source TEXT NOT NULL,
  date   TEXT NOT NULL,
  PRIMARY KEY (source, date)
);
CREATE TABLE rollup_dirty_sessions (
  source       TEXT NOT NULL,
  project_path TEXT NOT NULL,
  session_id   TEXT NOT NULL,
  PRIMARY KEY (source, project_path, session_id)
);
