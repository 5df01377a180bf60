package io.durable;

/**
 * The workflow was cancelled with {@code durable.cancel}: its status is {@link WorkflowStatus#CANCELLED}.
 * Thrown by {@link WorkflowHandle#result()} in every process, and recorded as the workflow's error.
 *
 * <pre>{@code
 * try {
 *     handle.result();
 * } catch (WorkflowCancelledException e) {
 *     durable.resume(e.workflowId());   // continue it from its last checkpoint
 * }
 * }</pre>
 */
public class WorkflowCancelledException extends DurableException {
    private static final long serialVersionUID = 1L;

    /**
     * @param workflowId the cancelled workflow
     */
    public WorkflowCancelledException(String workflowId) {
        super("workflow '" + workflowId + "' was cancelled; durable.resume(\"" + workflowId
                + "\") continues it from its last checkpoint", null, workflowId, 0);
    }
}
