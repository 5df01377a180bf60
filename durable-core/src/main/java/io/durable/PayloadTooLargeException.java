package io.durable;

/**
 * A serialized value exceeds the configured limit ({@code Durable.Builder#maxPayloadBytes}).
 * Nothing is recorded.
 *
 * <pre>{@code
 * catch (PayloadTooLargeException e) {
 *     // store the blob elsewhere and record its key instead
 * }
 * }</pre>
 */
public class PayloadTooLargeException extends SerializationException {
    private static final long serialVersionUID = 1L;

    private final long size;
    private final long limit;

    /**
     * @param workflowId the workflow concerned, may be null
     * @param position   the 1-based step position, 0 for workflow inputs and outputs
     * @param valueType  the class of the value
     * @param size       the serialized size in bytes
     * @param limit      the configured limit in bytes
     */
    public PayloadTooLargeException(String workflowId, int position, String valueType, long size, long limit) {
        super("value of type " + valueType + (workflowId == null ? "" : " in workflow '" + workflowId + "'")
                        + (position > 0 ? " at step position " + position : "") + " is " + size
                        + " bytes serialized, over the limit of " + limit
                        + " bytes; store large data elsewhere and record a reference, or raise maxPayloadBytes",
                null, workflowId, position, valueType);
        this.size = size;
        this.limit = limit;
    }

    /** @return the serialized size in bytes */
    public long size() {
        return size;
    }

    /** @return the configured limit in bytes */
    public long limit() {
        return limit;
    }
}
