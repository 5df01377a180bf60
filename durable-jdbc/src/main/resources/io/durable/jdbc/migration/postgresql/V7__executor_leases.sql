-- durable schema, version 7: executor leases, judged on the database clock, for automatic takeover.
--
-- Every heartbeat sets lease_expires_at = now() + the executor's own lease duration, so executors
-- with different settings share one table. A live executor of the same application takes over the
-- unfinished workflows of an executor whose lease has expired (or that stopped cleanly: stopped_at
-- set counts as expired at once). Only executors of the same application take over each other's work.

-- The executor ID is compared with workflows.owner, which has the "C" collation since V3: both
-- sides of the takeover's join must agree (and an identifier needs no linguistic order).
ALTER TABLE ${schema}.executors
    ALTER COLUMN id TYPE text COLLATE "C",
    ADD COLUMN application      text COLLATE "C" NOT NULL DEFAULT 'default',
    ADD COLUMN lease_expires_at timestamptz;

-- Rows of processes that ran before this version get the default lease (30 s) after their last heartbeat.
UPDATE ${schema}.executors SET lease_expires_at = heartbeat_at + interval '30 seconds';

ALTER TABLE ${schema}.executors ALTER COLUMN lease_expires_at SET NOT NULL;
