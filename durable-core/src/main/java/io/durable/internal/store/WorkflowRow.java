package io.durable.internal.store;

import io.durable.WorkflowStatus;

import java.time.Instant;

/** One row of the workflows table, payloads still encoded. */
public record WorkflowRow(
        String id,
        String name,
        WorkflowStatus status,
        String inputs,
        String output,
        String error,
        String owner,
        long epoch,
        int recoveryAttempts,
        Instant createdAt,
        Instant updatedAt,
        Instant completedAt) {
}
