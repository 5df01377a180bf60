package io.durable;

/**
 * Where a workflow execution stands.
 *
 * <pre>{@code
 * if (durable.retrieve(orderId).status() == WorkflowStatus.PENDING) { ... }
 * }</pre>
 */
public enum WorkflowStatus {
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

    /** @return true when the execution will not change any more unless it is resumed */
    public boolean isTerminal() {
        return this != PENDING;
    }
}
