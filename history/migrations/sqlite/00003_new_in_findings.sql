-- Version 3: a finding's first sight is kept in its own row (the state,
-- waiver and expiry it had then), not as a "new" row of finding_events:
-- a first run wrote every finding twice (BenchmarkRecord sqlite/first:
-- 15-25 % faster without). The view finding_changes
-- gives every change, "new" ones included, as finding_events did.
-- +goose Up
ALTER TABLE findings ADD COLUMN first_state TEXT;
ALTER TABLE findings ADD COLUMN first_waiver TEXT;
ALTER TABLE findings ADD COLUMN first_waiver_expires TEXT;
UPDATE findings SET
    first_state = COALESCE((SELECT e.state FROM finding_events e WHERE e.fingerprint = findings.fingerprint AND e.event = 'new'), 'open'),
    first_waiver = (SELECT e.waiver FROM finding_events e WHERE e.fingerprint = findings.fingerprint AND e.event = 'new'),
    first_waiver_expires = (SELECT e.waiver_expires FROM finding_events e WHERE e.fingerprint = findings.fingerprint AND e.event = 'new');
DELETE FROM finding_events WHERE event = 'new';
CREATE VIEW finding_changes AS
SELECT fingerprint, run_seq, event, state, waiver, waiver_expires FROM finding_events
UNION ALL
SELECT fingerprint, first_seen_run, 'new', first_state, first_waiver, first_waiver_expires FROM findings;

-- +goose Down
DROP VIEW finding_changes;
INSERT INTO finding_events (fingerprint, run_seq, event, state, waiver, waiver_expires)
SELECT fingerprint, first_seen_run, 'new', first_state, first_waiver, first_waiver_expires FROM findings;
ALTER TABLE findings DROP COLUMN first_waiver_expires;
ALTER TABLE findings DROP COLUMN first_waiver;
ALTER TABLE findings DROP COLUMN first_state;
