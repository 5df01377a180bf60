package io.durable;

/**
 * The execution stopped in this process without an outcome: the executor was closed, or it lost
 * ownership of the workflow. The workflow stays PENDING in the database and is finished by recovery.
 * Seen by callers waiting on {@link WorkflowHandle#result()} in the process that stopped.
 *
 * <pre>{@code
 * catch (WorkflowInterruptedException e) {
 *     // the workflow goes on after restart; look it up again with durable.retrieve(e.workflowId())
 * }
 * }</pre>
 */
public class WorkflowInterruptedException extends DurableException {
    private static final long serialVersionUID = 1L;

    /**
     * @param workflowId the workflow that stopped here
     * @param reason     why it stopped
     */
    public WorkflowInterruptedException(String workflowId, String reason) {
        super("workflow '" + workflowId + "' stopped in this process without finishing: " + reason
                + "; it stays PENDING and is resumed by recovery", null, workflowId, 0);
    }
}
