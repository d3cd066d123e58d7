-- claude-usaged SQLite schema, version 7: the models without a price that were warned about
-- (SPEC §5, §9), so that each is warned once across restarts and listed in status until a price
-- for it (pricing.overrides, pricing.file, a new built-in table) re-prices its events.
CREATE TABLE unknown_models (
  source    TEXT NOT NULL,
  model     TEXT NOT NULL,  -- as logged
  warned_at TEXT NOT NULL,
  PRIMARY KEY (source, model)
);
