-- claude-usaged SQLite schema, version 4: the settings the derived tables were computed with
-- (time zone, block length), so that a change between two runs rebuilds them.
CREATE TABLE rollup_settings (
  source TEXT NOT NULL,
  key    TEXT NOT NULL,
  value  TEXT NOT NULL,
  PRIMARY KEY (source, key)
);
