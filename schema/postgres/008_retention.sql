-- claude-usaged PostgreSQL schema, version 8: retention (config key retention.raw_events_months,
-- SPEC §13), as schema/sqlite/012_retention.sql. A source's days before frozen_before are frozen:
-- their derived rows are final; its raw events before dropped_before are gone. A session some of
-- whose events were dropped keeps their rows in frozen_sessions and frozen_session_models.

CREATE TABLE retention_state (
  source         TEXT        NOT NULL PRIMARY KEY,
  frozen_before  DATE        NOT NULL,
  frozen_before_time TIMESTAMPTZ NOT NULL,  -- its first instant, in the zone it was frozen in
  dropped_before TIMESTAMPTZ NOT NULL,
  updated_at     TIMESTAMPTZ NOT NULL
);

CREATE TABLE frozen_sessions (
  source                TEXT           NOT NULL,
  session_id            TEXT           NOT NULL,
  project_path          TEXT           NOT NULL,
  project_name          TEXT           NOT NULL,
  session_start         TIMESTAMPTZ    NOT NULL,
  session_end           TIMESTAMPTZ    NOT NULL,
  input_tokens          BIGINT         NOT NULL,
  output_tokens         BIGINT         NOT NULL,
  cache_creation_tokens BIGINT         NOT NULL,
  cache_read_tokens     BIGINT         NOT NULL,
  cost_usd              NUMERIC(20,10) NOT NULL,
  message_count         BIGINT         NOT NULL,
  PRIMARY KEY (source, project_path, session_id)
);

CREATE TABLE frozen_session_models (
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

-- The row-level security of 005_row_security.sql on the new tables.
DO $$
DECLARE
  mine CONSTANT TEXT :=
    'source IN (SELECT o.source FROM source_owners o WHERE pg_has_role(o.owner, ''MEMBER''))';
  admin CONSTANT TEXT := '(SELECT current_role_is_member_of(''claude_usage_admin''))';
  reads_all CONSTANT TEXT :=
    '(SELECT current_role_is_member_of(''claude_usage_reader'') OR current_role_is_member_of(''claude_usage_admin''))';
  may_write CONSTANT TEXT := format('%s OR %s OR claim_source(source)', admin, mine);
  table_name TEXT;
BEGIN
  FOREACH table_name IN ARRAY ARRAY['retention_state', 'frozen_sessions', 'frozen_session_models'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', table_name);
    EXECUTE format('CREATE POLICY read_rows ON %I FOR SELECT USING (%s OR %s)', table_name, reads_all, mine);
    EXECUTE format('CREATE POLICY insert_rows ON %I FOR INSERT WITH CHECK (%s)', table_name, may_write);
    EXECUTE format('CREATE POLICY update_rows ON %I FOR UPDATE USING (%s OR %s) WITH CHECK (%s)',
                   table_name, admin, mine, may_write);
    EXECUTE format('CREATE POLICY delete_rows ON %I FOR DELETE USING (%s OR %s)', table_name, admin, mine);
  END LOOP;
END
$$;

-- Drops the monthly partitions of usage_events that end at or before `before` and hold no row any
-- more (every source's events of the month were dropped by retention), one at a time; returns how
-- many. With the owner's rights: a writer deletes only its own rows (row-level security), and
-- only an empty partition goes, so it can drop no one else's. The partition is locked before it
-- is found empty, so that no write of another source can be under way in it (an insert holds its
-- lock until it commits); a partition or parent busy for longer than a second is left for the next
-- call. A writer whose partition was dropped between its creation and its insert fails that
-- shipment and retries it, creating the partition again.
CREATE FUNCTION drop_empty_usage_events_partitions(before TIMESTAMPTZ) RETURNS INTEGER
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  AS $$
DECLARE
  partition_name TEXT;
  is_empty BOOLEAN;
  dropped INTEGER := 0;
BEGIN
  PERFORM set_config('lock_timeout', '1s', true);
  FOR partition_name IN
    SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = 'usage_events'::regclass AND c.relname ~ '^usage_events_[0-9]{4}_[0-9]{2}$'
      AND (to_timestamp(substr(c.relname, 14), 'YYYY_MM') AT TIME ZONE 'UTC')::timestamp
          + INTERVAL '1 month' <= (before AT TIME ZONE 'UTC')
    ORDER BY c.relname
  LOOP
    BEGIN
      -- The same lock as create_usage_events_partitions: creators and droppers take turns.
      LOCK TABLE ONLY usage_events IN SHARE UPDATE EXCLUSIVE MODE;
      EXECUTE format('LOCK TABLE %I.%I IN ACCESS EXCLUSIVE MODE', current_schema(), partition_name);
      EXECUTE format('SELECT NOT EXISTS (SELECT 1 FROM %I.%I)', current_schema(), partition_name) INTO is_empty;
      IF is_empty THEN
        EXECUTE format('DROP TABLE %I.%I', current_schema(), partition_name);
        dropped := dropped + 1;
      END IF;
    EXCEPTION WHEN lock_not_available THEN
      NULL;  -- busy: left for the next call
    END;
  END LOOP;
  RETURN dropped;
END
$$;
DO $$
BEGIN
  EXECUTE format('ALTER FUNCTION drop_empty_usage_events_partitions(TIMESTAMPTZ) SET search_path = %I, pg_temp',
                 current_schema());
END
$$;
REVOKE ALL ON FUNCTION drop_empty_usage_events_partitions(TIMESTAMPTZ) FROM PUBLIC;
-- Readers see the cut-offs as roles.sql grants them the derived rows (it grants this too, for a
-- database whose roles came after this migration).
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'claude_usage_reader') THEN
    GRANT SELECT ON retention_state TO claude_usage_reader;
  END IF;
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'claude_usage_self') THEN
    GRANT SELECT ON retention_state TO claude_usage_self;
  END IF;
END
$$;
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'claude_usage_writer') THEN
    GRANT EXECUTE ON FUNCTION drop_empty_usage_events_partitions(TIMESTAMPTZ) TO claude_usage_writer;
  END IF;
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'claude_usage_admin') THEN
    GRANT EXECUTE ON FUNCTION drop_empty_usage_events_partitions(TIMESTAMPTZ) TO claude_usage_admin;
  END IF;
END
$$;
