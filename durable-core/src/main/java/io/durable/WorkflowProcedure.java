package io.durable;

/**
 * Names a workflow whose method returns {@code void}; see {@link WorkflowFunction}.
 *
 * <pre>{@code
 * durable.runWorkflow("nightly-2026-11-21", () -> reports.nightly(date));
 * }</pre>
 *
 * @param <X> a checked exception the workflow method declares
 */
@FunctionalInterface
public interface WorkflowProcedure<X extends Exception> {
    /**
     * Calls the workflow method through its proxy.
     *
     * @throws X as declared by the workflow method
     */
    void call() throws X;
}
