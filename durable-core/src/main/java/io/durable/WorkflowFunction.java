package io.durable;

/**
 * Names the workflow to start: a lambda that calls exactly one {@link Workflow} method on a proxy
 * from {@link Durable#register(Class, Object)}. The lambda is evaluated once, on the caller's
 * thread, only to capture which workflow and which arguments; the workflow itself then runs
 * durably.
 *
 * <pre>{@code
 * String receipt = durable.runWorkflow("order-42", () -> checkout.checkout(order));
 * }</pre>
 *
 * @param <T> the workflow's result type
 * @param <X> a checked exception the workflow method declares
 */
@FunctionalInterface
public interface WorkflowFunction<T, X extends Exception> {
    /**
     * Calls the workflow method through its proxy.
     *
     * @return ignored; the durable result comes from the execution
     * @throws X as declared by the workflow method
     */
    T call() throws X;
}
