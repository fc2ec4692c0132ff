-- Version 3: a finding's first sight is kept in its own row (the state,
-- waiver and expiry it had then), not as a "new" row of finding_events:
-- a first run wrote every finding twice. The view finding_changes gives
-- every change, "new" ones included, as finding_events did.
-- +goose Up
ALTER TABLE findings
    ADD COLUMN first_state TEXT,
    ADD COLUMN first_waiver TEXT,
    ADD COLUMN first_waiver_expires TEXT;
UPDATE findings f SET first_state = e.state, first_waiver = e.waiver, first_waiver_expires = e.waiver_expires
FROM finding_events e WHERE e.fingerprint = f.fingerprint AND e.event = 'new';
UPDATE findings SET first_state = 'open' WHERE first_state IS NULL;
DELETE FROM finding_events WHERE event = 'new';
CREATE VIEW finding_changes AS
SELECT fingerprint, run_seq, event, state, waiver, waiver_expires FROM finding_events
UNION ALL
SELECT fingerprint, first_seen_run, 'new', first_state, first_waiver, first_waiver_expires FROM findings;

-- +goose Down
DROP VIEW finding_changes;
INSERT INTO finding_events (fingerprint, run_seq, event, state, waiver, waiver_expires)
SELECT fingerprint, first_seen_run, 'new', first_state, first_waiver, first_waiver_expires FROM findings;
ALTER TABLE findings
    DROP COLUMN first_waiver_expires,
    DROP COLUMN first_waiver,
    DROP COLUMN first_state;
