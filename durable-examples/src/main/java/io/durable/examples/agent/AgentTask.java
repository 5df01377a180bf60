package io.durable.examples.agent;

import java.util.Objects;

/**
 * What an agent is asked to do: the input of an {@link Agent} run, recorded when it starts.
 *
 * <pre>{@code
 * AgentTask task = new AgentTask("support@example.com", "Refund order 1042: the keyboard arrived broken");
 * }</pre>
 *
 * @param requestedBy who asked
 * @param goal        the instruction, in plain words
 */
public record AgentTask(String requestedBy, String goal) {
    /** Requires both parts. */
    public AgentTask {
        Objects.requireNonNull(requestedBy, "requestedBy");
        Objects.requireNonNull(goal, "goal");
        if (goal.isBlank()) {
            throw new IllegalArgumentException("an agent task needs a goal");
        }
    }
}
