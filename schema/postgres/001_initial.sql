-- claude-usaged PostgreSQL schema, version 1 (SPEC §7): the tables of schema/sqlite/001 with the
-- same names and meaning. Tokens are BIGINT, money NUMERIC(20,10), times TIMESTAMPTZ, dates DATE
-- (local dates in the writing daemon's time zone). Every table carries `source`, the identity of
-- the daemon that wrote the row; many daemons share one database and never touch each other's rows.

CREATE TABLE usage_events (
  source                   TEXT           NOT NULL,
  id                       BIGINT         NOT NULL,  -- the writing daemon's event id
  message_id               TEXT           NOT NULL,  -- '' when the line had none
  request_id               TEXT           NOT NULL,  -- '' when absent
  timestamp                TIMESTAMPTZ    NOT NULL,
  project                  TEXT           NOT NULL,
  session_id               TEXT           NOT NULL,
  model                    TEXT           NOT NULL,  -- as logged; reports append '-fast' for fast entries
  input_tokens             BIGINT         NOT NULL,
  output_tokens            BIGINT         NOT NULL,
  cache_creation_tokens    BIGINT         NOT NULL,
  cache_read_tokens        BIGINT         NOT NULL,
  cache_creation_5m_tokens BIGINT,                   -- NULL when the log had no 5m/1h split
  cache_creation_1h_tokens BIGINT,
  speed                    TEXT,                     -- NULL, 'standard' or 'fast'
  logged_cost_usd          NUMERIC(20,10),           -- costUSD when the log had one
  cost_usd                 NUMERIC(20,10) NOT NULL,
  is_sidechain             BOOLEAN        NOT NULL,
  cwd                      TEXT           NOT NULL,
  file                     TEXT           NOT NULL,  -- path below projects/
  line_offset              BIGINT         NOT NULL,
  entry_index              INTEGER        NOT NULL,
  PRIMARY KEY (source, id)
);
CREATE INDEX usage_events_time ON usage_events (source, timestamp);
CREATE INDEX usage_events_session ON usage_events (source, project, session_id);

CREATE TABLE claude_sessions (
  source                TEXT             NOT NULL,
  session_id            TEXT             NOT NULL,
  project_path          TEXT             NOT NULL,
  project_name          TEXT             NOT NULL,
  session_start         TIMESTAMPTZ      NOT NULL,
  session_end           TIMESTAMPTZ      NOT NULL,
  input_tokens          BIGINT           NOT NULL,
  output_tokens         BIGINT           NOT NULL,
  cache_creation_tokens BIGINT           NOT NULL,
  cache_read_tokens     BIGINT           NOT NULL,
  total_tokens          BIGINT           NOT NULL,
  cost_usd              NUMERIC(20,10)   NOT NULL,
  model_name            TEXT             NOT NULL,
  message_count         BIGINT           NOT NULL,
  efficiency_score      DOUBLE PRECISION NOT NULL,
  updated_at            TIMESTAMPTZ      NOT NULL,
  PRIMARY KEY (source, project_path, session_id)
);

CREATE TABLE daily_usage_summary (
  source                TEXT           NOT NULL,
  date                  DATE           NOT NULL,
  input_tokens          BIGINT         NOT NULL,
  output_tokens         BIGINT         NOT NULL,
  cache_creation_tokens BIGINT         NOT NULL,
  cache_read_tokens     BIGINT         NOT NULL,
  total_tokens          BIGINT         NOT NULL,
  cost_usd              NUMERIC(20,10) NOT NULL,
  session_count         BIGINT         NOT NULL,
  models_used           TEXT           NOT NULL,
  created_at            TIMESTAMPTZ    NOT NULL,
  updated_at            TIMESTAMPTZ    NOT NULL,
  PRIMARY KEY (source, date)
);

CREATE TABLE ingest_checkpoints (
  source      TEXT        NOT NULL,
  path        TEXT        NOT NULL,
  device      BIGINT      NOT NULL,
  inode       BIGINT      NOT NULL,
  fingerprint TEXT        NOT NULL,
  "offset"    BIGINT      NOT NULL,  -- first byte not yet consumed
  updated_at  TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (source, path)
);

-- Rollup keys whose inputs changed and whose derived rows are not yet rewritten; written in the
-- same transaction as the events, emptied by the refresh that rewrites the rows.
CREATE TABLE rollup_dirty_dates (
  source TEXT NOT NULL,
  date   DATE NOT NULL,
  PRIMARY KEY (source, date)
);
CREATE TABLE rollup_dirty_sessions (
  source       TEXT NOT NULL,
  project_path TEXT NOT NULL,
  session_id   TEXT NOT NULL,
  PRIMARY KEY (source, project_path, session_id)
);
