package io.durable;

/**
 * A value could not be turned into JSON and back: a workflow argument or result, or a step result.
 * Raised where the value is produced, before anything is recorded; or a recorded result could not
 * be read back in this process (typically its class is not on this process's class path, as in a
 * {@link DurableClient} that lacks the workflow's classes).
 *
 * <pre>{@code
 * catch (SerializationException e) {
 *     log.error("cannot record {} in workflow {}", e.valueType(), e.workflowId());
 * }
 * }</pre>
 */
public class SerializationException extends DurableException {
    private static final long serialVersionUID = 1L;

    private final String valueType;

    /**
     * @param message    what could not be recorded and how to fix it
     * @param cause      the Jackson failure
     * @param workflowId the workflow concerned, may be null
     * @param position   the 1-based step position, 0 for workflow inputs and outputs
     * @param valueType  the class of the value
     */
    public SerializationException(String message, Throwable cause, String workflowId, int position,
                                  String valueType) {
        super(message, cause, workflowId, position);
        this.valueType = valueType;
    }

    /** @return the class name of the value that could not be recorded */
    public String valueType() {
        return valueType;
    }
}
