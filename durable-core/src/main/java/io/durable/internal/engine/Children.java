package io.durable.internal.engine;

import io.durable.DeduplicationConflictException;
import io.durable.StartOptions;
import io.durable.DurableException;
import io.durable.FirstFinished;
import io.durable.NonDeterministicWorkflowException;
import io.durable.StepStatus;
import io.durable.WorkflowHandle;
import io.durable.WorkflowIdConflictException;
import io.durable.WorkflowNotFoundException;
import io.durable.WorkflowStatus;
import io.durable.internal.serial.ErrorCodec;
import io.durable.internal.serial.PayloadCodec;
import io.durable.internal.store.ChildStart;
import io.durable.internal.store.NewWorkflow;
import io.durable.internal.store.QueueEntry;
import io.durable.internal.store.StepRow;
import io.durable.internal.store.Store;
import io.durable.internal.store.WorkflowRow;
import io.durable.internal.util.Sneaky;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;

/**
 * Child workflows: a workflow started from workflow code, and waiting on other workflows from
 * workflow code. A start takes one journal position and is written together with the child row in
 * one fenced statement; its entry names the child, so a replay reuses the child instead of starting
 * another. The child's ID is {@code <parentId>/<position>} unless the caller gives one. Waiting on
 * workflows is a durable wait like {@code recv}: a child started with a queue in its options is
 * enqueued (the row ENQUEUED, the journal entry the same) and waited on like any other. Waiting on
 * workflows it records what it waits for, waits in memory for the
 * hot window, then parks; the outcome of each awaited workflow is recorded in the journal (the value,
 * or the exception, rebuilt as itself on replay), so a replay does not wait again.
 */
final class Children {
    static final String START = "durable.startChild:";
    static final String RESULT = "durable.childResult:";
    static final String ANY = "durable.awaitAny";
    private static final int MAX_WORKFLOW_ID_LENGTH = 512;
    private static final Duration POLL_FIRST = Duration.ofMillis(2);
    private static final Duration POLL_MAX = Duration.ofMillis(200);
    private static final Set<WorkflowStatus> UNFINISHED = Set.of(WorkflowStatus.ENQUEUED, WorkflowStatus.PENDING,
            WorkflowStatus.DEAD_LETTER);

    private final Engine engine;
    private final Store store;
    private final PayloadCodec codec;
    private final ErrorCodec errors;
    private final StepRunner steps;
    private final Waiters waiters;
    private final Messaging messaging;
    private final String executorId;
    private final Duration hotWindow;

    Children(Engine engine, Store store, PayloadCodec codec, ErrorCodec errors, StepRunner steps, Waiters waiters,
             Messaging messaging, String executorId, Duration hotWindow) {
        this.engine = engine;
        this.store = store;
        this.codec = codec;
        this.errors = errors;
        this.steps = steps;
        this.waiters = waiters;
        this.messaging = messaging;
        this.executorId = executorId;
        this.hotWindow = hotWindow;
    }

    /** The workflow whose code (not a step of it) runs on this thread, or null: starts there make children. */
    WorkflowContext workflowCode() {
        WorkflowContext ctx = WorkflowContext.current();
        return ctx != null && !ctx.inStep() && ctx.engine == engine ? ctx : null;
    }

    // ---- starting --------------------------------------------------------------------------------

    /**
     * Starts {@code workflow} as a child of the workflow running in {@code ctx}, or returns the child
     * recorded at this position by an earlier run.
     *
     * @param givenId the child's ID, or null to derive {@code <parentId>/<position>}
     * @param options the child's own timeout or deadline, or null to inherit the parent's deadline
     */
    <T> WorkflowHandle<T> start(WorkflowContext ctx, String givenId, RegisteredWorkflow workflow, Object[] arguments,
                                StartOptions options) {
        String name = START + workflow.name();
        int position = steps.nextPosition(ctx);
        StepRow recorded = ctx.recorded(position);
        if (recorded != null) {
            steps.checkReplay(ctx, recorded, name);
            return new EngineHandle<>(engine, recorded.childWorkflowId());
        }
        String childId = givenId != null ? givenId : ctx.workflowId + "/" + position;
        requireChildId(ctx, childId);
        String inputs = codec.encodeArguments(arguments, childId, workflow.name());
        Instant now = Instant.now();
        Instant deadline = Deadlines.forNewWorkflow(options != null ? options : StartOptions.defaults(),
                ctx.deadlineAt(), now);
        StepRow entry = new StepRow(ctx.workflowId, position, name, StepStatus.SUCCEEDED,
                codec.encode(childId, ctx.workflowId, position, "the ID of child workflow '" + childId + "'"), null, 1,
                now, now, childId);
        QueueEntry queue = QueueDispatcher.entry(options);
        ChildStart started;
        try {
            started = store.startChild(new NewWorkflow(childId, workflow.name(), inputs, queue == null ? executorId : null,
                    deadline, queue), entry, executorId, ctx.epoch);
        } catch (DeduplicationConflictException e) {
            throw e; // the workflow's own business: nothing was recorded, a replay tries the enqueue again
        } catch (DurableException e) {
            throw steps.storeFailure(ctx, position, name, e);
        }
        switch (started.kind()) {
            case STARTED:
                if (queue != null) {
                    engine.queues().enqueued(queue.queueName());
                    return new EngineHandle<>(engine, childId);
                }
                return engine.runChild(childId, workflow, arguments, ctx.workflowId, deadline);
            case JOINED:
                // Started before, by us or someone else: resume it here if it is ours and runs nowhere.
                return engine.start(childId, workflow, arguments);
            case NAME_CONFLICT:
                throw new WorkflowIdConflictException(childId, started.existingName(), workflow.name());
            case CONFLICT:
                steps.checkReplay(ctx, started.existing(), name);
                return new EngineHandle<>(engine, started.existing().childWorkflowId());
            default:
                throw steps.fenced(ctx, position);
        }
    }

