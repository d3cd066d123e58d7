-- claude-usaged SQLite schema, version 11: usage_events by message id again. Since the dedup index
-- holds only a fingerprint of each stored message id, a copy of a stored message (a resumed
-- session replays its history into a new transcript) is settled by reading that id's kept events
-- (sqlite_sql.h, kIdentitiesOfMessage); without this index each such read scanned every event of
-- the source (version 5 had dropped the first index of this kind when nothing read through it).
-- The definition is also in sqlite_sql.h (kCreateEventIndexes), which builds it after a bulk load.
CREATE INDEX IF NOT EXISTS usage_events_message ON usage_events (source, message_id);
