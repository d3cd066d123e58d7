-- Least-privilege roles for a team database (docs/TEAM.md). Not a migration: an administrator
-- runs it, as the role that owns the schema (the one that applied the migrations), once the
-- schema exists, and again after upgrading claude-usaged:
--   psql "postgresql://owner@db.example/claude_usage" -v ON_ERROR_STOP=1 -f schema/postgres/roles.sql
-- Safe to run any number of times.
--
--   claude_usage_writer  what a daemon needs: read and write rows, temporary tables (COPY
--                        staging), no DDL. A daemon whose schema is current never needs more.
--   claude_usage_reader  dashboards and ad-hoc reports: SELECT on the usage tables only (not the
--                        checkpoints, which name local files, nor the bookkeeping tables).
-- Give people login roles that are members of these, e.g.
--   CREATE ROLE ana_laptop LOGIN PASSWORD '...' IN ROLE claude_usage_writer;
--   CREATE ROLE grafana LOGIN PASSWORD '...' IN ROLE claude_usage_reader;

DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'claude_usage_writer') THEN
    CREATE ROLE claude_usage_writer NOLOGIN;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'claude_usage_reader') THEN
    CREATE ROLE claude_usage_reader NOLOGIN;
  END IF;
  EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO claude_usage_writer', current_database());
  EXECUTE format('GRANT CONNECT ON DATABASE %I TO claude_usage_reader', current_database());
END
$$;

GRANT USAGE ON SCHEMA public TO claude_usage_writer, claude_usage_reader;

GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO claude_usage_writer;
REVOKE INSERT, UPDATE, DELETE ON schema_migrations FROM claude_usage_writer;
-- Tables that later migrations create (as this role) are writable too.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO claude_usage_writer;

GRANT SELECT ON usage_events, claude_sessions, daily_usage_summary, model_daily_usage, cache_analytics,
  usage_blocks, session_model_usage, rate_limit_snapshots TO claude_usage_reader;
