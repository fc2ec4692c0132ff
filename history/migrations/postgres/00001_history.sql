-- +goose Up
-- One row per run; shards of one job share run_id and so one row.
CREATE TABLE runs (
    seq     BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_id  TEXT NOT NULL UNIQUE,
    at      TIMESTAMPTZ NOT NULL
);

-- One row per shard of a run (1/1 when not sharded).
CREATE TABLE run_parts (
    run_seq      BIGINT NOT NULL REFERENCES runs (seq) ON DELETE CASCADE,
    shard_index  INTEGER NOT NULL,
    shard_count  INTEGER NOT NULL,
    started_at   TIMESTAMPTZ NOT NULL,
    finished_at  TIMESTAMPTZ NOT NULL,
    tool_version TEXT NOT NULL,
    policy_hash  TEXT NOT NULL,
    data_hash    TEXT NOT NULL,
    parameters   TEXT NOT NULL,
    exit_code    INTEGER NOT NULL,
    PRIMARY KEY (run_seq, shard_index)
);

-- One row per tenant per run.
CREATE TABLE tenant_runs (
    run_seq      BIGINT NOT NULL REFERENCES runs (seq) ON DELETE CASCADE,
    tenant_id    TEXT NOT NULL,
    snapshot     TEXT NOT NULL,
    display_name TEXT NOT NULL,
    status       TEXT NOT NULL,
    ready        BOOLEAN NOT NULL,
    blocking     TEXT NOT NULL,
    exported_at  TEXT NOT NULL,
    error        TEXT,
    critical     INTEGER NOT NULL,
    high         INTEGER NOT NULL,
    medium       INTEGER NOT NULL,
    low          INTEGER NOT NULL,
    waived       INTEGER NOT NULL,
    changes      INTEGER NOT NULL,
    PRIMARY KEY (run_seq, tenant_id, snapshot)
);
CREATE INDEX tenant_runs_tenant ON tenant_runs (tenant_id, run_seq);

-- The current state of every finding ever seen, keyed by its fingerprint;
-- a row changes only when the finding does.
CREATE TABLE findings (
    fingerprint    TEXT PRIMARY KEY,
    tenant_id      TEXT NOT NULL,
    control_id     TEXT NOT NULL,
    resource_kind  TEXT NOT NULL,
    resource_id    TEXT NOT NULL,
    severity       TEXT NOT NULL,
    warning        BOOLEAN NOT NULL,
    message        TEXT NOT NULL,
    state          TEXT NOT NULL,
    first_seen_run BIGINT NOT NULL REFERENCES runs (seq),
    opened_run     BIGINT NOT NULL REFERENCES runs (seq),
    last_seen_run  BIGINT REFERENCES runs (seq),
    resolved_run   BIGINT REFERENCES runs (seq),
    reopened_run   BIGINT REFERENCES runs (seq),
    waiver         TEXT,
    waiver_owner   TEXT,
    waiver_reason  TEXT,
    waiver_expires TEXT
);
CREATE INDEX findings_tenant ON findings (tenant_id);

-- Every change of a finding: new, resolved, recurred, waived, reopened.
CREATE TABLE finding_events (
    fingerprint    TEXT NOT NULL REFERENCES findings (fingerprint) ON DELETE CASCADE,
    run_seq        BIGINT NOT NULL REFERENCES runs (seq) ON DELETE CASCADE,
    event          TEXT NOT NULL,
    state          TEXT NOT NULL,
    waiver         TEXT,
    waiver_expires TEXT,
    PRIMARY KEY (fingerprint, run_seq)
);
CREATE INDEX finding_events_run ON finding_events (run_seq);

-- +goose Down
DROP TABLE finding_events;
DROP TABLE findings;
DROP TABLE tenant_runs;
DROP TABLE run_parts;
DROP TABLE runs;
