package io.durable;

/**
 * Thrown by {@link WorkflowHandle#result()} when the workflow failed with a checked exception; the
 * recorded exception is the cause. Unchecked exceptions are rethrown as they are.
 *
 * <pre>{@code
 * try {
 *     handle.result();
 * } catch (WorkflowFailedException e) {
 *     Throwable original = e.getCause();
 * }
 * }</pre>
 */
public class WorkflowFailedException extends DurableException {
    private static final long serialVersionUID = 1L;

    /**
     * @param workflowId the failed workflow
     * @param cause      the recorded exception
     */
    public WorkflowFailedException(String workflowId, Throwable cause) {
        super("workflow '" + workflowId + "' failed: " + cause, cause, workflowId, 0);
    }
}
