-- Version 2 drops the findings' and events' foreign keys on PostgreSQL,
-- where their per-row checks dominated a first run's inserts. SQLite
-- keeps them (its checks are in-process index lookups, and SQLite cannot
-- drop a constraint without rebuilding the table): nothing to do here,
-- but both dialects stay at one schema version.
-- +goose Up
SELECT 1;

-- +goose Down
SELECT 1;
