package io.durable.internal.store;

/**
 * A workflow taken over from an executor whose lease expired.
 *
 * @param row           the row as claimed: owner is the new executor, epoch raised
 * @param previousOwner the executor it was taken from
 * @param parked        whether it waits (wait_kind set): it was only re-owned, its new owner's waker resumes it
 */
public record TakenOver(WorkflowRow row, String previousOwner, boolean parked) {
}
