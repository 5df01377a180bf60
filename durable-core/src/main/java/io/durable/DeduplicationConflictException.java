package io.durable;

/**
 * An enqueue was refused because a workflow enqueued on the same queue with the same deduplication
 * ID is still ENQUEUED or PENDING. Nothing was stored for the refused enqueue. Once the existing one
 * has finished, the deduplication ID can be used again.
 *
 * <pre>{@code
 * try {
 *     durable.startWorkflow("sync-" + UUID.randomUUID(),
 *             StartOptions.queue("sync").withDeduplicationId("customer-7"), () -> sync.run(7));
 * } catch (DeduplicationConflictException e) {
 *     WorkflowHandle<Void> running = durable.retrieve(e.existingWorkflowId());
 * }
 * }</pre>
 */
public class DeduplicationConflictException extends DurableException {
    private static final long serialVersionUID = 1L;

    private final String queueName;
    private final String deduplicationId;
    private final String existingWorkflowId;

    /**
     * @param workflowId         the workflow ID the refused enqueue asked for
     * @param queueName          the queue
     * @param deduplicationId    the deduplication ID used twice
     * @param existingWorkflowId the active workflow holding it
     */
    public DeduplicationConflictException(String workflowId, String queueName, String deduplicationId,
                                          String existingWorkflowId) {
        super("cannot enqueue workflow '" + workflowId + "' on queue '" + queueName + "': deduplication ID '"
                + deduplicationId + "' is held by workflow '" + existingWorkflowId + "', which is still enqueued or "
                + "running; wait for it (durable.retrieve(\"" + existingWorkflowId + "\")) or use another ID",
                null, workflowId, 0);
        this.queueName = queueName;
        this.deduplicationId = deduplicationId;
        this.existingWorkflowId = existingWorkflowId;
    }

    /** @return the queue */
    public String queueName() {
        return queueName;
    }

    /** @return the deduplication ID */
    public String deduplicationId() {
        return deduplicationId;
    }

    /** @return the ID of the ENQUEUED or PENDING workflow that holds the deduplication ID */
    public String existingWorkflowId() {
        return existingWorkflowId;
    }
}
