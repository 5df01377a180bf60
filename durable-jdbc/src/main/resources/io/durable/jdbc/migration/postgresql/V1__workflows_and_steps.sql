-- durable schema, version 1: executors, workflows and their step journal.
-- ${schema} is replaced by the configured schema name (default: durable).

CREATE TABLE ${schema}.executors (
    id            text        PRIMARY KEY,
    incarnation   text        NOT NULL,
    host          text        NOT NULL,
    pid           bigint      NOT NULL,
    started_at    timestamptz NOT NULL DEFAULT now(),
    heartbeat_at  timestamptz NOT NULL DEFAULT now(),
    stopped_at    timestamptz
);

CREATE TABLE ${schema}.workflows (
    id                 text        PRIMARY KEY,
    name               text        NOT NULL,
    status             text        NOT NULL CHECK (status IN ('PENDING', 'SUCCEEDED', 'FAILED')),
    inputs             text,
    output             text,
    error              text,
    owner              text        NOT NULL,
    epoch              bigint      NOT NULL DEFAULT 1,
    recovery_attempts  integer     NOT NULL DEFAULT 0,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    completed_at       timestamptz
);

-- Recovery looks up an executor's unfinished workflows; the partial index stays small. Its predicate
-- is completed_at IS NULL (set together with the final status) rather than status = 'PENDING', so
-- the fenced checkpoint writes, which test status = 'PENDING' by id, can never be planned on it: on
-- a table without statistics yet, that plan scanned every pending workflow of the executor per write.
CREATE INDEX workflows_unfinished_by_owner ON ${schema}.workflows (owner, name) WHERE completed_at IS NULL;
CREATE INDEX workflows_created_at ON ${schema}.workflows (created_at);

CREATE TABLE ${schema}.steps (
    workflow_id   text        NOT NULL,
    position      integer     NOT NULL CHECK (position > 0),
    name          text        NOT NULL,
    status        text        NOT NULL CHECK (status IN ('SUCCEEDED', 'FAILED')),
    output        text,
    error         text,
    attempts      integer     NOT NULL,
    started_at    timestamptz NOT NULL,
    completed_at  timestamptz NOT NULL,
    PRIMARY KEY (workflow_id, position)
);
