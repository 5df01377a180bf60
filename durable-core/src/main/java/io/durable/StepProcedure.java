package io.durable;

/**
 * The body of an inline step that returns nothing; see {@link Durable#step(String, StepProcedure)}.
 *
 * <pre>{@code
 * durable.step("notify-warehouse", () -> warehouse.notify(orderId));
 * }</pre>
 *
 * @param <X> the checked exception the body may throw
 */
@FunctionalInterface
public interface StepProcedure<X extends Exception> {
    /**
     * Runs the step.
     *
     * @throws X when the step fails
     */
    void run() throws X;
}