    private static void requireChildId(WorkflowContext ctx, String childId) {
        if (childId.isBlank()) {
            throw new IllegalArgumentException("workflow ID must not be null or blank");
        }
        if (childId.length() > MAX_WORKFLOW_ID_LENGTH) {
            throw new IllegalArgumentException("child workflow ID '" + childId.substring(0, 40) + "...' of workflow '"
                    + ctx.workflowId + "' is " + childId.length() + " characters; at most " + MAX_WORKFLOW_ID_LENGTH
                    + " are allowed (a derived ID is <parentId>/<position>: give the child a shorter ID)");
        }
        if (childId.equals(ctx.workflowId)) {
            throw new IllegalArgumentException("workflow '" + ctx.workflowId + "' cannot start itself as its child");
        }
    }

    // ---- waiting ---------------------------------------------------------------------------------

    /** See {@code Durable.awaitAll}: durable inside workflow code, a plain wait for each result elsewhere. */
    List<Object> awaitAll(List<String> ids) {
        WorkflowContext ctx = workflowCode();
        if (ctx != null) {
            return awaitAll(ctx, ids);
        }
        List<Object> values = new ArrayList<>(ids.size());
        for (String id : ids) {
            values.add(new EngineHandle<>(engine, id).result());
        }
        return values;
    }

