package io.durable.internal.store;

import io.durable.StepStatus;

import java.time.Instant;

/**
 * One journal entry, payloads still encoded. {@code output} holds the value, {@code error} the exception.
 * {@code childWorkflowId} names the child workflow the entry started or whose outcome it holds; null otherwise.
 */
public record StepRow(
        String workflowId,
        int position,
        String name,
        StepStatus status,
        String output,
        String error,
        int attempts,
        Instant startedAt,
        Instant completedAt,
        String childWorkflowId) {

    /** An entry that concerns no child workflow. */
    public StepRow(String workflowId, int position, String name, StepStatus status, String output, String error,
                   int attempts, Instant startedAt, Instant completedAt) {
        this(workflowId, position, name, status, output, error, attempts, startedAt, completedAt, null);
    }
}
