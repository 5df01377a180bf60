package io.durable.examples.access;

/**
 * How an access request ended.
 *
 * <pre>{@code
 * if (outcome.status() == AccessStatus.GRANTED) { ... }
 * }</pre>
 */
public enum AccessStatus {
    /** Every approver approved and the role is assigned here and in the external directory. */
    GRANTED,
    /** An approver denied; later approvers were never asked. */
    DENIED,
    /** An approver did not answer in time; later approvers were never asked. */
    EXPIRED,
    /** Approved, but provisioning failed; the local assignment was undone (compensated). */
    FAILED
}
