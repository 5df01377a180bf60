package io.durable;

import java.time.Instant;

/**
 * The workflow's timeout or deadline (see {@link StartOptions}) passed before it finished: its
 * status is {@link WorkflowStatus#TIMED_OUT}. Thrown by {@link WorkflowHandle#result()} in every
 * process, and recorded as the workflow's error.
 *
 * <pre>{@code
 * try {
 *     durable.runWorkflow("order-42", StartOptions.timeout(Duration.ofMinutes(5)), () -> checkout.checkout(order));
 * } catch (WorkflowTimedOutException e) {
 *     log.warn("order {} gave up at {}", e.workflowId(), e.deadline());
 * }
 * }</pre>
 */
public class WorkflowTimedOutException extends DurableException {
    private static final long serialVersionUID = 1L;

    private final Instant deadline;

    /**
     * @param workflowId the workflow that timed out
     * @param deadline   the deadline that passed
     */
    public WorkflowTimedOutException(String workflowId, Instant deadline) {
        super("workflow '" + workflowId + "' timed out: its deadline " + deadline + " passed before it finished; "
                + "durable.resume(\"" + workflowId + "\") continues it from its last checkpoint without a deadline",
                null, workflowId, 0);
        this.deadline = deadline;
    }

    /** @return the deadline that passed */
    public Instant deadline() {
        return deadline;
    }
}
