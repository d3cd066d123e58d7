-- claude-usaged PostgreSQL schema, version 4: Claude Code's official rate-limit readings
-- (SPEC §11), as schema/sqlite/009: at most one row per source, window and minute. "window" is a
-- reserved word in PostgreSQL, hence quoted.
CREATE TABLE rate_limit_snapshots (
  source          TEXT             NOT NULL,
  "window"        TEXT             NOT NULL,  -- 'five_hour' | 'seven_day'
  minute          BIGINT           NOT NULL,  -- Unix minute of captured_at
  captured_at     TIMESTAMPTZ      NOT NULL,
  used_percentage DOUBLE PRECISION NOT NULL,
  resets_at       TIMESTAMPTZ      NOT NULL,
  PRIMARY KEY (source, "window", minute)
);
CREATE INDEX rate_limit_snapshots_instance ON rate_limit_snapshots (source, "window", resets_at, captured_at);
