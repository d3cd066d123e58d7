-- claude-usaged PostgreSQL schema, version 7: model_monthly_usage, the per-month sums of
-- model_daily_usage (docs/TEAM.md, "Queries"), so that whole-year dashboards read ~36 rows per source
-- and year instead of ~1,100.
--
-- A row is, for one source, the first day of one month and one model, exactly the sums of that
-- source's model_daily_usage rows of the model with a date in that month (`updated_at` is the
-- latest of theirs). It is kept so by statement-level triggers on model_daily_usage, whoever writes
-- it (the daemon's rollup refresh, a relabel, a removal of a source, an administrator's SQL): after
-- every INSERT, UPDATE or DELETE statement the (source, month) keys it touched, read from its
-- transition tables, are recomputed from model_daily_usage. A refresh of a few days therefore
-- recomputes one or two months of one source: a range scan of model_daily_usage's primary key.
--
-- Row-level security: the keys come from the rows the statement changed, which the policies of
-- model_daily_usage limited to the writer's own sources, so a writer's statement recomputes only
-- its own sources' months. The trigger function runs as the owner (SECURITY DEFINER): it needs no
-- privilege of the writer on this table, and skips the policies' work on rows it derives from the
-- truth anyway (measured with pgbench as a writer login, sessions of 5 refreshes of a day, i.e. a
-- DELETE and an INSERT of its model rows: +2.5 ms per refresh over no trigger, against +4.0 ms with
-- the writer's rights and one function per event). Reading and writing this table directly
-- follows the same four policies as every table with a `source` column (below).
--
-- Concurrent writers of one source's days: the recomputation first takes the advisory lock the
-- daemon's shipment holds on the source (kLockSource in lib/store/postgres_sql.h; already held,
-- hence free, inside a shipment), so two transactions recompute one month one after the other, the
-- second seeing the first's committed days (each statement of the trigger function reads a new
-- snapshot in READ COMMITTED). A statement touching more than 256 sources locks the table instead,
-- to keep the number of locks bounded.

CREATE TABLE model_monthly_usage (
  source                TEXT           NOT NULL,
  month                 DATE           NOT NULL   -- first day of the month (of model_daily_usage.date)
                        CHECK (month = date_trunc('month', month)::date),
  model                 TEXT           NOT NULL,  -- as model_daily_usage: '<model>-fast' for fast entries
  input_tokens          BIGINT         NOT NULL,
  output_tokens         BIGINT         NOT NULL,
  cache_creation_tokens BIGINT         NOT NULL,
  cache_read_tokens     BIGINT         NOT NULL,
  total_tokens          BIGINT         NOT NULL,
  cost_usd              NUMERIC(20,10) NOT NULL,
  request_count         BIGINT         NOT NULL,
  updated_at            TIMESTAMPTZ    NOT NULL,  -- the latest updated_at of the month's daily rows
  PRIMARY KEY (source, month, model)
);
CREATE INDEX model_monthly_usage_month_model ON model_monthly_usage (month, model);

-- The trigger function of every statement on model_daily_usage: recomputes the rows of the
-- (source, month) keys of the rows the statement changed (its transition tables) from
-- model_daily_usage, upserting the sums of the models present and deleting the rows of models (or
-- whole months) no longer present; TRUNCATE empties the table. One function for the four triggers
-- (each branch names only the transition tables its trigger has) and one statement for the rows,
-- so that a daemon's session compiles and plans little: a refresh of a day runs it twice.
CREATE FUNCTION refresh_model_monthly_usage() RETURNS TRIGGER
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  AS $$
DECLARE
  sources TEXT[];
  months DATE[];
  locked TEXT[];  -- the distinct sources, in order
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    TRUNCATE model_monthly_usage;
    RETURN NULL;
  ELSIF TG_OP = 'INSERT' THEN
    SELECT array_agg(k.source), array_agg(k.month), array_agg(DISTINCT k.source ORDER BY k.source)
      INTO sources, months, locked
      FROM (SELECT DISTINCT source, date_trunc('month', date)::date AS month FROM new_rows) k;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT array_agg(k.source), array_agg(k.month), array_agg(DISTINCT k.source ORDER BY k.source)
      INTO sources, months, locked
      FROM (SELECT DISTINCT source, date_trunc('month', date)::date AS month FROM old_rows) k;
  ELSE
    SELECT array_agg(k.source), array_agg(k.month), array_agg(DISTINCT k.source ORDER BY k.source)
      INTO sources, months, locked
      FROM (SELECT source, date_trunc('month', date)::date AS month FROM old_rows
            UNION SELECT source, date_trunc('month', date)::date FROM new_rows) k;
  END IF;
  IF locked IS NULL THEN
    RETURN NULL;  -- the statement changed no row
  ELSIF cardinality(locked) <= 256 THEN
    PERFORM pg_advisory_xact_lock(hashtextextended(s, 42)) FROM unnest(locked) AS s;
  ELSE
    LOCK TABLE model_monthly_usage IN SHARE ROW EXCLUSIVE MODE;
  END IF;
  WITH keys AS (SELECT * FROM unnest(sources, months) AS k(source, month)),
  sums AS (
    SELECT d.source, k.month, d.model, sum(d.input_tokens) AS input_tokens, sum(d.output_tokens) AS output_tokens,
           sum(d.cache_creation_tokens) AS cache_creation_tokens, sum(d.cache_read_tokens) AS cache_read_tokens,
           sum(d.total_tokens) AS total_tokens, sum(d.cost_usd) AS cost_usd, sum(d.request_count) AS request_count,
           max(d.updated_at) AS updated_at
      FROM keys k
      JOIN model_daily_usage d
        ON d.source = k.source AND d.date >= k.month AND d.date < (k.month + INTERVAL '1 month')::date
     GROUP BY d.source, k.month, d.model),
  gone AS (
    DELETE FROM model_monthly_usage m USING keys k
     WHERE m.source = k.source AND m.month = k.month
       AND NOT EXISTS (SELECT FROM sums s WHERE s.source = m.source AND s.month = m.month AND s.model = m.model))
  INSERT INTO model_monthly_usage AS m (source, month, model, input_tokens, output_tokens, cache_creation_tokens,
                                        cache_read_tokens, total_tokens, cost_usd, request_count, updated_at)
  SELECT * FROM sums
  ON CONFLICT (source, month, model) DO UPDATE SET
    input_tokens = excluded.input_tokens, output_tokens = excluded.output_tokens,
    cache_creation_tokens = excluded.cache_creation_tokens, cache_read_tokens = excluded.cache_read_tokens,
    total_tokens = excluded.total_tokens, cost_usd = excluded.cost_usd, request_count = excluded.request_count,
    updated_at = excluded.updated_at;
  RETURN NULL;
