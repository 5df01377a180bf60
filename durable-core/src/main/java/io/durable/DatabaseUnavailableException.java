package io.durable;

/**
 * The database could not be reached, at start or for longer than the retry window during a
 * workflow. Nothing recorded is lost: an interrupted workflow stays PENDING and is recovered.
 * Messages name the JDBC URL and user, never the password.
 *
 * <pre>{@code
 * try { durable.start(); } catch (DatabaseUnavailableException e) { log.error(e.getMessage()); System.exit(1); }
 * }</pre>
 */
public class DatabaseUnavailableException extends DurableException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what could not be reached and why
     * @param cause   the driver's failure
     */
    public DatabaseUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * @param message    what could not be reached and why
     * @param cause      the driver's failure
     * @param workflowId the workflow interrupted
     * @param position   the step position that was being recorded, or 0
     */
    public DatabaseUnavailableException(String message, Throwable cause, String workflowId, int position) {
        super(message, cause, workflowId, position);
    }
}
