package io.durable.internal.engine;

/**
 * Unwinds a workflow's stack without recording an outcome (executor closing, ownership lost,
 * database out of reach, or a wait that parks the workflow). An {@link Error} so ordinary {@code catch (Exception e)} blocks let it
 * pass; code that catches it anyway is detected at the next step or at completion.
 */
final class UnwindSignal extends Error {
    private static final long serialVersionUID = 1L;

    private final transient RuntimeException callerFailure;
    private final boolean parked;

    /**
     * @param reason        why the workflow stops here
     * @param callerFailure what callers waiting on the result should see
     */
    UnwindSignal(String reason, RuntimeException callerFailure) {
        this(reason, callerFailure, false);
    }

    private UnwindSignal(String reason, RuntimeException callerFailure, boolean parked) {
        super(reason, null, false, false);
        this.callerFailure = callerFailure;
        this.parked = parked;
    }

    /** The workflow waits without a thread; callers keep waiting for its outcome. */
    static UnwindSignal parked(String workflowId) {
        return new UnwindSignal("workflow '" + workflowId + "' parked until its wait is over", null, true);
    }

    boolean isParked() {
        return parked;
    }

    RuntimeException callerFailure() {
        return callerFailure;
    }
}