END
$$;
-- As in 005 and 006: a fixed search_path, pg_temp last, so that a writer's temporary tables named
-- like these cannot stand in for them in a function running as the owner.
DO $$
BEGIN
  EXECUTE format('ALTER FUNCTION refresh_model_monthly_usage() SET search_path = %I, pg_temp', current_schema());
END
$$;

CREATE TRIGGER model_monthly_usage_insert AFTER INSERT ON model_daily_usage
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION refresh_model_monthly_usage();
CREATE TRIGGER model_monthly_usage_update AFTER UPDATE ON model_daily_usage
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION refresh_model_monthly_usage();
CREATE TRIGGER model_monthly_usage_delete AFTER DELETE ON model_daily_usage
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION refresh_model_monthly_usage();
CREATE TRIGGER model_monthly_usage_truncate AFTER TRUNCATE ON model_daily_usage
  FOR EACH STATEMENT EXECUTE FUNCTION refresh_model_monthly_usage();

-- The rows of the existing history (as the owner: row-level security does not apply to it).
INSERT INTO model_monthly_usage (source, month, model, input_tokens, output_tokens, cache_creation_tokens,
                                 cache_read_tokens, total_tokens, cost_usd, request_count, updated_at)
SELECT source, date_trunc('month', date)::date, model, sum(input_tokens), sum(output_tokens),
       sum(cache_creation_tokens), sum(cache_read_tokens), sum(total_tokens), sum(cost_usd), sum(request_count),
       max(updated_at)
  FROM model_daily_usage
 GROUP BY 1, 2, 3;

-- Whoever may read or write model_daily_usage may do the same here, under the policies below: its
-- privileges, for every role but the owner (roles.sql grants the same).
DO $$
DECLARE
  entry RECORD;
BEGIN
  FOR entry IN
    SELECT a.grantee, a.privilege_type, a.is_grantable
    FROM pg_class c, aclexplode(c.relacl) a
    WHERE c.oid = 'model_daily_usage'::regclass AND a.grantee <> c.relowner
      AND a.privilege_type IN ('SELECT', 'INSERT', 'UPDATE', 'DELETE')
  LOOP
    EXECUTE format('GRANT %s ON model_monthly_usage TO %s%s', entry.privilege_type,
                   CASE WHEN entry.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(entry.grantee::regrole::text) END,
                   CASE WHEN entry.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);
  END LOOP;
END
$$;

-- Row-level security: the same four policies as 005_row_security.sql gives every table with a
-- `source` column.
DO $$
DECLARE
  mine CONSTANT TEXT :=
    'source IN (SELECT o.source FROM source_owners o WHERE pg_has_role(o.owner, ''MEMBER''))';
  admin CONSTANT TEXT := '(SELECT current_role_is_member_of(''claude_usage_admin''))';
  reads_all CONSTANT TEXT :=
    '(SELECT current_role_is_member_of(''claude_usage_reader'') OR current_role_is_member_of(''claude_usage_admin''))';
  may_write CONSTANT TEXT := format('%s OR %s OR claim_source(source)', admin, mine);
BEGIN
  ALTER TABLE model_monthly_usage ENABLE ROW LEVEL SECURITY;
  EXECUTE format('CREATE POLICY read_rows ON model_monthly_usage FOR SELECT USING (%s OR %s)', reads_all, mine);
  EXECUTE format('CREATE POLICY insert_rows ON model_monthly_usage FOR INSERT WITH CHECK (%s)', may_write);
  EXECUTE format('CREATE POLICY update_rows ON model_monthly_usage FOR UPDATE USING (%s OR %s) WITH CHECK (%s)',
                 admin, mine, may_write);
  EXECUTE format('CREATE POLICY delete_rows ON model_monthly_usage FOR DELETE USING (%s OR %s)', admin, mine);
END
$$;

ANALYZE model_monthly_usage;
