package io.durable.examples.agent;

import io.durable.Step;

/**
 * The side effect the agent wants: a durable step that runs only after a human approved. It may
 * run again if the process dies while it runs, so implementations pass
 * {@code durable.idempotencyKey()} to the system they call.
 *
 * <pre>{@code
 * Tools tools = durable.register(Tools.class, new JdbcTools(db, durable, System.out));
 * String outcome = tools.execute(runId, action); // inside the workflow, after approval
 * }</pre>
 */
public interface Tools {
    /**
     * Performs the approved action.
     *
     * @param runId  the agent run, for the audit trail
     * @param action the approved action
     * @return what the tool reports
     */
    @Step(name = "execute-action", maxAttempts = 3, initialBackoffMillis = 200)
    String execute(String runId, PlannedAction action);
}
