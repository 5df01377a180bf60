package io.durable.internal.store;

import java.time.Instant;

/**
 * What the engine inserts to start a workflow; the store sets status PENDING and epoch 1.
 * {@code deadlineAt} is when it times out (null: never).
 */
public record NewWorkflow(String id, String name, String inputs, String owner, Instant deadlineAt) {

    /** A workflow without a deadline. */
    public NewWorkflow(String id, String name, String inputs, String owner) {
        this(id, name, inputs, owner, null);
    }
}
