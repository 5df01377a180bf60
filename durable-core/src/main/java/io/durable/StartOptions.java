package io.durable;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Options for starting a workflow: a timeout or an absolute deadline. Immutable; each
 * {@code with...} call returns a new instance. The deadline is fixed when the workflow is first
 * started and stored with it: a restart, a recovery or a second start of the same ID never moves it.
 * When it passes, the workflow stops at its next step boundary (or is woken from a wait) and is
 * recorded as {@link WorkflowStatus#TIMED_OUT}; {@code result()} throws {@link WorkflowTimedOutException}.
 *
 * <pre>{@code
 * WorkflowHandle<String> handle = durable.startWorkflow("order-42",
 *         StartOptions.timeout(Duration.ofHours(2)), () -> checkout.checkout(order));
 * durable.runWorkflow("report-7", StartOptions.deadline(Instant.parse("2030-01-01T00:00:00Z")),
 *         () -> reports.build("2029"));
 * }</pre>
 *
 * <p>A timeout is measured from the start on the starting process's clock. A step that is running
 * when the deadline passes is not interrupted: it finishes, its result is recorded, and the
 * workflow stops before the next one.
 */
public final class StartOptions {
    private static final StartOptions DEFAULTS = new StartOptions(null, null);

    private final Duration timeout;
    private final Instant deadline;

    private StartOptions(Duration timeout, Instant deadline) {
        this.timeout = timeout;
        this.deadline = deadline;
    }

    /**
     * No timeout and no deadline of its own (a child workflow inherits its parent's deadline).
     *
     * @return the default options
     */
    public static StartOptions defaults() {
        return DEFAULTS;
    }

    /**
     * @param timeout how long the workflow may take from its start; positive
     * @return options with that timeout
     * @throws IllegalArgumentException if the timeout is null, zero or negative
     */
    public static StartOptions timeout(Duration timeout) {
        return DEFAULTS.withTimeout(timeout);
    }

    /**
     * @param deadline the instant by which the workflow must be finished
     * @return options with that deadline
     * @throws IllegalArgumentException if the deadline is null
     */
    public static StartOptions deadline(Instant deadline) {
        return DEFAULTS.withDeadline(deadline);
    }

    /**
     * @param timeout how long the workflow may take from its start; positive. Replaces a deadline.
     * @return a copy with that timeout
     */
    public StartOptions withTimeout(Duration timeout) {
        if (timeout == null || timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("a workflow timeout must be a positive duration, got " + timeout);
        }
        return new StartOptions(timeout, null);
    }

    /**
     * @param deadline the instant by which the workflow must be finished (one already past times the
     *                 workflow out at its first step). Replaces a timeout.
     * @return a copy with that deadline
     */
    public StartOptions withDeadline(Instant deadline) {
        if (deadline == null) {
            throw new IllegalArgumentException("a workflow deadline must not be null; use StartOptions.defaults()"
                    + " for none");
        }
        return new StartOptions(null, deadline);
    }

    /** @return the timeout, or null when none was set */
    public Duration timeout() {
        return timeout;
    }

    /** @return the absolute deadline, or null when none was set */
    public Instant deadline() {
        return deadline;
    }

    /**
     * The absolute deadline these options give a workflow started at {@code startedAt}.
     *
     * @param startedAt when the workflow starts
     * @return its deadline, or null when the options set none
     */
    public Instant deadlineFrom(Instant startedAt) {
        Objects.requireNonNull(startedAt, "startedAt");
        if (deadline != null) {
            return deadline;
        }
        if (timeout == null) {
            return null;
        }
        // Beyond Instant.MAX a timeout means "never".
        return Duration.between(startedAt, Instant.MAX).compareTo(timeout) <= 0 ? null : startedAt.plus(timeout);
    }

    @Override
    public String toString() {
        return "StartOptions[" + (timeout != null ? "timeout=" + timeout : deadline != null ? "deadline=" + deadline
                : "none") + "]";
    }
}
