-- claude-usaged SQLite schema, version 12: retention (config key retention.raw_events_months,
-- SPEC §13). Days before frozen_before are frozen: their derived rows are final and never
-- recomputed; the raw events before dropped_before_ms (frozen_before's first instant, or the start
-- of the 5-hour block open across it) are gone. A session some of whose events were dropped keeps
-- the rows of those events in frozen_sessions and frozen_session_models, and its rows are those
-- merged with the rows of its stored events (rollup/retention.h).

CREATE TABLE retention_state (
  source            TEXT    NOT NULL PRIMARY KEY,
  frozen_before     TEXT    NOT NULL,  -- local date YYYY-MM-DD
  frozen_before_ms  INTEGER NOT NULL,  -- its first instant, in the zone it was frozen in
  dropped_before_ms INTEGER NOT NULL,  -- raw events before this instant were dropped
  updated_at        TEXT    NOT NULL
);

CREATE TABLE frozen_sessions (
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
  cost_usd              REAL    NOT NULL,
  message_count         INTEGER NOT NULL,
  PRIMARY KEY (source, project_path, session_id)
);

CREATE TABLE frozen_session_models (
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
