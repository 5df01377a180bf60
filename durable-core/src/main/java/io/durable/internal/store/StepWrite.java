package io.durable.internal.store;

/**
 * Outcome of recording a step. {@code RECORDED}: this write is now durable. {@code CONFLICT}: a
 * row already holds that position and wins (returned in {@code existing}). {@code FENCED}: this
 * executor no longer owns the workflow at this epoch, or the workflow is no longer pending.
 *
 * @param kind     what happened
 * @param existing the recorded row on conflict, else null
 */
public record StepWrite(Kind kind, StepRow existing) {
    /** The three ways a checkpoint write can end. */
    public enum Kind { RECORDED, CONFLICT, FENCED }

    private static final StepWrite RECORDED = new StepWrite(Kind.RECORDED, null);
    private static final StepWrite FENCED = new StepWrite(Kind.FENCED, null);

    /** @return the outcome of a successful write */
    public static StepWrite recorded() {
        return RECORDED;
    }

    /** @return the outcome of a write refused by ownership */
    public static StepWrite fenced() {
        return FENCED;
    }

    /**
     * @param existing the row that holds the position
     * @return the outcome of a write that lost to an existing row
     */
    public static StepWrite conflict(StepRow existing) {
        return new StepWrite(Kind.CONFLICT, existing);
    }
}
