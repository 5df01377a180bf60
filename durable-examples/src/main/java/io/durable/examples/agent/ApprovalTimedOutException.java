package io.durable.examples.agent;

import io.durable.examples.Durations;

import java.time.Duration;

/**
 * Nobody approved an agent's plan in time: the run fails with this exception, and nothing is
 * executed. A late approval finds the run finished and changes nothing.
 *
 * <pre>{@code
 * try {
 *     handle.result();
 * } catch (ApprovalTimedOutException e) {
 *     System.out.println(e.getMessage()); // agent run 'agent-7' got no approval within 1 hour: ...
 * }
 * }</pre>
 */
public class ApprovalTimedOutException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param runId   the agent run
     * @param timeout how long it waited
     * @param plan    what it wanted to do
     */
    public ApprovalTimedOutException(String runId, Duration timeout, PlannedAction plan) {
        this("agent run '" + runId + "' got no approval within " + Durations.words(timeout) + " for: "
                + plan.summary());
    }

    /**
     * @param message the whole message (durable rebuilds recorded exceptions with it)
     */
    public ApprovalTimedOutException(String message) {
        super(message);
    }
}
