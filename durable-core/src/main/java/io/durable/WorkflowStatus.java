package io.durable;

/**
 * Where a workflow execution stands.
 *
 * <pre>{@code
 * if (durable.retrieve(orderId).status() == WorkflowStatus.PENDING) { ... }
 * }</pre>
 */
public enum WorkflowStatus {
    /**
     * Waiting on a queue ({@link StartOptions#queue(String)}): stored, owned by no executor, not run yet.
     * A process that declares the queue dequeues it, and it becomes {@link #PENDING}.
     */
    ENQUEUED,
    /** Started and not finished; recovered after a crash. */
    PENDING,
    /** Returned a value, which is recorded. */
    SUCCEEDED,
    /** Threw an exception, which is recorded. */
    FAILED,
    /** Stopped by {@code durable.cancel}; {@code durable.resume} continues it. */
    CANCELLED,
    /** Its timeout or deadline passed before it finished; {@code durable.resume} continues it. */
    TIMED_OUT,
    /**
     * Its process crashed while running it more often than {@code maxRecoveryAttempts} allows, so
     * recovery stopped retrying it; {@code durable.resume} continues it.
     */
    DEAD_LETTER;

    /** @return true when the execution will not change any more unless it is resumed (not ENQUEUED or PENDING) */
    public boolean isTerminal() {
        return this != PENDING && this != ENQUEUED;
    }
}
