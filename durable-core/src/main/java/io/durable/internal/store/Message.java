package io.durable.internal.store;

/**
 * A message to store for a workflow ID.
 *
 * @param destination    the receiving workflow's ID (it may not exist yet)
 * @param topic          the topic
 * @param payload        the encoded message
 * @param idempotencyKey unique per destination: a second message with the same key is dropped
 */
public record Message(String destination, String topic, String payload, String idempotencyKey) {
}
