package io.durable.examples.agent;

/**
 * What a successful agent run returns, recorded by durable as the workflow's output.
 *
 * <pre>{@code
 * AgentResult result = handle.result();
 * System.out.println(result.outcome() + " (approved by " + result.approvedBy() + ")");
 * }</pre>
 *
 * @param runId      the workflow ID of the run
 * @param action     what was planned and approved
 * @param approvedBy the reviewer who approved it
 * @param outcome    what the tool reported
 */
public record AgentResult(String runId, PlannedAction action, String approvedBy, String outcome) {
}
