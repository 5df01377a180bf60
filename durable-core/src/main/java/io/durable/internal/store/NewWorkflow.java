package io.durable.internal.store;

import java.time.Instant;

/**
 * What the engine inserts to start a workflow; the store sets status PENDING and epoch 1 — or, with a
 * {@code queue}, status ENQUEUED without an owner ({@code owner} is then ignored and may be null).
 * {@code deadlineAt} is when it times out (null: never).
 */
public record NewWorkflow(String id, String name, String inputs, String owner, Instant deadlineAt, QueueEntry queue) {

    /** A workflow without a deadline, started at once. */
    public NewWorkflow(String id, String name, String inputs, String owner) {
        this(id, name, inputs, owner, null, null);
    }

    /** A workflow started at once. */
    public NewWorkflow(String id, String name, String inputs, String owner, Instant deadlineAt) {
        this(id, name, inputs, owner, deadlineAt, null);
    }
}
