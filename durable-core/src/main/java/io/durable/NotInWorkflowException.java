package io.durable;

/**
 * A call that only makes sense inside a running workflow (or step) was made outside one.
 *
 * <pre>{@code
 * durable.idempotencyKey(); // outside a step: NotInWorkflowException
 * }</pre>
 */
public class NotInWorkflowException extends DurableException {
    private static final long serialVersionUID = 1L;

    /**
     * @param operation the call that was made
     * @param where     where it must be made instead
     */
    public NotInWorkflowException(String operation, String where) {
        super(operation + " must be called " + where);
    }
}
