package io.durable;

/**
 * Stands in for a recorded exception that cannot be rebuilt as its own class on replay (the class
 * is gone, has no usable constructor, or would not keep its message). It carries the original
 * class name, message and stack trace text.
 *
 * <pre>{@code
 * catch (RecordedFailureException e) {
 *     if (e.originalClassName().equals("com.acme.PaymentDeclined")) { ... }
 * }
 * }</pre>
 */
public class RecordedFailureException extends DurableException {
    private static final long serialVersionUID = 1L;

    private final String originalClassName;
    private final String originalMessage;
    private final String originalStackTrace;

    /**
     * @param error      the recorded exception
     * @param workflowId the workflow it was recorded in
     * @param position   the 1-based step position, 0 for the workflow itself
     */
    public RecordedFailureException(ErrorInfo error, String workflowId, int position) {
        super(error.className() + (error.message() == null ? "" : ": " + error.message()), null, workflowId,
                position);
        this.originalClassName = error.className();
        this.originalMessage = error.message();
        this.originalStackTrace = error.stackTrace();
    }

    /** @return the class name of the recorded exception */
    public String originalClassName() {
        return originalClassName;
    }

    /** @return the message of the recorded exception, may be null */
    public String originalMessage() {
        return originalMessage;
    }

    /** @return the recorded stack trace as text */
    public String originalStackTrace() {
        return originalStackTrace;
    }
}
