-- durable schema for the embedded SQLite store, version 1: the same tables and columns as the
-- PostgreSQL schema at its version 8, in one migration. SQLite has no schemas, so ${prefix} (the
-- configured schema name and an underscore, default durable_) starts every table name.
-- Instants are INTEGER microseconds since the epoch (UTC), defaulting to the time of the insert
-- (durable always sets them; the defaults serve rows an operator inserts by hand); text compares byte by byte (BINARY),
-- as the PostgreSQL columns with COLLATE "C" do.

CREATE TABLE ${prefix}executors (
    id                TEXT    PRIMARY KEY,
    incarnation       TEXT    NOT NULL,
    host              TEXT    NOT NULL,
    pid               INTEGER NOT NULL,
    application       TEXT    NOT NULL DEFAULT 'default',
    started_at        INTEGER NOT NULL DEFAULT (CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)),
    heartbeat_at      INTEGER NOT NULL DEFAULT (CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)),
    lease_expires_at  INTEGER NOT NULL,
    stopped_at        INTEGER
);

CREATE TABLE ${prefix}workflows (
    id                 TEXT    PRIMARY KEY,
    name               TEXT    NOT NULL,
    status             TEXT    NOT NULL CHECK (status IN ('ENQUEUED', 'PENDING', 'SUCCEEDED', 'FAILED', 'CANCELLED',
                                                          'TIMED_OUT', 'DEAD_LETTER')),
    inputs             TEXT,
    output             TEXT,
    error              TEXT,
    owner              TEXT,
    epoch              INTEGER NOT NULL DEFAULT 1,
    recovery_attempts  INTEGER NOT NULL DEFAULT 0,
    created_at         INTEGER NOT NULL DEFAULT (CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)),
    updated_at         INTEGER NOT NULL DEFAULT (CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)),
    completed_at       INTEGER,
    -- What the workflow waits for while wait_kind is set; wait_position and wake_at stay after the
    -- wait ends, so a replay reaching the same wait finds its original deadline.
    wait_kind          TEXT CHECK (wait_kind IN ('recv', 'sleep', 'event', 'child')),
    wait_topic         TEXT,
    wait_target        TEXT,
    wait_position      INTEGER,
    wake_at            INTEGER,
    -- The child workflow IDs a 'child' wait is for, one per line.
    wait_children      TEXT,
    parent_id          TEXT,
    parent_position    INTEGER,
    deadline_at        INTEGER,
    forked_from        TEXT,
    fork_position      INTEGER,
    -- Queue columns: present so that rows and listings look the same on both stores; queues
    -- themselves need PostgreSQL, so they stay NULL here.
    queue_name         TEXT,
    priority           INTEGER,
    partition_key      TEXT,
    deduplication_id   TEXT,
    queue_order        INTEGER,
    not_before         INTEGER,
    dequeued_at        INTEGER
);

CREATE INDEX ${prefix}workflows_unfinished_by_owner ON ${prefix}workflows (owner, name) WHERE completed_at IS NULL;
CREATE INDEX ${prefix}workflows_waiting_by_owner ON ${prefix}workflows (owner, wake_at) WHERE wait_kind IS NOT NULL;
CREATE INDEX ${prefix}workflows_created_at_id ON ${prefix}workflows (created_at DESC, id DESC);
CREATE INDEX ${prefix}workflows_by_status ON ${prefix}workflows (status, created_at DESC, id DESC);
CREATE INDEX ${prefix}workflows_by_name_status ON ${prefix}workflows (name, status, created_at DESC, id DESC);
CREATE INDEX ${prefix}workflows_by_parent ON ${prefix}workflows (parent_id, created_at DESC, id DESC)
    WHERE parent_id IS NOT NULL;

CREATE TABLE ${prefix}steps (
    workflow_id        TEXT    NOT NULL,
    position           INTEGER NOT NULL CHECK (position > 0),
    name               TEXT    NOT NULL,
    status             TEXT    NOT NULL CHECK (status IN ('SUCCEEDED', 'FAILED')),
    output             TEXT,
    error              TEXT,
    attempts           INTEGER NOT NULL,
    started_at         INTEGER NOT NULL,
    completed_at       INTEGER NOT NULL,
    child_workflow_id  TEXT,
    PRIMARY KEY (workflow_id, position)
) WITHOUT ROWID;

-- Consumed messages are kept (consumed_at, consumed_position) as the record of what each recv received.
CREATE TABLE ${prefix}messages (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    destination        TEXT    NOT NULL,
    topic              TEXT    NOT NULL,
    payload            TEXT    NOT NULL,
    idempotency_key    TEXT    NOT NULL,
    sent_at            INTEGER NOT NULL DEFAULT (CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)),
    consumed_at        INTEGER,
    consumed_position  INTEGER
);

CREATE UNIQUE INDEX ${prefix}messages_idempotency ON ${prefix}messages (destination, idempotency_key);
CREATE INDEX ${prefix}messages_unconsumed ON ${prefix}messages (destination, topic, id) WHERE consumed_at IS NULL;

-- Every value a workflow published under a key; the one with the highest position is current.
CREATE TABLE ${prefix}events (
    workflow_id  TEXT    NOT NULL,
    key          TEXT    NOT NULL,
    position     INTEGER NOT NULL,
    value        TEXT    NOT NULL,
    set_at       INTEGER NOT NULL DEFAULT (CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)),
    PRIMARY KEY (workflow_id, key, position)
) WITHOUT ROWID;
