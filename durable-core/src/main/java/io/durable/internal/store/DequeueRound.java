package io.durable.internal.store;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * What one dequeue round of a queue took.
 *
 * @param rows        the workflows now PENDING under the dequeuing executor, in priority order
 * @param withJournal the IDs among them that already have journal entries (resumed ones); the others
 *                    start from an empty journal without reading it
 * @param full        true when the round took as many as it was allowed to ask for: more may be ready
 * @param wakeIn      when the queue should be looked at again although nobody signals it (a delayed
 *                    row becomes ready, a rate-limit window frees a start), measured on the database
 *                    clock from the round; null for no such time
 */
public record DequeueRound(List<WorkflowRow> rows, Set<String> withJournal, boolean full, Duration wakeIn) {
}
