package io.durable.examples.agent;

/**
 * A reviewer denied an agent's plan: the run fails with this exception, and nothing is executed.
 * {@code handle.result()} rethrows it, in this process and in any other one (durable rebuilds it
 * from its recorded class and message).
 *
 * <pre>{@code
 * try {
 *     handle.result();
 * } catch (ApprovalDeniedException e) {
 *     System.out.println(e.getMessage()); // agent run 'agent-7' was denied by grace@example.com: ...
 * }
 * }</pre>
 */
public class ApprovalDeniedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param runId    the agent run
     * @param reviewer who denied
     * @param reason   why
     */
    public ApprovalDeniedException(String runId, String reviewer, String reason) {
        this("agent run '" + runId + "' was denied by " + reviewer + ": " + reason);
    }

    /**
     * @param message the whole message (durable rebuilds recorded exceptions with it)
     */
    public ApprovalDeniedException(String message) {
        super(message);
    }
}
