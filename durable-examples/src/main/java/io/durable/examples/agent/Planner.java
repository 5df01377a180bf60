package io.durable.examples.agent;

import io.durable.Step;

/**
 * The model call that turns a goal into an action: a durable step, so its answer is recorded and
 * a replay (after a crash, or when the run resumes after waiting for the human) gets the same
 * plan instead of asking the model again and perhaps getting another one.
 *
 * <pre>{@code
 * Planner planner = durable.register(Planner.class, new SimulatedModel(System.out));
 * PlannedAction action = planner.plan("Refund order 1042"); // inside the workflow
 * }</pre>
 */
public interface Planner {
    /**
     * Asks the model for the next action.
     *
     * @param goal what the agent should achieve
     * @return the proposed action
     */
    @Step(name = "plan-action", maxAttempts = 3, initialBackoffMillis = 200)
    PlannedAction plan(String goal);
}
