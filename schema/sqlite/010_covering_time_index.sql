-- claude-usaged SQLite schema, version 10: usage_events_time also holds each event's cost and
-- token counts, so that the limit estimates (SPEC §11) sum a heavy week of events from the index
-- alone: `claude-usagectl limits` read 12,000 events of a 7-day window in 19 ms through the table,
-- 12 ms through this index (docs/BENCHMARKS.md). Every query that used (source, timestamp) still
-- does: it is this index's prefix. The definition is also in sqlite_sql.h (kCreateEventIndexes),
-- which builds it after a bulk load.
DROP INDEX IF EXISTS usage_events_time;
CREATE INDEX usage_events_time ON usage_events (source, timestamp, cost_usd, input_tokens, output_tokens,
                                                cache_creation_tokens, cache_read_tokens);
