package io.durable;

import io.durable.internal.store.PageCursor;

import java.time.Instant;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Which workflow executions {@link Durable#listWorkflows(WorkflowQuery)} returns: filters, a page size
 * and where the page starts. Executions come newest first (by creation time, then ID, both descending).
 * Immutable: every method returns a new query. Filters combine with AND; the statuses given to
 * {@link #status} combine with OR.
 *
 * <pre>{@code
 * WorkflowQuery failedCheckouts = WorkflowQuery.all()
 *         .status(WorkflowStatus.FAILED, WorkflowStatus.TIMED_OUT)
 *         .name("checkout")
 *         .createdFrom(Instant.now().minus(Duration.ofDays(1)))
 *         .limit(100);
 * WorkflowPage page = durable.listWorkflows(failedCheckouts);
 * while (true) {
 *     page.items().forEach(w -> System.out.println(w.id() + " " + w.status()));
 *     if (page.nextCursor().isEmpty()) break;
 *     page = durable.listWorkflows(failedCheckouts.after(page.nextCursor().get()));
 * }
 * }</pre>
 *
 * <p>{@link #queue(String)} lists the workflows enqueued on a queue, e.g. those still
 * {@link WorkflowStatus#ENQUEUED}.
 */
public final class WorkflowQuery {
    /** Page size when {@link #limit(int)} is not called. */
    public static final int DEFAULT_LIMIT = 50;
    /** Largest page size {@link #limit(int)} accepts. */
    public static final int MAX_LIMIT = 1000;

    private static final WorkflowQuery ALL = new WorkflowQuery(Collections.emptySet(), null, null, null, null, null,
            null, null, DEFAULT_LIMIT, null);

    private final Set<WorkflowStatus> statuses;
    private final String name;
    private final String idPrefix;
    private final Instant createdFrom;
    private final Instant createdBefore;
    private final String executorId;
    private final String parentId;
    private final String queue;
    private final int limit;
    private final String cursor;

    private WorkflowQuery(Set<WorkflowStatus> statuses, String name, String idPrefix, Instant createdFrom,
                          Instant createdBefore, String executorId, String parentId, String queue, int limit,
                          String cursor) {
        this.statuses = statuses;
        this.name = name;
        this.idPrefix = idPrefix;
        this.createdFrom = createdFrom;
        this.createdBefore = createdBefore;
        this.executorId = executorId;
        this.parentId = parentId;
        this.queue = queue;
        this.limit = limit;
        this.cursor = cursor;
    }

    /** @return the first page of every execution, newest first, {@link #DEFAULT_LIMIT} per page */
    public static WorkflowQuery all() {
        return ALL;
    }

    /**
     * Only executions in one of these statuses.
     *
     * @param first one status
     * @param more  further statuses (any of them matches)
     * @return the narrowed query
     */
    public WorkflowQuery status(WorkflowStatus first, WorkflowStatus... more) {
        Objects.requireNonNull(first, "status");
        EnumSet<WorkflowStatus> set = EnumSet.of(first);
        for (WorkflowStatus status : Objects.requireNonNull(more, "statuses")) {
            set.add(Objects.requireNonNull(status, "status"));
        }
        return new WorkflowQuery(Collections.unmodifiableSet(set), name, idPrefix, createdFrom, createdBefore,
                executorId, parentId, queue, limit, cursor);
    }

    /**
     * Only executions of this workflow name (see {@link Workflow#name()}).
     *
     * @param name the exact workflow name
     * @return the narrowed query
     */
    public WorkflowQuery name(String name) {
        return new WorkflowQuery(statuses, required("name", name), idPrefix, createdFrom, createdBefore, executorId,
                parentId, queue, limit, cursor);
    }

    /**
     * Only executions whose ID starts with this prefix, compared byte by byte ({@code "order-"} matches
     * {@code "order-42"}; {@code %} and {@code _} have no special meaning).
     *
     * @param idPrefix the start of the IDs
     * @return the narrowed query
     */
    public WorkflowQuery idPrefix(String idPrefix) {
        return new WorkflowQuery(statuses, name, required("idPrefix", idPrefix), createdFrom, createdBefore,
                executorId, parentId, queue, limit, cursor);
    }

    /**
     * Only executions created at or after this instant (database clock).
     *
     * @param from inclusive lower bound
     * @return the narrowed query
     * @throws IllegalArgumentException if it is not before {@link #createdBefore(Instant)}
     */
    public WorkflowQuery createdFrom(Instant from) {
        Objects.requireNonNull(from, "createdFrom");
        requireRange(from, createdBefore);
        return new WorkflowQuery(statuses, name, idPrefix, from, createdBefore, executorId, parentId, queue, limit,
                cursor);
    }

    /**
     * Only executions created before this instant (database clock).
     *
     * @param before exclusive upper bound
     * @return the narrowed query
     * @throws IllegalArgumentException if it is not after {@link #createdFrom(Instant)}
     */
    public WorkflowQuery createdBefore(Instant before) {
        Objects.requireNonNull(before, "createdBefore");
        requireRange(createdFrom, before);
        return new WorkflowQuery(statuses, name, idPrefix, createdFrom, before, executorId, parentId, queue, limit,
                cursor);
    }

    /**
     * Only executions owned by this executor (see {@link WorkflowInfo#executorId()}).
     *
     * @param executorId the executor ID
     * @return the narrowed query
     */
    public WorkflowQuery executorId(String executorId) {
        return new WorkflowQuery(statuses, name, idPrefix, createdFrom, createdBefore,
                required("executorId", executorId), parentId, queue, limit, cursor);
    }

    /**
     * Only the child workflows started by this workflow.
     *
     * @param parentId the parent workflow's ID
     * @return the narrowed query
     */
    public WorkflowQuery parentId(String parentId) {
        return new WorkflowQuery(statuses, name, idPrefix, createdFrom, createdBefore, executorId,
                required("parentId", parentId), queue, limit, cursor);
    }

    /**
     * Only the workflows enqueued on this queue (in any status: ENQUEUED, running or finished).
     *
     * <pre>{@code
     * WorkflowPage waiting = durable.listWorkflows(WorkflowQuery.all().queue("emails").status(WorkflowStatus.ENQUEUED));
     * }</pre>
     *
     * @param queue the queue's name
     * @return the narrowed query
     */
    public WorkflowQuery queue(String queue) {
        return new WorkflowQuery(statuses, name, idPrefix, createdFrom, createdBefore, executorId, parentId,
                required("queue", queue), limit, cursor);
    }

    /**
     * @param limit most executions per page, 1 to {@link #MAX_LIMIT} (default {@link #DEFAULT_LIMIT})
     * @return the query with that page size
     * @throws IllegalArgumentException when out of range
     */
    public WorkflowQuery limit(int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ", got " + limit);
        }
        return new WorkflowQuery(statuses, name, idPrefix, createdFrom, createdBefore, executorId, parentId, queue,
                limit, cursor);
    }

    /**
     * The page after the one that returned this cursor. Keep the other filters as they were: the cursor
     * only marks a position in the order.
     *
     * @param cursor {@link WorkflowPage#nextCursor()} of the previous page
     * @return the query for the next page
     * @throws IllegalArgumentException if the cursor is malformed
     */
    public WorkflowQuery after(String cursor) {
        PageCursor.decode(cursor);
        return new WorkflowQuery(statuses, name, idPrefix, createdFrom, createdBefore, executorId, parentId, queue,
                limit, cursor);
    }

    /** @return the statuses to match (any of them); empty for all */
    public Set<WorkflowStatus> statuses() {
        return statuses;
    }

    /** @return the workflow name to match */
    public Optional<String> name() {
        return Optional.ofNullable(name);
    }

    /** @return the ID prefix to match */
    public Optional<String> idPrefix() {
        return Optional.ofNullable(idPrefix);
    }

    /** @return the inclusive lower bound of the creation time */
    public Optional<Instant> createdFrom() {
        return Optional.ofNullable(createdFrom);
    }

    /** @return the exclusive upper bound of the creation time */
    public Optional<Instant> createdBefore() {
        return Optional.ofNullable(createdBefore);
    }

    /** @return the owning executor to match */
    public Optional<String> executorId() {
        return Optional.ofNullable(executorId);
    }

    /** @return the parent workflow to match */
    public Optional<String> parentId() {
        return Optional.ofNullable(parentId);
    }

    /** @return the queue to match */
    public Optional<String> queue() {
        return Optional.ofNullable(queue);
    }

    /** @return the page size */
    public int limit() {
        return limit;
    }

    /** @return the cursor the page starts after; empty for the first page */
    public Optional<String> cursor() {
        return Optional.ofNullable(cursor);
    }

    private static String required(String what, String value) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(what + " must not be null or empty");
        }
        return value;
    }

    private static void requireRange(Instant from, Instant before) {
        if (from != null && before != null && !from.isBefore(before)) {
            throw new IllegalArgumentException("createdFrom (" + from + ") must be before createdBefore (" + before
                    + ")");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WorkflowQuery q && limit == q.limit && statuses.equals(q.statuses)
                && Objects.equals(name, q.name) && Objects.equals(idPrefix, q.idPrefix)
                && Objects.equals(createdFrom, q.createdFrom) && Objects.equals(createdBefore, q.createdBefore)
                && Objects.equals(executorId, q.executorId) && Objects.equals(parentId, q.parentId)
                && Objects.equals(queue, q.queue) && Objects.equals(cursor, q.cursor);
    }

    @Override
    public int hashCode() {
        return Objects.hash(statuses, name, idPrefix, createdFrom, createdBefore, executorId, parentId, queue, limit, cursor);
    }

    @Override
    public String toString() {
        return "WorkflowQuery[statuses=" + statuses + ", name=" + name + ", idPrefix=" + idPrefix + ", createdFrom="
                + createdFrom + ", createdBefore=" + createdBefore + ", executorId=" + executorId + ", parentId="
                + parentId + ", queue=" + queue + ", limit=" + limit + ", cursor=" + cursor + "]";
    }
}
