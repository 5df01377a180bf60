package io.durable.internal.store;

import io.durable.StepStatus;

import java.time.Instant;

/** One journal entry, payloads still encoded. {@code output} holds the value, {@code error} the exception. */
public record StepRow(
        String workflowId,
        int position,
        String name,
        StepStatus status,
        String output,
        String error,
        int attempts,
        Instant startedAt,
        Instant completedAt) {
}
