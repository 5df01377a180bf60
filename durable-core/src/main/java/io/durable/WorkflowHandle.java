package io.durable;

import java.time.Duration;

/**
 * A reference to one workflow execution, by ID. Handles are cheap; any number may point at the
 * same execution, from any process connected to the same database.
 *
 * <pre>{@code
 * WorkflowHandle<String> handle = durable.startWorkflow("order-42", () -> checkout.checkout(order));
 * // ... later, or in another process: durable.retrieve("order-42")
 * String receipt = handle.result(Duration.ofSeconds(30));
 * }</pre>
 *
 * @param <T> the workflow's result type
 */
public interface WorkflowHandle<T> {
    /** @return the workflow ID */
    String workflowId();

    /**
     * Waits for the execution to finish and returns its recorded result. A failure is rethrown:
     * unchecked exceptions as they were recorded, checked ones wrapped in
     * {@link WorkflowFailedException}.
     *
     * @return the recorded result
     */
    T result();

    /**
     * Like {@link #result()}, waiting at most {@code timeout}.
     *
     * @param timeout how long to wait
     * @return the recorded result
     * @throws ResultTimeoutException if the execution has not finished in time
     */
    T result(Duration timeout);

    /**
     * Reads the current status from the database.
     *
     * @return the status now
     */
    WorkflowStatus status();
}
