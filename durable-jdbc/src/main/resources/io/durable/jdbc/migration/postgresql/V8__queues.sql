-- durable schema, version 8: durable queues.
--
-- An enqueued workflow is a workflows row in status ENQUEUED without an owner. A dequeue turns it
-- PENDING under the dequeuing executor (epoch + 1, dequeued_at set) and it runs like any workflow.
-- "Running" for a queue's limits means dequeued and unfinished: PENDING with a queue_name.
ALTER TABLE ${schema}.workflows DROP CONSTRAINT workflows_status_check;
ALTER TABLE ${schema}.workflows ADD CONSTRAINT workflows_status_check
    CHECK (status IN ('ENQUEUED', 'PENDING', 'SUCCEEDED', 'FAILED', 'CANCELLED', 'TIMED_OUT', 'DEAD_LETTER'));

-- ENQUEUED rows belong to no executor until one dequeues them.
ALTER TABLE ${schema}.workflows ALTER COLUMN owner DROP NOT NULL;

-- FIFO tie-break within a priority: taken from this sequence at enqueue (and at a re-enqueue by resume).
CREATE SEQUENCE ${schema}.workflows_queue_order;

ALTER TABLE ${schema}.workflows
    -- The queue the workflow was enqueued on; NULL for a workflow started directly.
    ADD COLUMN queue_name       text COLLATE "C",
    -- Lower is dequeued first; set for queued workflows only.
    ADD COLUMN priority         integer,
    -- Concurrency and rate limits apply per partition key; NULL rows form one partition.
    ADD COLUMN partition_key    text COLLATE "C",
    -- At most one ENQUEUED or PENDING workflow per (queue_name, deduplication_id).
    ADD COLUMN deduplication_id text COLLATE "C",
    ADD COLUMN queue_order      bigint,
    -- Not dequeued before this instant (database clock); NULL: no delay.
    ADD COLUMN not_before       timestamptz,
    -- When an executor dequeued it; the rate limit counts these within its period.
    ADD COLUMN dequeued_at      timestamptz;

-- Every index below is partial or starts with queue_name, so workflows started directly do not pay
-- for them. None of their predicates is implied by the fenced checkpoint writes (id = ? AND owner = ?
-- AND epoch = ? AND status = 'PENDING'), which therefore stay on the primary key.

-- The dequeue's candidate scan: ready rows of a queue in priority, then FIFO order.
CREATE INDEX workflows_queue_ready ON ${schema}.workflows (queue_name, priority, queue_order)
    WHERE status = 'ENQUEUED';

-- The earliest delayed row of a queue, to schedule the dispatcher's next wake-up. Only delayed rows.
CREATE INDEX workflows_queue_delayed ON ${schema}.workflows (queue_name, not_before)
    WHERE status = 'ENQUEUED' AND not_before IS NOT NULL;

-- The running count per queue and partition (global limit) and per owner (per-instance limit).
CREATE INDEX workflows_queue_running ON ${schema}.workflows (queue_name, partition_key, owner)
    WHERE status = 'PENDING' AND queue_name IS NOT NULL;

-- Starts within a rate limit's period.
CREATE INDEX workflows_queue_dequeued ON ${schema}.workflows (queue_name, dequeued_at)
    WHERE dequeued_at IS NOT NULL;

-- Deduplication: a second active workflow with the same (queue, deduplication ID) is refused (23505).
CREATE UNIQUE INDEX workflows_queue_deduplication ON ${schema}.workflows (queue_name, deduplication_id)
    WHERE deduplication_id IS NOT NULL AND status IN ('ENQUEUED', 'PENDING');

-- Management listing by queue (WorkflowQuery.queue), newest first like the V5 indexes.
CREATE INDEX workflows_by_queue ON ${schema}.workflows (queue_name, created_at DESC, id DESC)
    WHERE queue_name IS NOT NULL;

-- One row per queue, used only as a lock: dequeuers of a queue with a global concurrency or rate
-- limit serialize on SELECT ... FOR UPDATE of its row, so two executors cannot both see 9 of 10
-- running and take one each. Queues without global limits never lock it (SKIP LOCKED suffices).
CREATE TABLE ${schema}.queues (
    name        text COLLATE "C" PRIMARY KEY,
    created_at  timestamptz NOT NULL DEFAULT now()
);
