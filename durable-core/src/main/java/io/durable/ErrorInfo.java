package io.durable;

/**
 * A recorded exception as stored in the journal: the original class name, message and the stack
 * trace as text.
 *
 * <pre>{@code
 * durable.workflow(id).flatMap(WorkflowInfo::error).ifPresent(e -> log.warn("{}: {}", e.className(), e.message()));
 * }</pre>
 *
 * @param className  fully qualified class name of the original exception
 * @param message    its message, may be null
 * @param stackTrace its stack trace (with causes) as printed by {@link Throwable#printStackTrace()}
 */
public record ErrorInfo(String className, String message, String stackTrace) {
}
