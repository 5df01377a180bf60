package io.durable;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Options for starting a workflow: a timeout or an absolute deadline, and optionally a queue to
 * enqueue it on (with priority, deduplication ID, partition key and delay). Immutable; each
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
    private static final StartOptions DEFAULTS = new StartOptions(null, null, null, 0, null, null, Duration.ZERO);

    private final Duration timeout;
    private final Instant deadline;
    private final String queue;
    private final int priority;
    private final String deduplicationId;
    private final String partitionKey;
    private final Duration delay;

    private StartOptions(Duration timeout, Instant deadline, String queue, int priority, String deduplicationId,
                         String partitionKey, Duration delay) {
        this.timeout = timeout;
        this.deadline = deadline;
        this.queue = queue;
        this.priority = priority;
        this.deduplicationId = deduplicationId;
        this.partitionKey = partitionKey;
        this.delay = delay;
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
     * Enqueue instead of starting at once: the workflow is stored {@link WorkflowStatus#ENQUEUED} and a
     * process that declares the queue ({@link Durable.Builder#queue(Queue)}) and registers the
     * workflow dequeues and runs it within the queue's limits. See {@code docs/queues.md}.
     *
     * <pre>{@code
     * durable.startWorkflow("welcome-42", StartOptions.queue("emails").withPriority(1), () -> mail.welcome(user));
     * }</pre>
     *
     * @param queue the queue's name
     * @return options that enqueue on it
     */
    public static StartOptions queue(String queue) {
        return DEFAULTS.withQueue(queue);
    }

    /**
     * @param timeout how long the workflow may take from its start; positive. Replaces a deadline.
     * @return a copy with that timeout
     */
    public StartOptions withTimeout(Duration timeout) {
        if (timeout == null || timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("a workflow timeout must be a positive duration, got " + timeout);
        }
        return new StartOptions(timeout, null, queue, priority, deduplicationId, partitionKey, delay);
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
        return new StartOptions(null, deadline, queue, priority, deduplicationId, partitionKey, delay);
    }

    /**
     * @param queue the queue to enqueue on (see {@link #queue(String)}), 1 to {@value Queue#MAX_NAME_LENGTH}
     *              characters
     * @return a copy that enqueues on it
     */
    public StartOptions withQueue(String queue) {
        if (queue == null || queue.isBlank() || queue.length() > Queue.MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("a queue name must be 1 to " + Queue.MAX_NAME_LENGTH
                    + " characters and not blank, got '" + queue + "'");
        }
        return new StartOptions(timeout, deadline, queue, priority, deduplicationId, partitionKey, delay);
    }

    /**
     * @param priority lower values are dequeued first (default 0); equal priorities in enqueue order
     * @return a copy with that priority
     * @throws IllegalArgumentException if no queue is set yet
     */
    public StartOptions withPriority(int priority) {
        requireQueue("withPriority");
        return new StartOptions(timeout, deadline, queue, priority, deduplicationId, partitionKey, delay);
    }

    /**
     * While a workflow enqueued with this ID on the same queue is ENQUEUED or PENDING, another enqueue
     * with it fails with {@link DeduplicationConflictException}; once that one finished, the ID is free.
     *
     * @param deduplicationId the ID, not blank
     * @return a copy with that deduplication ID
     * @throws IllegalArgumentException if no queue is set yet
     */
    public StartOptions withDeduplicationId(String deduplicationId) {
        requireQueue("withDeduplicationId");
        if (deduplicationId == null || deduplicationId.isBlank()) {
            throw new IllegalArgumentException("a deduplication ID must not be null or blank");
        }
        return new StartOptions(timeout, deadline, queue, priority, deduplicationId, partitionKey, delay);
    }

    /**
     * The queue's concurrency and rate limits apply per partition key (workflows without one form
     * one partition), e.g. one tenant per key.
     *
     * @param partitionKey the key, not blank
     * @return a copy with that partition key
     * @throws IllegalArgumentException if no queue is set yet
     */
    public StartOptions withPartitionKey(String partitionKey) {
        requireQueue("withPartitionKey");
        if (partitionKey == null || partitionKey.isBlank()) {
            throw new IllegalArgumentException("a partition key must not be null or blank");
        }
        return new StartOptions(timeout, deadline, queue, priority, deduplicationId, partitionKey, delay);
    }

    /**
     * @param delay the workflow is not dequeued before the enqueue time plus this (database clock); zero or
     *              positive
     * @return a copy with that delay
     * @throws IllegalArgumentException if no queue is set yet, or the delay is negative
     */
    public StartOptions withDelay(Duration delay) {
        requireQueue("withDelay");
        if (delay == null || delay.isNegative()) {
            throw new IllegalArgumentException("a queue delay must be zero or positive, got " + delay);
        }
        return new StartOptions(timeout, deadline, queue, priority, deduplicationId, partitionKey, delay);
    }

    private void requireQueue(String method) {
        if (queue == null) {
            throw new IllegalArgumentException(method + " applies to enqueued workflows: start from "
                    + "StartOptions.queue(name) or call withQueue(name) first");
        }
    }

    /** @return the queue to enqueue on, or null to start at once */
    public String queueName() {
        return queue;
    }

    /** @return the priority (lower first; 0 unless set) */
    public int priority() {
        return priority;
    }

    /** @return the deduplication ID, or null */
    public String deduplicationId() {
        return deduplicationId;
    }

    /** @return the partition key, or null */
    public String partitionKey() {
        return partitionKey;
    }

    /** @return the delay before the workflow may be dequeued (zero unless set) */
    public Duration delay() {
        return delay;
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
                : "none") + (queue == null ? "" : ", queue=" + queue + ", priority=" + priority
                + (deduplicationId != null ? ", deduplicationId=" + deduplicationId : "")
                + (partitionKey != null ? ", partitionKey=" + partitionKey : "")
                + (delay.isZero() ? "" : ", delay=" + delay)) + "]";
    }
}
