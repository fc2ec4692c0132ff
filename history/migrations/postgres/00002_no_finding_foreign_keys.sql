-- The findings' and events' references are kept by the writer (one
-- transaction per run, prune deletes events, then findings, then runs no
-- row refers to), not by foreign keys: their per-row checks were about
-- 70 % of a first run's insert time (23,000 new findings with their
-- events: 1.5 s with them, 0.5 s without, on the test server). The run
-- parts and tenant rows keep theirs (a few rows a run).
-- +goose Up
ALTER TABLE finding_events
    DROP CONSTRAINT finding_events_fingerprint_fkey,
    DROP CONSTRAINT finding_events_run_seq_fkey;
ALTER TABLE findings
    DROP CONSTRAINT findings_first_seen_run_fkey,
    DROP CONSTRAINT findings_opened_run_fkey,
    DROP CONSTRAINT findings_last_seen_run_fkey,
    DROP CONSTRAINT findings_resolved_run_fkey,
    DROP CONSTRAINT findings_reopened_run_fkey;

-- +goose Down
ALTER TABLE findings
    ADD CONSTRAINT findings_first_seen_run_fkey FOREIGN KEY (first_seen_run) REFERENCES runs (seq),
    ADD CONSTRAINT findings_opened_run_fkey FOREIGN KEY (opened_run) REFERENCES runs (seq),
    ADD CONSTRAINT findings_last_seen_run_fkey FOREIGN KEY (last_seen_run) REFERENCES runs (seq),
    ADD CONSTRAINT findings_resolved_run_fkey FOREIGN KEY (resolved_run) REFERENCES runs (seq),
    ADD CONSTRAINT findings_reopened_run_fkey FOREIGN KEY (reopened_run) REFERENCES runs (seq);
ALTER TABLE finding_events
    ADD CONSTRAINT finding_events_fingerprint_fkey FOREIGN KEY (fingerprint) REFERENCES findings (fingerprint) ON DELETE CASCADE,
    ADD CONSTRAINT finding_events_run_seq_fkey FOREIGN KEY (run_seq) REFERENCES runs (seq) ON DELETE CASCADE;
