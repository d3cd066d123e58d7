-- claude-usaged PostgreSQL schema, version 3: shipping progress and the indexes of team reports.

-- How far each source's outbox (schema/sqlite/003) has been applied: rows up to shipped_seq are
-- in this database. Updated in the same transaction as the rows it covers, so a shipper that
-- crashed before deleting its local outbox rows skips them instead of applying them twice.
-- `origin` names the local database whose outbox this is (see ship_state in SQLite).
CREATE TABLE ship_progress (
  source      TEXT        NOT NULL PRIMARY KEY,
  origin      TEXT        NOT NULL,
  shipped_seq BIGINT      NOT NULL,
  shipped_at  TIMESTAMPTZ NOT NULL
);

-- Team dashboards read across sources by date, model and time (docs/TEAM.md, etc/grafana/).
CREATE INDEX daily_usage_summary_date ON daily_usage_summary (date);
CREATE INDEX model_daily_usage_date_model ON model_daily_usage (date, model);
CREATE INDEX claude_sessions_end_all ON claude_sessions (session_end);
CREATE INDEX usage_blocks_start_all ON usage_blocks (start_time);