    /** See {@code Durable.awaitAny}: recorded inside workflow code; elsewhere it polls the database. */
    <T> FirstFinished<T> awaitAny(List<String> ids) {
        WorkflowContext ctx = workflowCode();
        if (ctx != null) {
            return awaitAny(ctx, ids);
        }
        long pollNanos = POLL_FIRST.toNanos();
        while (true) {
            Map<String, WorkflowRow> rows = read(null, 0, ANY, ids);
            WorkflowRow first = firstFinished(ids, rows);
            if (first != null) {
                StepRow outcome = outcomeEntry(first.id(), 0, ANY, first);
                return new First<>(ids.indexOf(first.id()), first.id(), () -> steps.outcomeOf(outcome));
            }
            LockSupport.parkNanos(pollNanos);
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                throw new DurableException("interrupted while waiting for one of the workflows " + ids);
            }
            pollNanos = Math.min(pollNanos * 2, POLL_MAX.toNanos());
        }
    }

    /**
     * Inside workflow code: the outcomes of the workflows, in order, each recorded as one journal
     * entry. Waits once for all that are unfinished; stops at the first failure (in list order) and
     * throws it (unchecked as it is, checked wrapped).
     */
    List<Object> awaitAll(WorkflowContext ctx, List<String> ids) {
        List<Object> values = new ArrayList<>(ids.size());
        Map<String, WorkflowRow> finished = Map.of();
        for (int i = 0; i < ids.size(); i++) {
            String id = ids.get(i);
            String name = RESULT + id;
            int position = steps.nextPosition(ctx);
            StepRow recorded = ctx.recorded(position);
            if (recorded != null) {
                steps.checkReplay(ctx, recorded, name);
                values.add(Engine.deliver(id, () -> steps.outcomeOf(recorded)));
                continue;
            }
            if (!finished.containsKey(id)) {
                finished = waitFor(ctx, position, name, ids.subList(i, ids.size()), true);
            }
            StepRow ended = messaging.endWait(ctx, outcomeEntry(ctx.workflowId, position, name, finished.get(id)));
            values.add(Engine.deliver(id, () -> steps.outcomeOf(ended)));
        }
        return values;
    }

    /** Inside workflow code: the first of the workflows to finish, recorded so that a replay picks the same. */
    <T> FirstFinished<T> awaitAny(WorkflowContext ctx, List<String> ids) {
        int position = steps.nextPosition(ctx);
        StepRow entry = ctx.recorded(position);
        if (entry != null) {
            steps.checkReplay(ctx, entry, ANY);
        } else {
            WorkflowRow first = firstFinished(ids, waitFor(ctx, position, ANY, ids, false));
            entry = messaging.endWait(ctx, outcomeEntry(ctx.workflowId, position, ANY, first));
        }
        int index = ids.indexOf(entry.childWorkflowId());
        if (index < 0) {
            ctx.divergence = new NonDeterministicWorkflowException(ctx.workflowId, position,
                    ANY + " (" + entry.childWorkflowId() + ")", ANY + " " + ids);
            throw ctx.divergence;
        }
        StepRow chosen = entry;
        return new First<>(index, chosen.childWorkflowId(), () -> steps.outcomeOf(chosen));
    }

    /**
     * Reads the workflows until all ({@code all}) or one of them has finished, recording the wait and
     * parking after the hot window. Wake-ups come as messages to the waiting workflow do.
     *
     * @return the rows read last, by ID
     */
    private Map<String, WorkflowRow> waitFor(WorkflowContext ctx, int position, String name, List<String> ids,
                                             boolean all) {
        Waiters.HotWait hot = waiters.forMessages(ctx.workflowId, ctx.onWorker);
        try {
            boolean waitRecorded = false;
            Long hotUntil = null;
            while (true) {
                hot.clear();
                Map<String, WorkflowRow> rows = read(ctx, position, name, ids);
                Set<String> unfinished = new LinkedHashSet<>();
                for (String id : ids) {
                    if (!finished(rows.get(id))) {
                        unfinished.add(id);
                    }
                }
                if (all ? unfinished.isEmpty() : unfinished.size() < new LinkedHashSet<>(ids).size()) {
                    return rows;
                }
                if (!waitRecorded) {
                    recordWait(ctx, position, name, all, List.copyOf(unfinished));
                    waitRecorded = true;
                    hotUntil = System.nanoTime() + hotWindow.toNanos();
                }
                if (!messaging.keepWaiting(ctx, hot, null, hotUntil)) {
                    throw StepRunner.park(ctx);
                }
            }
        } finally {
            waiters.unregister(hot);
        }
    }

    /** The finished workflow that completed first (ties: the first in the list), or null. */
    private static WorkflowRow firstFinished(List<String> ids, Map<String, WorkflowRow> rows) {
        return ids.stream().map(rows::get).filter(Children::finished)
                .min(Comparator.comparing(WorkflowRow::completedAt, Comparator.nullsLast(Comparator.naturalOrder())))
                .orElse(null);
    }

    /** @param ctx the waiting workflow, or null outside one */
    private Map<String, WorkflowRow> read(WorkflowContext ctx, int position, String name, List<String> ids) {
        List<WorkflowRow> found;
        try {
            found = store.findWorkflows(new LinkedHashSet<>(ids));
        } catch (DurableException e) {
            if (ctx == null) {
                throw e;
            }
            throw steps.storeFailure(ctx, position, name, e);
        }
        Map<String, WorkflowRow> rows = new HashMap<>();
        found.forEach(row -> rows.put(row.id(), row));
        for (String id : ids) {
            if (!rows.containsKey(id)) {
                throw new WorkflowNotFoundException(id);
            }
        }
        return rows;
    }

    private void recordWait(WorkflowContext ctx, int position, String name, boolean all, List<String> ids) {
        boolean recorded;
        try {
            recorded = store.recordChildWait(ctx.workflowId, position, all, ids, executorId, ctx.epoch);
        } catch (DurableException e) {
            throw steps.storeFailure(ctx, position, name, e);
        }
        if (!recorded) {
            throw steps.fenced(ctx, position);
        }
    }

    /** The journal entry holding a finished workflow's outcome: its value, or its exception. */
    private StepRow outcomeEntry(String workflowId, int position, String name, WorkflowRow child) {
        Instant now = Instant.now();
        if (child.status() == WorkflowStatus.SUCCEEDED) {
            return new StepRow(workflowId, position, name, StepStatus.SUCCEEDED, child.output(), null, 1, now, now,
                    child.id());
        }
        String error = child.error() != null ? child.error()
                : errors.encode(new DurableException("workflow '" + child.id() + "' ended " + child.status()
                        + " without a recorded error", null, child.id(), 0));
        return new StepRow(workflowId, position, name, StepStatus.FAILED, null, error, 1, now, now, child.id());
    }

    static boolean finished(WorkflowRow row) {
        return row != null && !UNFINISHED.contains(row.status());
    }

    /** What {@code awaitAny} returns. */
    private record First<T>(int index, String workflowId, StepBody outcome) implements FirstFinished<T> {
        @Override
        @SuppressWarnings("unchecked")
        public T result() {
            return (T) Engine.deliver(workflowId, () -> {
                try {
                    return outcome.run();
                } catch (Throwable t) {
                    throw Sneaky.rethrow(t);
                }
            });
        }
    }
}
