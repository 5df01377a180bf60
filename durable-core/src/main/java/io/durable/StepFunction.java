package io.durable;

/**
 * The body of an inline step that returns a value; see {@link Durable#step(String, StepFunction)}.
 *
 * <pre>{@code
 * String rate = durable.step("fetch-rate", () -> rates.fetch("EUR"));
 * }</pre>
 *
 * @param <T> the result type
 * @param <X> the checked exception the body may throw
 */
@FunctionalInterface
public interface StepFunction<T, X extends Exception> {
    /**
     * Runs the step.
     *
     * @return the value to record
     * @throws X when the step fails
     */
    T run() throws X;
}
