-- claude-usaged SQLite schema, version 14: the two lookups of events by text go through integer
-- keys. `message_key` stands for message_id and `session_key` for (project, session_id)
-- (lib/store/event_keys.h: XXH3-64 of their bytes, never to change); usage_events_message and
-- usage_events_session index the key, then the source, instead of the source and the texts. A
-- bulk load builds these indexes at its end, sorting every event by its key: comparing an integer
-- first instead of the source and then a 30- to 120-byte text made those two builds about twice
-- as fast and the indexes half the size (docs/BENCHMARKS.md). Every query also compares the
-- texts: two texts may share a key.
--
-- Added columns rather than a rebuilt table: on a year of a heavy user's events (444,247, a
-- 234 MB database) this takes 1.9 s and the file keeps its size, where copying the table took
-- 3.5 s and left 156 MB of free pages in the file. The default is only for the existing rows,
-- which the UPDATE then keys; every insert gives both keys (sqlite_sql.h, kInsertEvent).
-- cu_message_key and cu_session_key are event_keys.h's functions, which the program defines on
-- its connection before it migrates. The index definitions are also in sqlite_sql.h
-- (kCreateEventIndexes), which builds them after a bulk load.

DROP INDEX IF EXISTS usage_events_session;
DROP INDEX IF EXISTS usage_events_message;
ALTER TABLE usage_events ADD COLUMN message_key INTEGER NOT NULL DEFAULT 0;
ALTER TABLE usage_events ADD COLUMN session_key INTEGER NOT NULL DEFAULT 0;
UPDATE usage_events SET message_key = cu_message_key(message_id),
                        session_key = cu_session_key(project, session_id);
CREATE INDEX usage_events_session ON usage_events (session_key, source);
CREATE INDEX usage_events_message ON usage_events (message_key, source);
