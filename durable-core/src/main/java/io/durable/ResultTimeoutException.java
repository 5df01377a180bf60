package io.durable;

import java.time.Duration;

/**
 * {@link WorkflowHandle#result(Duration)} gave up waiting. The workflow itself is not affected
 * and goes on running.
 *
 * <pre>{@code
 * try { handle.result(Duration.ofSeconds(5)); } catch (ResultTimeoutException e) { showSpinner(); }
 * }</pre>
 */
public class ResultTimeoutException extends DurableException {
    private static final long serialVersionUID = 1L;

    /**
     * @param workflowId the workflow waited for
     * @param waited     how long the caller waited
     */
    public ResultTimeoutException(String workflowId, Duration waited) {
        super("workflow '" + workflowId + "' did not finish within " + waited + "; it keeps running", null,
                workflowId, 0);
    }
}
