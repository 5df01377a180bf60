-- durable schema, version 2: messages, events, and parked waits.

-- A workflow that waits (recv, sleep, getEvent) records what it waits for; wait_kind is set while
-- it waits and cleared when the wait ends. wait_position and wake_at stay afterwards: a replay that
-- reaches the same wait again finds its original deadline there, so a restart never extends it.
ALTER TABLE ${schema}.workflows
    ADD COLUMN wait_kind     text CHECK (wait_kind IN ('recv', 'sleep', 'event')),
    ADD COLUMN wait_topic    text,
    ADD COLUMN wait_target   text,
    ADD COLUMN wait_position integer,
    ADD COLUMN wake_at       timestamptz;

CREATE INDEX workflows_waiting_by_owner ON ${schema}.workflows (owner, wake_at) WHERE wait_kind IS NOT NULL;

-- Messages for a workflow ID, consumed in id order per (destination, topic) by recv. Consumed
-- messages are kept (consumed_at, consumed_position) as the record of what each recv received.
CREATE TABLE ${schema}.messages (
    id                bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    destination       text        NOT NULL,
    topic             text        NOT NULL,
    payload           text        NOT NULL,
    idempotency_key   text        NOT NULL,
    sent_at           timestamptz NOT NULL DEFAULT now(),
    consumed_at       timestamptz,
    consumed_position integer
);

CREATE UNIQUE INDEX messages_idempotency ON ${schema}.messages (destination, idempotency_key);
CREATE INDEX messages_unconsumed ON ${schema}.messages (destination, topic, id) WHERE consumed_at IS NULL;

-- Every value a workflow published under a key; the one with the highest position is current.
CREATE TABLE ${schema}.events (
    workflow_id  text        NOT NULL,
    key          text        NOT NULL,
    position     integer     NOT NULL,
    value        text        NOT NULL,
    set_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workflow_id, key, position)
);
