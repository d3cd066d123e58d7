-- claude-usaged SQLite schema, version 14: the indexes of usage_events no longer begin with the
-- source, which every event of a database shares (but after an identity change that kept the old
-- rows), so that a bulk load, which builds them at its end by sorting every event, compares what
-- tells events apart (docs/BENCHMARKS.md: the closing refresh of a 500 MB backfill 0.15 → 0.10 s,
-- of a 5 GB one ~1.2 → 0.83 s).
--
-- - usage_events_time is (timestamp, the figures it covers, source); the queries by time write
--   `+source` (sqlite_sql.h), checked in the index.
-- - The two lookups of events by text go through integer keys: `message_key` stands for
--   message_id and `session_key` for (project, session_id) (lib/store/event_keys.h: XXH3-64 of
--   their bytes, never to change). usage_events_message and usage_events_session are (key,
--   source), half their size as texts. Every query also compares the texts: two texts may share a
--   key.
--
-- Added columns rather than a rebuilt table: on 444,247 events (a 234 MB database) this takes
-- about 2 s and the file keeps its size, where copying the table took 3.5 s and left 156 MB of free
-- pages in the file. The default is for the existing rows, which the UPDATE then keys, and for
-- those an older program would insert, which the next open keys (sqlite_sql.h,
-- kKeyUnkeyedEvents); this program's inserts give both keys (kInsertEvent). cu_message_key and cu_session_key are
-- event_keys.h's functions, which the program defines on its connection before it migrates. The
-- index definitions are also in sqlite_sql.h (kCreateEventIndexes), which builds them after a
-- bulk load.

DROP INDEX IF EXISTS usage_events_time;
DROP INDEX IF EXISTS usage_events_session;
DROP INDEX IF EXISTS usage_events_message;
ALTER TABLE usage_events ADD COLUMN message_key INTEGER NOT NULL DEFAULT 0;
ALTER TABLE usage_events ADD COLUMN session_key INTEGER NOT NULL DEFAULT 0;
UPDATE usage_events SET message_key = cu_message_key(message_id),
                        session_key = cu_session_key(project, session_id);
CREATE INDEX usage_events_time ON usage_events (timestamp, cost_usd, input_tokens, output_tokens,
                                                cache_creation_tokens, cache_read_tokens, source);
CREATE INDEX usage_events_session ON usage_events (session_key, source);
CREATE INDEX usage_events_message ON usage_events (message_key, source);
