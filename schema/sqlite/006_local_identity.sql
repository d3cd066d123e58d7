-- claude-usaged SQLite schema, version 6: whose database this is. The identity (SPEC §7 `source`)
-- the database was last opened for writing under; opened under another one, it re-labels the
-- rows of this identity to the new one (SqliteStore::adopt_identity). A database from before this
-- table is the one source its rows carry, when they carry one.
CREATE TABLE local_identity (
  id       INTEGER PRIMARY KEY CHECK (id = 1),
  identity TEXT    NOT NULL
);
