package io.durable.examples.agent;

/**
 * An AI agent that asks a human before it acts, as a durable workflow: it plans an action (a
 * model call, recorded), publishes its status, waits up to an hour for a human's approval without
 * holding a thread, and only then executes the action. Start it through the proxy from
 * {@code durable.register(Agent.class, ...)}:
 *
 * <pre>{@code
 * WorkflowHandle<AgentResult> handle = durable.startWorkflow("agent-7", () -> agent.run(task));
 * // a reviewer: durable.getEvent("agent-7", "status", ...), then
 * durable.send("agent-7", "approval", ReviewDecision.approve("grace@example.com", "go ahead"), "review-1");
 * AgentResult result = handle.result();
 * }</pre>
 */
public interface Agent {
    /**
     * Plans, waits for approval, executes.
     *
     * @param task what to do
     * @return what was done
     * @throws ApprovalDeniedException    if the reviewer denied the plan
     * @throws ApprovalTimedOutException  if nobody answered in time
     */
    AgentResult run(AgentTask task);
}
