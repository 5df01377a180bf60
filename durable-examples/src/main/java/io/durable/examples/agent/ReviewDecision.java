package io.durable.examples.agent;

/**
 * A human's answer to an agent's plan: the message the run waits for on topic
 * {@value AgentWorkflow#APPROVAL_TOPIC}.
 *
 * <pre>{@code
 * durable.send(runId, AgentWorkflow.APPROVAL_TOPIC, ReviewDecision.approve("grace@example.com", "go"), "review-81");
 * }</pre>
 *
 * @param reviewer who decided
 * @param approved true to let the action run
 * @param comment  why (the reason of a denial)
 */
public record ReviewDecision(String reviewer, boolean approved, String comment) {
    /**
     * @param reviewer who approves
     * @param comment  a note
     * @return an approval
     */
    public static ReviewDecision approve(String reviewer, String comment) {
        return new ReviewDecision(reviewer, true, comment);
    }

    /**
     * @param reviewer who denies
     * @param reason   why
     * @return a denial
     */
    public static ReviewDecision deny(String reviewer, String reason) {
        return new ReviewDecision(reviewer, false, reason);
    }
}
