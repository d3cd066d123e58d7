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
--   claude_usage_self    the same SELECT, but row-level security shows only the rows of the
--                        member's own sources: for people looking at their own usage.
--   claude_usage_admin   every row of every table, and assigning sources to roles (source_owners).
-- Row-level security (schema/postgres/005_row_security.sql) limits a writer to the rows of its own
-- sources, claimed by its first write. Give people login roles that are members of these, e.g.
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
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'claude_usage_self') THEN
    CREATE ROLE claude_usage_self NOLOGIN;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'claude_usage_admin') THEN
    CREATE ROLE claude_usage_admin NOLOGIN;
  END IF;
  EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO claude_usage_writer', current_database());
  EXECUTE format('GRANT CONNECT ON DATABASE %I TO claude_usage_reader, claude_usage_self, claude_usage_admin',
                 current_database());
END
$$;

GRANT USAGE ON SCHEMA public TO claude_usage_writer, claude_usage_reader, claude_usage_self, claude_usage_admin;

GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO claude_usage_writer;
REVOKE INSERT, UPDATE, DELETE ON schema_migrations FROM claude_usage_writer;
-- A writer claims a source by inserting its own row (policy claim_unowned_source); only an
-- administrator moves or releases one.
REVOKE UPDATE, DELETE ON source_owners FROM claude_usage_writer;
-- Tables that later migrations create (as this role) are writable too.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO claude_usage_writer;

-- The row-level security policies read source_owners, so everyone they apply to needs SELECT on it.
GRANT SELECT ON usage_events, claude_sessions, daily_usage_summary, model_daily_usage, cache_analytics,
  usage_blocks, session_model_usage, rate_limit_snapshots, source_owners TO claude_usage_reader, claude_usage_self;
-- Tables of later migrations, when the schema has them already (a schema of an older version
-- gets them from the migration that creates them, which copies model_daily_usage's privileges).
DO $$
BEGIN
  IF to_regclass('model_monthly_usage') IS NOT NULL THEN
    GRANT SELECT ON model_monthly_usage TO claude_usage_reader, claude_usage_self;
  END IF;
END
$$;

GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO claude_usage_admin;
REVOKE INSERT, UPDATE, DELETE ON schema_migrations FROM claude_usage_admin;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO claude_usage_admin;

-- usage_events is partitioned by month (006_monthly_partitions.sql). "ALL TABLES" above includes its
-- partitions, which have row-level security but no policies of their own (the parent's apply to
-- what goes through it): only the owner reaches a partition directly; nobody else keeps a grant on
-- one. Writers and administrators create the partitions of new months through the function.
DO $$
DECLARE
  partition_name TEXT;
BEGIN
  FOR partition_name IN
    SELECT inhrelid::regclass::text FROM pg_inherits WHERE inhparent = to_regclass('usage_events')
  LOOP
    EXECUTE format('REVOKE ALL ON %s FROM PUBLIC, claude_usage_writer, claude_usage_reader, claude_usage_self,'
                   ' claude_usage_admin', partition_name);
  END LOOP;
  IF to_regprocedure('create_usage_events_partitions(timestamptz[])') IS NOT NULL THEN
    GRANT EXECUTE ON FUNCTION create_usage_events_partitions(TIMESTAMPTZ[]) TO claude_usage_writer, claude_usage_admin;
  END IF;
  -- Retention (008_retention.sql): its state is readable like the derived rows; writers drop the
  -- partitions their retention emptied through the function.
  IF to_regclass('retention_state') IS NOT NULL THEN
    GRANT SELECT ON retention_state TO claude_usage_reader, claude_usage_self;
  END IF;
  IF to_regprocedure('drop_empty_usage_events_partitions(timestamptz)') IS NOT NULL THEN
    GRANT EXECUTE ON FUNCTION drop_empty_usage_events_partitions(TIMESTAMPTZ) TO claude_usage_writer, claude_usage_admin;
  END IF;
END
$$;
