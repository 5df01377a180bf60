package io.durable;

/**
 * Recovery gave up on the workflow: it was claimed for recovery more often than
 * {@code Durable.Builder.maxRecoveryAttempts} allows (its process most likely crashes while running
 * it), so its status is {@link WorkflowStatus#DEAD_LETTER} and no process runs it again until
 * {@code durable.resume} is called. Thrown by {@link WorkflowHandle#result()} and recorded as the
 * workflow's error.
 *
 * <pre>{@code
 * catch (WorkflowDeadLetterException e) {
 *     alert("workflow " + e.workflowId() + " crashed its process " + e.recoveryAttempts() + " times");
 * }
 * }</pre>
 */
public class WorkflowDeadLetterException extends DurableException {
    private static final long serialVersionUID = 1L;

    private final int recoveryAttempts;
    private final int maxRecoveryAttempts;

    /**
     * @param workflowId          the workflow
     * @param recoveryAttempts    how many times it was claimed for recovery
     * @param maxRecoveryAttempts the configured limit
     */
    public WorkflowDeadLetterException(String workflowId, int recoveryAttempts, int maxRecoveryAttempts) {
        super("workflow '" + workflowId + "' moved to DEAD_LETTER: it was claimed for recovery " + recoveryAttempts
                + " times, more than maxRecoveryAttempts (" + maxRecoveryAttempts + ") allows, so its process likely "
                + "crashes while running it; fix the cause, then durable.resume(\"" + workflowId + "\")",
                null, workflowId, 0);
        this.recoveryAttempts = recoveryAttempts;
        this.maxRecoveryAttempts = maxRecoveryAttempts;
    }

    /** @return how many times it was claimed for recovery */
    public int recoveryAttempts() {
        return recoveryAttempts;
    }

    /** @return the limit in force when it was moved to the dead letters */
    public int maxRecoveryAttempts() {
        return maxRecoveryAttempts;
    }
}
