package io.durable.internal.store;

/**
 * Outcome of a start: either this call inserted the row, or the ID already named an execution
 * (returned as it is in the database).
 *
 * @param inserted true when this call created the execution
 * @param row      the row now in the database
 */
public record StartResult(boolean inserted, WorkflowRow row) {
}
