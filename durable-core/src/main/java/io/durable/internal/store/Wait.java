package io.durable.internal.store;

import java.time.Instant;

/**
 * What a waiting workflow waits for, recorded so that a restart neither forgets nor extends it.
 *
 * @param workflowId the waiting workflow
 * @param kind       {@code recv}, {@code sleep} or {@code event}
 * @param topic      the message topic (recv) or event key (event); null for sleep
 * @param target     the workflow whose event is awaited (event); else null
 * @param position   the journal position of the waiting call
 * @param wakeAt     the deadline; null for none
 */
public record Wait(String workflowId, String kind, String topic, String target, int position, Instant wakeAt) {
}
