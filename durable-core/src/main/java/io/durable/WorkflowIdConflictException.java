package io.durable;

/**
 * A workflow ID that already names an execution of one workflow was used to start a different
 * workflow. IDs name executions: reuse one only to mean the same execution.
 *
 * <pre>{@code
 * durable.runWorkflow("order-42", () -> checkout.checkout(order));
 * durable.runWorkflow("order-42", () -> refunds.refund(order)); // WorkflowIdConflictException
 * }</pre>
 */
public class WorkflowIdConflictException extends DurableException {
    private static final long serialVersionUID = 1L;

    /**
     * @param workflowId    the ID used twice
     * @param existingName  the workflow the ID already names
     * @param requestedName the workflow the caller tried to start
     */
    public WorkflowIdConflictException(String workflowId, String existingName, String requestedName) {
        super("workflow ID '" + workflowId + "' already names an execution of '" + existingName
                + "'; cannot start '" + requestedName + "' under it. Use a distinct ID per execution.",
                null, workflowId, 0);
    }
}
