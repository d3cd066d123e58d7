-- claude-usaged SQLite schema, version 9: Claude Code's official rate-limit readings (SPEC §11),
-- as the statusline hook reports them, at most one row per source, window and minute: a later
-- capture in the same minute replaces the row, an earlier one is ignored (Store::record_rate_limits).
--
-- ship_outbox (schema/sqlite/003) gains kind 6, a rate-limit snapshot key: path is its window,
-- event_id its minute. The shipper sends the row's current state, like an event's.
CREATE TABLE rate_limit_snapshots (
  source          TEXT    NOT NULL,
  window          TEXT    NOT NULL,  -- 'five_hour' | 'seven_day'
  minute          INTEGER NOT NULL,  -- Unix minute of captured_at (rate_limit_minute)
  captured_at     TEXT    NOT NULL,  -- YYYY-MM-DDTHH:MM:SS.sssZ: when the statusline request arrived
  used_percentage REAL    NOT NULL,  -- 0 … 100 (a little over when Claude Code says so)
  resets_at       TEXT    NOT NULL,  -- YYYY-MM-DDTHH:MM:SS.sssZ: the end of this instance of the window
  PRIMARY KEY (source, window, minute)
);
-- The snapshots of one instance of a window (same resets_at) in capture order, from the index
-- alone (a 7-day instance of a busy week holds thousands). The primary key
-- serves the newest of each window and time ranges (minute follows captured_at).
CREATE INDEX rate_limit_snapshots_instance ON rate_limit_snapshots (source, window, resets_at, captured_at,
                                                            used_percentage);
