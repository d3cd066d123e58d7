-- claude-usaged PostgreSQL schema, version 6: usage_events partitioned by month (SPEC §13;
-- docs/TEAM.md, "Partitions"). The existing table is converted in place, in this migration's one
-- transaction: renamed, its rows moved into the partitioned table, dropped.
--
-- The partition key is `timestamp` itself (TIMESTAMPTZ since version 1): no derived column is
-- needed, and every range the reports ask for (kEventsOfDays, kUsagePoints, ...) is a range on it,
-- so they read only the partitions of the months they cover (checked with EXPLAIN ANALYZE: the
-- per-day LATERAL scans of kEventsOfDays prune at run time, the other months "never executed").
-- Months are UTC months, whatever the session's TimeZone: a partition's bounds must not depend on
-- who created it.
--
-- PostgreSQL requires every unique key of a partitioned table to contain the partition key, so the
-- primary key becomes (source, id, timestamp). (source, id) stays unique because the writer keeps
-- it so: every write deletes the ids it is about to insert first (PostgresStore::Impl::apply),
-- under the source's shipping lock; lookups by (source, id) use the key's prefix in each partition.
-- The key still starts with `source` (SPEC §13: the distribution column beyond one server).
--
-- Partitions are named usage_events_YYYY_MM and hold [first instant of the month, first instant of
-- the next) in UTC. There is no DEFAULT partition: rows of a month would have to be moved out of it
-- before that month's partition could be created; instead a row of a month without partition is
-- refused, and the daemon creates the months of a batch before writing it
-- (create_usage_events_partitions below, kCreatePartitions in lib/store/postgres_sql.h).

ALTER TABLE usage_events RENAME TO usage_events_unpartitioned;
-- Free the names of its constraint and indexes for the new table (the old one is dropped below).
ALTER TABLE usage_events_unpartitioned DROP CONSTRAINT usage_events_pkey;
DROP INDEX usage_events_time;
DROP INDEX usage_events_session;

-- Same columns, in the same order (staging_events is LIKE usage_events and its rows are inserted
-- with SELECT *), types, NOT NULLs and meaning as in 001_initial.sql.
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
  PRIMARY KEY (source, id, timestamp)
) PARTITION BY RANGE (timestamp);
-- Declared on the parent: every partition, present and future, gets them.
CREATE INDEX usage_events_time ON usage_events (source, timestamp);
CREATE INDEX usage_events_session ON usage_events (source, project, session_id);

-- Creates the missing partitions of the months of `instants`, and of the current month and the two
-- after it (so that a month's partition normally exists well before its first event, and creating
-- one, which briefly locks usage_events against every other statement, happens rarely and early).
-- Returns how many it created. Cheap when they all exist: one catalog look-up per month, no lock.
--
-- SECURITY DEFINER: writers have no DDL rights (roles.sql), so the partition is created as this
-- function's owner, the schema's owner. A partition is only reached through usage_events, whose
-- privileges and policies apply: a new partition gets row-level security without policies (nothing
-- but its owner may read or write it directly) and loses the privileges that default privileges
-- (roles.sql) gave it, so that no one reaches a source's rows around the policies. EXECUTE is for
-- writers and administrators only (granted below and by roles.sql), not for every login.
CREATE FUNCTION create_usage_events_partitions(instants TIMESTAMPTZ[]) RETURNS INTEGER
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  AS $$
DECLARE
  month_start TIMESTAMP;  -- UTC wall time of the month's first instant
  partition_name TEXT;
  grantee OID;
  created INTEGER := 0;
BEGIN
  FOR month_start IN
    SELECT DISTINCT date_trunc('month', i AT TIME ZONE 'UTC')
    FROM unnest(instants || ARRAY[now(), now() + INTERVAL '1 month', now() + INTERVAL '2 months']) AS i
    WHERE i IS NOT NULL
    ORDER BY 1
  LOOP
    partition_name := 'usage_events_' || to_char(month_start, 'YYYY_MM');
    CONTINUE WHEN to_regclass(format('%I.%I', current_schema(), partition_name)) IS NOT NULL;
    -- Daemons starting a month together: one creates, the others find it created. A lock on the
    -- table (not an advisory one) also makes the look-up below see a partition another transaction
    -- just committed; SHARE UPDATE EXCLUSIVE conflicts with itself but not with reads and writes.
    LOCK TABLE ONLY usage_events IN SHARE UPDATE EXCLUSIVE MODE;
    CONTINUE WHEN to_regclass(format('%I.%I', current_schema(), partition_name)) IS NOT NULL;
    EXECUTE format('CREATE TABLE %I.%I PARTITION OF usage_events FOR VALUES FROM (%L) TO (%L)',
                   current_schema(), partition_name, month_start AT TIME ZONE 'UTC',
                   (month_start + INTERVAL '1 month') AT TIME ZONE 'UTC');
    EXECUTE format('ALTER TABLE %I.%I ENABLE ROW LEVEL SECURITY', current_schema(), partition_name);
    FOR grantee IN
      SELECT DISTINCT a.grantee FROM pg_class c, aclexplode(c.relacl) a
      WHERE c.oid = format('%I.%I', current_schema(), partition_name)::regclass AND a.grantee <> c.relowner
    LOOP
      IF grantee = 0 THEN
        EXECUTE format('REVOKE ALL ON %I.%I FROM PUBLIC', current_schema(), partition_name);
      ELSE
        EXECUTE format('REVOKE ALL ON %I.%I FROM %I', current_schema(), partition_name, grantee::regrole::text);
      END IF;
    END LOOP;
    created := created + 1;
  END LOOP;
  RETURN created;
