-- durable schema, version 6: a workflow can wait for child workflows to finish.

-- wait_kind 'child': the workflow waits until one ('any' in wait_topic) or all ('all') of the
-- workflows in wait_children have finished (SUCCEEDED, FAILED, CANCELLED or TIMED_OUT).
ALTER TABLE ${schema}.workflows DROP CONSTRAINT workflows_wait_kind_check;
ALTER TABLE ${schema}.workflows ADD CONSTRAINT workflows_wait_kind_check
    CHECK (wait_kind IN ('recv', 'sleep', 'event', 'child'));

ALTER TABLE ${schema}.workflows
    ADD COLUMN wait_children text[] COLLATE "C";
