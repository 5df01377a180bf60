package io.durable;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What the database holds about one workflow execution.
 *
 * <pre>{@code
 * WorkflowInfo info = durable.workflow("order-42").orElseThrow();
 * System.out.println(info.status() + " on " + info.executorId());
 * }</pre>
 *
 * @param id               the workflow ID
 * @param name             the workflow name (see {@link Workflow#name()})
 * @param status           where it stands
 * @param inputs           the recorded arguments, decoded
 * @param output           the recorded return value, decoded (null unless {@link WorkflowStatus#SUCCEEDED})
 * @param error            the recorded exception, present when {@link WorkflowStatus#FAILED}
 * @param executorId       the executor that owns the execution
 * @param epoch            the ownership epoch, raised each time the execution is claimed for recovery
 * @param recoveryAttempts how many times it was claimed for recovery
 * @param createdAt        when it started (database clock)
 * @param updatedAt        last change of the row (database clock)
 * @param completedAt      when it finished, null while pending
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
        Instant completedAt) {
}
