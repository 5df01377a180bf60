package io.durable;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One entry of a workflow's journal.
 *
 * <pre>{@code
 * for (StepInfo s : durable.steps("order-42")) {
 *     System.out.println(s.position() + " " + s.name() + " " + s.status() + " in " + s.duration().toMillis() + " ms"
 *             + s.childWorkflowId().map(child -> ", started " + child).orElse(""));
 * }
 * }</pre>
 *
 * @param position        1-based position of the step in the workflow
 * @param name            the step name
 * @param status          the recorded outcome
 * @param output          the recorded value, decoded (null when failed)
 * @param error           the recorded exception, present when failed
 * @param attempts        how many times the step ran before this outcome was recorded
 * @param startedAt       when the first attempt started
 * @param completedAt     when the outcome was recorded
 * @param childWorkflowId the child workflow this step started, if it started one
 */
public record StepInfo(
        int position,
        String name,
        StepStatus status,
        Object output,
        Optional<ErrorInfo> error,
        int attempts,
        Instant startedAt,
        Instant completedAt,
        Optional<String> childWorkflowId) {

    /** @return how long the step took, all attempts included */
    public Duration duration() {
        return Duration.between(startedAt, completedAt);
    }
}
