-- Deduplication runs in memory (lib/ingest/dedup_index) and no statement looks events up by
-- message id, so this index only cost a random-order B-tree insert per stored event.
DROP INDEX IF EXISTS usage_events_message;
