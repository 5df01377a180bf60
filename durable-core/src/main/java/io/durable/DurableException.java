package io.durable;

/**
 * The root of every exception {@code durable} throws. Subclasses carry the workflow ID and step
 * position they concern, where there is one.
 *
 * <pre>{@code
 * try {
 *     durable.runWorkflow(id, () -> checkout.checkout(order));
 * } catch (NonDeterministicWorkflowException e) {
 *     log.error("workflow {} diverged at step {}", e.workflowId(), e.position());
 * }
 * }</pre>
 */
public class DurableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String workflowId;
    private final int position;

    /**
     * @param message what went wrong and what to do
     */
    public DurableException(String message) {
        this(message, null, null, 0);
    }

    /**
     * @param message what went wrong and what to do
     * @param cause   the underlying failure
     */
    public DurableException(String message, Throwable cause) {
        this(message, cause, null, 0);
    }

    /**
     * @param message    what went wrong and what to do
     * @param cause      the underlying failure, may be null
     * @param workflowId the workflow concerned, may be null
     * @param position   the 1-based step position concerned, 0 when none
     */
    public DurableException(String message, Throwable cause, String workflowId, int position) {
        super(message, cause);
        this.workflowId = workflowId;
        this.position = position;
    }

    /** @return the workflow this concerns, or null */
    public String workflowId() {
        return workflowId;
    }

    /** @return the 1-based step position this concerns, or 0 when none */
    public int position() {
        return position;
    }
}
