package io.durable.internal.store;

import java.time.Duration;

/**
 * Where a new workflow goes on a queue: it is stored ENQUEUED without an owner and run by whichever
 * executor dequeues it.
 *
 * @param queueName       the queue
 * @param priority        lower is dequeued first
 * @param deduplicationId refuses a second active enqueue with the same ID on the queue; null for none
 * @param partitionKey    the partition the queue's limits are counted in; null for the keyless one
 * @param delay           not dequeued before the insert time plus this (database clock); zero for none
 */
public record QueueEntry(String queueName, int priority, String deduplicationId, String partitionKey,
                         Duration delay) {
}
