-- claude-usaged PostgreSQL schema, version 5: row-level security (SPEC §13; docs/TEAM.md,
-- "Sources and row-level security").
-- Every source belongs to a role; a login may write (INSERT, UPDATE, DELETE) only rows of the
-- sources of roles it is a member of. Table privileges (schema/postgres/roles.sql) say which
-- statements a role may run at all; the policies here say on which rows.
--
-- Who owns a source: `source_owners`. A source nobody owns is claimed by the first login that
-- writes it, as that login itself (not a group it belongs to). The daemon claims its source
-- explicitly at the start of every shipment (claim_source, lib/store/postgres_ship.cpp), which
-- gives a clear error when the source is another role's, and keeps every later statement on the
-- policies' cheap path; a plain INSERT (or UPDATE) also claims through the write policies, so that
-- ad-hoc SQL follows the same rule. A claim is never moved or dropped by a writer: members of
-- claude_usage_admin (and the tables' owner) assign sources.
--
-- Sources already present stay unowned until their daemon's next shipment claims them: assigning
-- them to anyone here would either lock every daemon out until an administrator acts, or guess.
-- An administrator who does not want that window assigns them first (docs/TEAM.md).
--
-- RLS is enabled but not forced: the tables' owner applies migrations, which must see and rewrite
-- every row, and is an administrator anyway (it could disable RLS). Superusers and BYPASSRLS roles
-- are not subject to it either. Daemons must log in as writer roles, never as the owner.
CREATE TABLE source_owners (
  source     TEXT        NOT NULL PRIMARY KEY,
  owner      REGROLE     NOT NULL,  -- an OID: follows renames; a dropped role owns nothing
  claimed_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX source_owners_owner ON source_owners (owner);

-- Whether the current role is a member (directly or not, whatever INHERIT says) of the role named
-- `role_name`; false when no such role exists, so that the policies work before roles.sql ran.
CREATE FUNCTION current_role_is_member_of(role_name TEXT) RETURNS BOOLEAN
  LANGUAGE sql STABLE
  AS $$ SELECT COALESCE(pg_has_role(to_regrole(quote_ident(role_name)), 'MEMBER'), false) $$;

-- Whether the current role owns `owned` (is a member of its owner), seeing claims made since the
-- calling statement started (VOLATILE: each call reads with a new snapshot).
CREATE FUNCTION owns_source(owned TEXT) RETURNS BOOLEAN
  LANGUAGE plpgsql VOLATILE
  AS $$
BEGIN
  RETURN EXISTS (SELECT FROM source_owners WHERE source = owned AND pg_has_role(owner, 'MEMBER'));
END
$$;

-- Claims `claimed` for the current role when nobody owns it, and says whether the current role
-- now owns it. Runs with the caller's rights: the claim is an INSERT that the policy
-- claim_unowned_source allows only for the caller itself, as a LOGIN role.
CREATE FUNCTION claim_source(claimed TEXT) RETURNS BOOLEAN
  LANGUAGE plpgsql VOLATILE
  AS $$
BEGIN
  IF owns_source(claimed) THEN
    RETURN true;  -- the usual case, without the cost of an insertion attempt
  END IF;
  INSERT INTO source_owners (source, owner) VALUES (claimed, quote_ident(current_user)::regrole)
    ON CONFLICT (source) DO NOTHING;
  RETURN owns_source(claimed);
END
$$;

-- The functions name source_owners unqualified, and a writer may create temporary tables, which
-- the default search_path finds first: its own "source_owners" would make it the owner of any
-- source. Their search_path is therefore fixed, with pg_temp last (policies themselves are safe:
-- their tables were resolved when they were created).
DO $$
BEGIN
  EXECUTE format('ALTER FUNCTION owns_source(TEXT) SET search_path = %I, pg_temp', current_schema());
  EXECUTE format('ALTER FUNCTION claim_source(TEXT) SET search_path = %I, pg_temp', current_schema());
END
$$;

ALTER TABLE source_owners ENABLE ROW LEVEL SECURITY;
-- Writers and readers see every claim (who owns what is not secret among them, and a refused
-- writer is told the owner); claude_usage_self members see only their own.
CREATE POLICY read_owners ON source_owners FOR SELECT USING (
  (SELECT current_role_is_member_of('claude_usage_writer') OR current_role_is_member_of('claude_usage_reader')
       OR current_role_is_member_of('claude_usage_admin'))
  OR pg_has_role(owner, 'MEMBER'));
-- A claim names the claiming login itself: not another role, not a group it can SET ROLE to
-- (a group owner would hand the source to every member of that group).
CREATE POLICY claim_unowned_source ON source_owners FOR INSERT WITH CHECK (
  (SELECT current_role_is_member_of('claude_usage_admin'))
  OR owner = (SELECT oid FROM pg_roles WHERE rolname = current_user AND rolcanlogin));
CREATE POLICY assign_source ON source_owners FOR UPDATE
  USING ((SELECT current_role_is_member_of('claude_usage_admin')))
  WITH CHECK ((SELECT current_role_is_member_of('claude_usage_admin')));
CREATE POLICY release_source ON source_owners FOR DELETE
  USING ((SELECT current_role_is_member_of('claude_usage_admin')));

-- The same four policies on every table with a `source` column. `mine` is one hashed subplan per
-- statement (the sources of the roles the current role belongs to), so a batch of a million rows
-- costs one look-up, not a million; the policies call no function per row on that path. `mine`
-- sees the claims made before the statement only: a row of a source nobody owned then passes
-- WITH CHECK through claim_source, once per row, so a plain INSERT (or UPDATE) claims. Statements
-- that also read their new rows (INSERT ... ON CONFLICT, RETURNING, UPDATE ... WHERE) must meet
-- read_rows too, which does not claim (a read must not change ownership), so they need the source
-- claimed by an earlier statement: the daemon runs SELECT claim_source($1) before it writes.
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
  FOREACH table_name IN ARRAY ARRAY[
      'usage_events', 'ingest_checkpoints', 'claude_sessions', 'daily_usage_summary', 'model_daily_usage',
      'cache_analytics', 'usage_blocks', 'session_model_usage', 'rollup_dirty_dates', 'rollup_dirty_sessions',
      'rollup_dirty_blocks', 'rate_limit_snapshots', 'ship_progress'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', table_name);
    EXECUTE format('CREATE POLICY read_rows ON %I FOR SELECT USING (%s OR %s)', table_name, reads_all, mine);
    EXECUTE format('CREATE POLICY insert_rows ON %I FOR INSERT WITH CHECK (%s)', table_name, may_write);
    -- WITH CHECK also holds for the new row: a row cannot be moved to another role's source.
    EXECUTE format('CREATE POLICY update_rows ON %I FOR UPDATE USING (%s OR %s) WITH CHECK (%s)',
                   table_name, admin, mine, may_write);
    EXECUTE format('CREATE POLICY delete_rows ON %I FOR DELETE USING (%s OR %s)', table_name, admin, mine);
  END LOOP;
END
$$;
