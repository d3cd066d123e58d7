-- claude-usaged PostgreSQL schema, version 2: per-model, cache and 5-hour block rollups (SPEC §7)
-- and per-session model breakdowns, as schema/sqlite/002.

CREATE TABLE model_daily_usage (
  source                TEXT           NOT NULL,
  date                  DATE           NOT NULL,
  model                 TEXT           NOT NULL,  -- reported name: '<model>-fast' for fast entries
  input_tokens          BIGINT         NOT NULL,
  output_tokens         BIGINT         NOT NULL,
  cache_creation_tokens BIGINT         NOT NULL,
  cache_read_tokens     BIGINT         NOT NULL,
  total_tokens          BIGINT         NOT NULL,
  cost_usd              NUMERIC(20,10) NOT NULL,
  request_count         BIGINT         NOT NULL,
  updated_at            TIMESTAMPTZ    NOT NULL,
  PRIMARY KEY (source, date, model)
);

CREATE TABLE cache_analytics (
  source             TEXT             NOT NULL,
  date               DATE             NOT NULL,
  total_cache_tokens BIGINT           NOT NULL,  -- cache creation + cache read
  cache_hit_tokens   BIGINT           NOT NULL,  -- cache read
  hit_rate           DOUBLE PRECISION NOT NULL,  -- read / (input + creation + read)
  cache_savings_usd  NUMERIC(20,10)   NOT NULL,  -- may be negative
  updated_at         TIMESTAMPTZ      NOT NULL,
  PRIMARY KEY (source, date)
);

CREATE TABLE usage_blocks (
  source                TEXT           NOT NULL,
  block_id              TEXT           NOT NULL,  -- start as YYYY-MM-DDTHH:00:00.000Z
  start_time            TIMESTAMPTZ    NOT NULL,
  end_time              TIMESTAMPTZ    NOT NULL,
  first_event_time      TIMESTAMPTZ    NOT NULL,
  actual_end_time       TIMESTAMPTZ    NOT NULL,  -- last event
  input_tokens          BIGINT         NOT NULL,
  output_tokens         BIGINT         NOT NULL,
  cache_creation_tokens BIGINT         NOT NULL,
  cache_read_tokens     BIGINT         NOT NULL,
  total_tokens          BIGINT         NOT NULL,
  cost_usd              NUMERIC(20,10) NOT NULL,
  entries               BIGINT         NOT NULL,
  session_count         BIGINT         NOT NULL,
  models                TEXT           NOT NULL,  -- comma-separated, in order of first use
  status                TEXT           NOT NULL,  -- 'active' | 'completed'
  updated_at            TIMESTAMPTZ    NOT NULL,
  PRIMARY KEY (source, block_id)
);
CREATE INDEX usage_blocks_start ON usage_blocks (source, start_time);

CREATE TABLE session_model_usage (
  source                TEXT           NOT NULL,
  project_path          TEXT           NOT NULL,
  session_id            TEXT           NOT NULL,
  model                 TEXT           NOT NULL,
  input_tokens          BIGINT         NOT NULL,
  output_tokens         BIGINT         NOT NULL,
  cache_creation_tokens BIGINT         NOT NULL,
  cache_read_tokens     BIGINT         NOT NULL,
  cost_usd              NUMERIC(20,10) NOT NULL,
  request_count         BIGINT         NOT NULL,
  PRIMARY KEY (source, project_path, session_id, model)
);

-- The earliest event time (Unix ms) whose block may have changed since the last refresh.
CREATE TABLE rollup_dirty_blocks (
  source   TEXT   NOT NULL PRIMARY KEY,
  since_ms BIGINT NOT NULL
);

CREATE INDEX claude_sessions_end ON claude_sessions (source, session_end);
