package io.durable;

/**
 * No workflow execution with the given ID exists.
 *
 * <pre>{@code
 * try { durable.retrieve("nope"); } catch (WorkflowNotFoundException e) { ... }
 * }</pre>
 */
public class WorkflowNotFoundException extends DurableException {
    private static final long serialVersionUID = 1L;

    /**
     * @param workflowId the ID that was looked up
     */
    public WorkflowNotFoundException(String workflowId) {
        super("no workflow with ID '" + workflowId + "' exists", null, workflowId, 0);
    }
}
