package io.durable;

/**
 * The workflow that finished first among those given to {@link Durable#awaitAny}, and its outcome.
 * Inside a workflow the choice is recorded in the journal: a replay gets the same one, even if
 * others have finished since.
 *
 * <pre>{@code
 * FirstFinished<Quote> first = durable.awaitAny(List.of(fast, cheap));
 * log.info("{} answered first", first.workflowId());
 * Quote quote = first.result();
 * }</pre>
 *
 * @param <T> the workflows' result type
 */
public interface FirstFinished<T> {
    /** @return the position of the finished workflow in the list given to {@code awaitAny} */
    int index();

    /** @return the finished workflow's ID */
    String workflowId();

    /**
     * The finished workflow's recorded result. A failure is rethrown like {@link WorkflowHandle#result()}
     * does: unchecked exceptions as they were recorded, checked ones wrapped in {@link WorkflowFailedException}.
     *
     * @return the recorded result
     */
    T result();
}