END
$$;
-- As in 005: a fixed search_path, pg_temp last, so that a caller's temporary objects change
-- nothing in what this function, running as the owner, refers to.
DO $$
BEGIN
  EXECUTE format('ALTER FUNCTION create_usage_events_partitions(TIMESTAMPTZ[]) SET search_path = %I, pg_temp',
                 current_schema());
END
$$;
REVOKE EXECUTE ON FUNCTION create_usage_events_partitions(TIMESTAMPTZ[]) FROM PUBLIC;
DO $$
BEGIN
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'claude_usage_writer') THEN
    GRANT EXECUTE ON FUNCTION create_usage_events_partitions(TIMESTAMPTZ[]) TO claude_usage_writer;
  END IF;
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'claude_usage_admin') THEN
    GRANT EXECUTE ON FUNCTION create_usage_events_partitions(TIMESTAMPTZ[]) TO claude_usage_admin;
  END IF;
END
$$;

-- A partition for every month present (and the ones ahead), then the rows. The key and indexes
-- already exist during the copy: building them after it instead was no faster (measured: 1,000,000
-- rows over 24 months, about 16 s either way on two cores).
-- (One instant per UTC month is enough; the function finds each one's month.)
SELECT create_usage_events_partitions(ARRAY(
  SELECT DISTINCT date_trunc('month', timestamp AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' FROM usage_events_unpartitioned));
INSERT INTO usage_events SELECT * FROM usage_events_unpartitioned;

-- The privileges the old table had (roles.sql's grants, and any an administrator added), for
-- every role but the owner, whose rights are implicit. Neither existing grants nor ALTER DEFAULT
-- PRIVILEGES (which covers only tables created by the role that ran it) carry them over.
DO $$
DECLARE
  entry RECORD;
BEGIN
  FOR entry IN
    SELECT a.grantee, a.privilege_type, a.is_grantable
    FROM pg_class c, aclexplode(c.relacl) a
    WHERE c.oid = 'usage_events_unpartitioned'::regclass AND a.grantee <> c.relowner
  LOOP
    EXECUTE format('GRANT %s ON usage_events TO %s%s', entry.privilege_type,
                   CASE WHEN entry.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(entry.grantee::regrole::text) END,
                   CASE WHEN entry.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);
  END LOOP;
END
$$;

-- Row-level security: the same four policies as 005_row_security.sql gives every table with a
-- `source` column (policies belong to a table: the old table's went with it). Queries through
-- usage_events apply these, whichever partitions they read.
DO $$
DECLARE
  mine CONSTANT TEXT :=
    'source IN (SELECT o.source FROM source_owners o WHERE pg_has_role(o.owner, ''MEMBER''))';
  admin CONSTANT TEXT := '(SELECT current_role_is_member_of(''claude_usage_admin''))';
  reads_all CONSTANT TEXT :=
    '(SELECT current_role_is_member_of(''claude_usage_reader'') OR current_role_is_member_of(''claude_usage_admin''))';
  may_write CONSTANT TEXT := format('%s OR %s OR claim_source(source)', admin, mine);
BEGIN
  ALTER TABLE usage_events ENABLE ROW LEVEL SECURITY;
  EXECUTE format('CREATE POLICY read_rows ON usage_events FOR SELECT USING (%s OR %s)', reads_all, mine);
  EXECUTE format('CREATE POLICY insert_rows ON usage_events FOR INSERT WITH CHECK (%s)', may_write);
  EXECUTE format('CREATE POLICY update_rows ON usage_events FOR UPDATE USING (%s OR %s) WITH CHECK (%s)',
                 admin, mine, may_write);
  EXECUTE format('CREATE POLICY delete_rows ON usage_events FOR DELETE USING (%s OR %s)', admin, mine);
END
$$;

DROP TABLE usage_events_unpartitioned;
-- Statistics for the planner now rather than at autovacuum's leisure (partitioned parents are
-- never analyzed automatically).
ANALYZE usage_events;
