-- durable schema, version 4: child workflows, deadlines, cancellation, dead letters and forks.

-- CANCELLED: stopped by durable.cancel(). TIMED_OUT: its deadline passed. DEAD_LETTER: its process
-- crashed more often than maxRecoveryAttempts allows, so recovery stopped retrying it. All three can
-- be resumed (durable.resume), which sets the row back to PENDING.
ALTER TABLE ${schema}.workflows DROP CONSTRAINT workflows_status_check;
ALTER TABLE ${schema}.workflows ADD CONSTRAINT workflows_status_check
    CHECK (status IN ('PENDING', 'SUCCEEDED', 'FAILED', 'CANCELLED', 'TIMED_OUT', 'DEAD_LETTER'));

ALTER TABLE ${schema}.workflows
    -- The workflow that started this one from inside its code, and the journal position of that start.
    ADD COLUMN parent_id       text COLLATE "C",
    ADD COLUMN parent_position integer,
    -- When the workflow times out: its own timeout or deadline, else the one inherited from its parent.
    ADD COLUMN deadline_at     timestamptz,
    -- A fork reuses the journal of forked_from up to (not including) fork_position.
    ADD COLUMN forked_from     text COLLATE "C",
    ADD COLUMN fork_position   integer;

-- A journal entry that started a child workflow names it.
ALTER TABLE ${schema}.steps
    ADD COLUMN child_workflow_id text COLLATE "C";
