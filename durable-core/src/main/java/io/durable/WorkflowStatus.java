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
    FAILED;

    /** @return true when the execution will not change any more */
    public boolean isTerminal() {
        return this != PENDING;
    }
}
