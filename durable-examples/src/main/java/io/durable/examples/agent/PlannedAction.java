package io.durable.examples.agent;

/**
 * The action the model proposes: one tool call, and a sentence a human can approve or deny.
 * Recorded in the journal by the planning step (a replay never asks the model again, so the
 * human approves exactly what will run) and published as the run's {@code plan} event.
 *
 * <pre>{@code
 * PlannedAction plan = durable.getEvent(runId, AgentWorkflow.PLAN_EVENT, Duration.ZERO, PlannedAction.class)
 *         .orElseThrow();
 * System.out.println(plan.summary());
 * }</pre>
 *
 * @param tool     the tool to call, e.g. {@code issue_refund}
 * @param argument its argument, e.g. {@code order 1042}
 * @param summary  what will happen, for the reviewer
 */
public record PlannedAction(String tool, String argument, String summary) {
}
