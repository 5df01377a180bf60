package io.durable;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What the database holds about one workflow execution.
 *
 * <pre>{@code
 * WorkflowInfo info = durable.workflow("order-42").orElseThrow();
 * System.out.println(info.status() + " on " + info.executorId());
 * info.parentId().ifPresent(parent -> System.out.println("child of " + parent));
 * info.queueName().ifPresent(queue -> System.out.println("queued on " + queue));
 * }</pre>
 *
 * @param id               the workflow ID
 * @param name             the workflow name (see {@link Workflow#name()})
 * @param status           where it stands
 * @param inputs           the recorded arguments, decoded
 * @param output           the recorded return value, decoded (null unless {@link WorkflowStatus#SUCCEEDED})
 * @param error            the recorded exception, present when {@link WorkflowStatus#FAILED}
 * @param executorId       the executor that owns the execution; null while it is {@link WorkflowStatus#ENQUEUED}
 * @param epoch            the ownership epoch, raised each time the execution is claimed for recovery
 * @param recoveryAttempts how many times it was claimed for recovery
 * @param createdAt        when it started (database clock)
 * @param updatedAt        last change of the row (database clock)
 * @param completedAt      when it finished, null while pending
 * @param parentId         the workflow that started this one as its child, if any
 * @param deadline         when it times out, if it has a timeout or deadline (its own or its parent's)
 * @param forkedFrom       the execution this one was forked from, if it is a fork
 * @param forkPosition     the journal position the fork executes from (the steps before it were copied
 *                         from {@code forkedFrom}); present for a fork
 * @param queueName        the queue it was enqueued on, if any
 * @param priority         its priority on that queue (lower first), present when enqueued
 * @param partitionKey     its partition key on that queue, if any
 * @param deduplicationId  its deduplication ID on that queue, if any
 * @param dequeuedAt       when an executor dequeued it (database clock), once it was
 */
public record WorkflowInfo(
        String id,
        String name,
        WorkflowStatus status,
        List<Object> inputs,
        Object output,
        Optional<ErrorInfo> error,
        String executorId,
        long epoch,
        int recoveryAttempts,
        Instant createdAt,
        Instant updatedAt,
        Instant completedAt,
        Optional<String> parentId,
        Optional<Instant> deadline,
        Optional<String> forkedFrom,
        OptionalInt forkPosition,
        Optional<String> queueName,
        OptionalInt priority,
        Optional<String> partitionKey,
        Optional<String> deduplicationId,
        Optional<Instant> dequeuedAt) {
}
