package io.durable.internal.engine;

/**
 * Unwinds a workflow's stack without recording an outcome (executor closing, ownership lost,
 * database out of reach). An {@link Error} so ordinary {@code catch (Exception e)} blocks let it
 * pass; code that catches it anyway is detected at the next step or at completion.
 */
final class UnwindSignal extends Error {
    private static final long serialVersionUID = 1L;

    private final transient RuntimeException callerFailure;

    /**
     * @param reason        why the workflow stops here
     * @param callerFailure what callers waiting on the result should see
     */
    UnwindSignal(String reason, RuntimeException callerFailure) {
        super(reason, null, false, false);
        this.callerFailure = callerFailure;
    }

    RuntimeException callerFailure() {
        return callerFailure;
    }
}
