package io.durable.internal.store;

/**
 * Outcome of trying to receive a message inside a workflow.
 *
 * @param kind    what happened
 * @param payload the received message (RECEIVED)
 * @param existing the row already recorded at that position (CONFLICT)
 */
public record Receipt(Kind kind, String payload, StepRow existing) {
    /** The ways a receive can end. */
    public enum Kind { RECEIVED, NONE, CONFLICT, FENCED }

    /** @return nothing was waiting */
    public static Receipt none() {
        return new Receipt(Kind.NONE, null, null);
    }
}
