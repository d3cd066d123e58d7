-- claude-usaged SQLite schema, version 3: the outbox that makes the local database the durable
-- queue of everything still to be shipped to PostgreSQL (docs/ARCHITECTURE.md, "PostgreSQL").

-- Whether commits of a source append to ship_outbox, and the random identity of this database's
-- stream of outbox rows for that source. PostgreSQL records the last shipped seq per source
-- together with this origin, so a different database shipping under the same source is detected
-- instead of having its seqs mistaken for already shipped ones.
CREATE TABLE ship_state (
  source  TEXT    NOT NULL PRIMARY KEY,
  origin  TEXT    NOT NULL,
  enabled INTEGER NOT NULL
);

-- Keys whose PostgreSQL copy is behind, in commit order. A row names what changed, not how: the
-- shipper sends the current local state of every key a run of rows touched, so an event inserted
-- and removed again before shipping is simply absent, and replaying rows changes nothing.
CREATE TABLE ship_outbox (
  seq      INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused, also after the rows are deleted
  source   TEXT    NOT NULL,
  kind     INTEGER NOT NULL,  -- 1 event, 2 checkpoint, 3 resync (all events follow), 4 rebuild rollups
  event_id INTEGER,           -- kind 1
  path     TEXT               -- kind 2
);
