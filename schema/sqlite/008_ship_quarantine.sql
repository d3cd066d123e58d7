-- claude-usaged SQLite schema, version 8: outbox rows PostgreSQL refused (docs/ARCHITECTURE.md,
-- "Quarantine"). A row whose data PostgreSQL rejects (SQLSTATE class 22 or 23: a value out of
-- range, a constraint) would fail every retry and hold back everything behind it; the shipper
-- moves it here, with the event it named as it was then and PostgreSQL's error, and goes on.
-- Nothing reads these rows back into the outbox: they are kept for the user to inspect.
CREATE TABLE ship_quarantine (
  seq            INTEGER NOT NULL PRIMARY KEY,  -- the outbox row's seq
  source         TEXT    NOT NULL,
  kind           INTEGER NOT NULL,  -- as in ship_outbox
  event_id       INTEGER,           -- kind 1
  path           TEXT,              -- kind 2
  file           TEXT,              -- kind 1: the event's file, line offset and model when quarantined
  line_offset    INTEGER,
  model          TEXT,
  error          TEXT    NOT NULL,  -- PostgreSQL's message
  quarantined_at TEXT    NOT NULL   -- YYYY-MM-DDTHH:MM:SS.sssZ
);
CREATE INDEX ship_quarantine_source ON ship_quarantine (source);
