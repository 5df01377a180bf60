package io.durable;

/**
 * The recorded outcome of one step in a workflow's journal.
 *
 * <pre>{@code
 * long failed = durable.steps(id).stream().filter(s -> s.status() == StepStatus.FAILED).count();
 * }</pre>
 */
public enum StepStatus {
    /** The step returned; its value is recorded. */
    SUCCEEDED,
    /** The step threw (after its last attempt); its exception is recorded. */
    FAILED
}
