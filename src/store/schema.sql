-- handoff's embedded store. Times are UTC milliseconds since the epoch so they
-- sort and compare as integers.

CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- One row per handoff: index columns for the queue, the cleaned record as JSON
-- for the detail view, and the raw imported text for audit.
CREATE TABLE IF NOT EXISTS handoffs (
    id           TEXT PRIMARY KEY,
    escalated_at INTEGER NOT NULL,
    status       TEXT NOT NULL,
    priority     TEXT NOT NULL,
    due_at       INTEGER,
    customer     TEXT NOT NULL,
    plan         TEXT,
    vip          INTEGER NOT NULL DEFAULT 0,
    at_risk      INTEGER NOT NULL DEFAULT 0,
    issue        TEXT,
    team         TEXT,
    skills       TEXT NOT NULL DEFAULT '[]',
    language     TEXT,
    assignee     TEXT,
    confidence   REAL,
    trigger      TEXT,
    procedure    TEXT,
    procedure_version TEXT,
    completeness INTEGER NOT NULL,
    -- The first agent message of the transcript at or after escalated_at
    -- (RFC 3339, full precision), for first-response metrics without
    -- reading the body. Stores older than this column get it in migrate.rs,
    -- which also creates the index covering every column metrics read.
    first_agent_message_at TEXT,
    -- The change number of the last write to this row or its verdict, so a
    -- running workspace can load only what other processes changed (see
    -- changes.rs; its index is created in migrate.rs, as above).
    change_seq   INTEGER NOT NULL DEFAULT 0,
    body         TEXT NOT NULL,
    raw          TEXT NOT NULL,
    imported_at  INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS handoffs_assignee ON handoffs (assignee, status);
CREATE INDEX IF NOT EXISTS handoffs_team ON handoffs (team, status);

-- The verdict in force per handoff: this workspace's own (`source` =
-- 'local'), else the latest one the helpdesk holds (`source` = its name;
-- see remote_feedback). Older stores get `source` in migrate.rs.
CREATE TABLE IF NOT EXISTS feedback (
    handoff_id TEXT PRIMARY KEY REFERENCES handoffs (id),
    verdict    TEXT NOT NULL,
    reasons    TEXT NOT NULL DEFAULT '[]',
    note       TEXT,
    agent      TEXT NOT NULL,
    at         INTEGER NOT NULL,
    source     TEXT NOT NULL DEFAULT 'local'
);

-- Verdicts a helpdesk holds on a mirrored handoff, one per author as the
-- helpdesk names them (teammates' included), read back at every sync.
CREATE TABLE IF NOT EXISTS remote_feedback (
    handoff_id TEXT NOT NULL,
    agent      TEXT NOT NULL,
    verdict    TEXT NOT NULL,
    reasons    TEXT NOT NULL DEFAULT '[]',
    note       TEXT,
    at         INTEGER NOT NULL,
    PRIMARY KEY (handoff_id, agent)
);

-- Append-only log of everything an agent did, in order. Metrics and audits
-- read it; nothing rewrites it.
CREATE TABLE IF NOT EXISTS activity (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    handoff_id TEXT NOT NULL,
    agent      TEXT NOT NULL,
    kind       TEXT NOT NULL,
    detail     TEXT NOT NULL,
    at         INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS activity_handoff ON activity (handoff_id, seq);

-- Changes a remote destination (helpdesk, webhook) has not acknowledged yet.
-- Written in the same transaction as the change itself.
CREATE TABLE IF NOT EXISTS outbox (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    idempotency_key TEXT NOT NULL UNIQUE,
    destination     TEXT NOT NULL,
    handoff_id      TEXT NOT NULL,
    kind            TEXT NOT NULL,
    payload         TEXT NOT NULL,
    state           TEXT NOT NULL DEFAULT 'pending',
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error      TEXT,
    created_at      INTEGER NOT NULL,
    -- When the destination acknowledged it (older stores: migrate.rs).
    sent_at         INTEGER
);
CREATE INDEX IF NOT EXISTS outbox_pending ON outbox (state, next_attempt_at);
-- Per-handoff ordering: "is an earlier event for this handoff unsent?"
CREATE INDEX IF NOT EXISTS outbox_handoff ON outbox (handoff_id, destination, seq);

CREATE TABLE IF NOT EXISTS drafts (
    handoff_id TEXT NOT NULL,
    kind       TEXT NOT NULL,
    text       TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (handoff_id, kind)
);

CREATE TABLE IF NOT EXISTS agents (
    name      TEXT PRIMARY KEY,
    teams     TEXT NOT NULL,
    skills    TEXT NOT NULL,
    languages TEXT NOT NULL,
    capacity  INTEGER NOT NULL
);

-- Handoffs mirrored from a helpdesk: the remote version last written, so an
-- incremental sync skips conversations that did not change.
CREATE TABLE IF NOT EXISTS remote_versions (
    handoff_id  TEXT PRIMARY KEY,
    destination TEXT NOT NULL,
    version     TEXT NOT NULL,
    synced_at   INTEGER NOT NULL
);
