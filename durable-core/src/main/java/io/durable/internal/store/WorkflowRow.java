package io.durable.internal.store;

import io.durable.WorkflowStatus;

import java.time.Instant;

/**
 * One row of the workflows table, payloads still encoded. {@code waitPosition} and {@code wakeAt}
 * remember the last wait's position and deadline (null when it never waited, or waited without a
 * deadline), so a replay reaching that wait keeps its deadline. {@code parentId}/{@code parentPosition}
 * name the workflow (and its journal position) that started this one as a child; {@code deadlineAt}
 * is when it times out; {@code forkedFrom}/{@code forkPosition} name the execution whose journal a
 * fork reused, up to that position. {@code queueName}, {@code priority}, {@code partitionKey} and
 * {@code deduplicationId} are set for an enqueued workflow, {@code dequeuedAt} once it was dequeued.
 * All null when not applicable; {@code owner} is null while the workflow is ENQUEUED.
 */
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
        Instant completedAt,
        Integer waitPosition,
        Instant wakeAt,
        String parentId,
        Integer parentPosition,
        Instant deadlineAt,
        String forkedFrom,
        Integer forkPosition,
        String queueName,
        Integer priority,
        String partitionKey,
        String deduplicationId,
        Instant dequeuedAt) {
}
