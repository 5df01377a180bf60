package io.durable.internal.engine;

import io.durable.DurableException;
import io.durable.StartOptions;
import io.durable.WorkflowCancelledException;
import io.durable.WorkflowDeadLetterException;
import io.durable.WorkflowFailedException;
import io.durable.WorkflowHandle;
import io.durable.WorkflowNotFoundException;
import io.durable.WorkflowStatus;
import io.durable.WorkflowTimedOutException;
import io.durable.internal.serial.ErrorCodec;
import io.durable.internal.store.Completion;
import io.durable.internal.store.StepRow;
import io.durable.internal.store.Store;
import io.durable.internal.store.WorkflowRow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Stopping and restarting workflows from outside their code: deadlines, cancel, resume, fork and
 * the dead-letter limit on recoveries.
 *
 * <p>A cancel writes CANCELLED (with its error) straight onto the row, from any process, and then
 * asks the run to stop: in this process directly, elsewhere through a notification. The run stops
 * at its next step boundary, or at once if it waits or is still queued. A step already running
 * finishes: its checkpoint is refused by the usual fence (the row is no longer PENDING), and on that
 * rare path the step is recorded anyway through a fence that accepts a CANCELLED row still held by
 * the same owner and epoch. A resume raises the epoch, so a stale run can never write after it.
 */
final class Lifecycle {
    private static final Logger log = LoggerFactory.getLogger(Lifecycle.class);
    private static final int MAX_WORKFLOW_ID_LENGTH = 512;

    private final Engine engine;
    private final Store store;
    private final ErrorCodec errors;
    private final StepRunner steps;
    private final Waiters waiters;
    private final String executorId;
    private final int maxRecoveryAttempts;
    private final Duration stopWait;

    Lifecycle(Engine engine, Store store, ErrorCodec errors, StepRunner steps, Waiters waiters, EngineConfig config) {
        this.engine = engine;
        this.store = store;
        this.errors = errors;
        this.steps = steps;
        this.waiters = waiters;
        this.executorId = config.executorId();
        this.maxRecoveryAttempts = config.maxRecoveryAttempts();
        this.stopWait = config.shutdownTimeout();
    }

    // ---- on the workflow's thread -----------------------------------------------------------

    /** Before a step that is not in the journal runs: stops a cancelled or timed-out workflow. */
    void atBoundary(WorkflowContext ctx) {
        WorkflowRun run = ctx.run;
        if (run == null) {
            return;
        }
        if (run.cancelRequested) {
            throw StepRunner.unwind(ctx, new WorkflowCancelledException(ctx.workflowId));
        }
        Instant deadline = run.deadlineAt;
        if (deadline != null && !Instant.now().isBefore(deadline)) {
            throw timeOut(ctx, deadline);
        }
    }

    /** Before a run starts on its thread: a run cancelled while it was queued never starts. */
    void beforeRun(WorkflowRun run) {
        run.started = true;
        if (run.cancelRequested) {
            WorkflowCancelledException cancelled = new WorkflowCancelledException(run.workflowId);
            throw new UnwindSignal(cancelled.getMessage(), cancelled);
        }
    }

    /** The deadline a wait really has: its own, or the workflow's if that comes first. */
    Instant earliest(WorkflowContext ctx, Instant waitDeadline) {
        Instant workflowDeadline = ctx.deadlineAt();
        if (workflowDeadline == null) {
            return waitDeadline;
        }
        return waitDeadline == null || workflowDeadline.isBefore(waitDeadline) ? workflowDeadline : waitDeadline;
    }

    /** Lets a cancel wake this wait; stops at once if the workflow is already cancelled or timed out. */
    void watch(WorkflowContext ctx, Waiters.HotWait wait) {
        if (ctx.run != null) {
            ctx.run.hotWait = wait;
        }
        atBoundary(ctx);
    }

    void unwatch(WorkflowContext ctx) {
        if (ctx.run != null) {
            ctx.run.hotWait = null;
        }
    }

    private UnwindSignal timeOut(WorkflowContext ctx, Instant deadline) {
        WorkflowTimedOutException timedOut = new WorkflowTimedOutException(ctx.workflowId, deadline);
        boolean recorded;
        try {
            recorded = store.completeWorkflow(new Completion(ctx.workflowId, executorId, ctx.epoch,
                    WorkflowStatus.TIMED_OUT, null, errors.encode(timedOut)));
        } catch (DurableException e) {
            throw steps.storeFailure(ctx, ctx.position, "(timeout)", e);
        }
        if (!recorded) {
            return steps.fenced(ctx, ctx.position);
        }
        log.info("workflow '{}' timed out: its deadline {} passed; stopped before step {}", ctx.workflowId, deadline,
                ctx.position);
        if (ctx.run != null && ctx.run.parentId != null) {
            waiters.childFinished(ctx.run.parentId);
        }
        return StepRunner.unwind(ctx, timedOut);
    }

    /**
     * A write of this run was refused. If the row was stopped (cancelled, timed out, dead-lettered)
     * while this run still held it, that is why: record the step that was running, if it was cancelled
     * meanwhile, and stop with the recorded error.
     *
     * @param row  the workflow's row as read after the refusal, or null if it could not be read
     * @param step the step whose checkpoint was refused, or null for a wait, send or event
     * @return the signal to stop with, or null when the run lost ownership for another reason
     */
    UnwindSignal afterRefusedWrite(WorkflowContext ctx, WorkflowRow row, StepRow step) {
        if (Fencing.lost(row, executorId, ctx.epoch) || !stoppedByOperator(row)) {
            return null;
        }
        if (step != null && row.status() == WorkflowStatus.CANCELLED) {
            try {
                store.recordStepAfterCancel(step, executorId, ctx.epoch);
            } catch (DurableException e) {
                throw steps.storeFailure(ctx, step.position(), step.name(), e);
            }
            log.debug("workflow '{}' was cancelled while step {} '{}' ran; the step's outcome is recorded",
                    ctx.workflowId, step.position(), step.name());
        }
        return StepRunner.unwind(ctx, recordedFailure(row));
    }

    private static boolean stoppedByOperator(WorkflowRow row) {
        return row.status() == WorkflowStatus.CANCELLED || row.status() == WorkflowStatus.TIMED_OUT
                || row.status() == WorkflowStatus.DEAD_LETTER;
    }

    private RuntimeException recordedFailure(WorkflowRow row) {
        if (row.error() == null) {
            return new WorkflowCancelledException(row.id());
        }
        Throwable recorded = errors.rebuild(row.error(), row.id(), 0);
        return recorded instanceof RuntimeException runtime ? runtime : new WorkflowFailedException(row.id(), recorded);
    }

    // ---- recovery -----------------------------------------------------------------------------

    /**
     * Whether a claimed workflow may run: one claimed for recovery more often than allowed goes to
     * DEAD_LETTER instead, with one warning.
     */
    boolean admit(WorkflowRow row) {
        if (row.recoveryAttempts() <= maxRecoveryAttempts) {
            return true;
        }
        WorkflowDeadLetterException deadLetter = new WorkflowDeadLetterException(row.id(), row.recoveryAttempts(),
                maxRecoveryAttempts);
        try {
            if (store.completeWorkflow(new Completion(row.id(), executorId, row.epoch(), WorkflowStatus.DEAD_LETTER,
                    null, errors.encode(deadLetter)))) {
                log.warn(deadLetter.getMessage());
            }
        } catch (DurableException e) {
            log.warn("workflow '{}' exceeded maxRecoveryAttempts ({}) but could not be moved to DEAD_LETTER: {}; it "
                    + "stays PENDING and is not run", row.id(), maxRecoveryAttempts, e.getMessage());
        }
        return false;
    }

    // ---- operator actions -------------------------------------------------------------------------

    boolean cancel(String workflowId, boolean withChildren) {
        List<String> cancelled = store.cancel(workflowId, withChildren,
                id -> errors.encode(new WorkflowCancelledException(id)));
        if (cancelled.isEmpty() && store.findWorkflow(workflowId).isEmpty()) {
            throw new WorkflowNotFoundException(workflowId);
        }
        for (String id : cancelled) {
            cancelRequested(id);
            waiters.cancelled(id);
        }
        if (!cancelled.isEmpty()) {
            log.info("cancelled {} workflow(s): {}", cancelled.size(), cancelled);
        }
        return cancelled.contains(workflowId);
    }

    /** A workflow was cancelled (here or in another process): stop its run in this process, if any. */
    void cancelRequested(String workflowId) {
        WorkflowRun run = engine.runHere(workflowId);
        if (run == null) {
            return;
        }
        run.cancelRequested = true;
        if (run.parentId != null) {
            waiters.childFinished(run.parentId); // its row says CANCELLED already
        }
        Waiters.HotWait wait = run.hotWait;
        if (wait != null) {
            wait.signal();
        }
        if (!run.started) {
            // Queued: it will not run, so its callers need not wait for a thread to learn that.
            run.outcome.completeExceptionally(new WorkflowCancelledException(workflowId));
        }
    }

    <T> WorkflowHandle<T> resume(String workflowId, StartOptions options) {
        WorkflowRow row = store.findWorkflow(workflowId).orElseThrow(() -> new WorkflowNotFoundException(workflowId));
        if (!row.status().isTerminal()) {
            return new EngineHandle<>(engine, workflowId);
        }
        if (row.status() == WorkflowStatus.SUCCEEDED) {
            throw new IllegalStateException("workflow '" + workflowId + "' SUCCEEDED; there is nothing to resume "
                    + "(durable.fork runs it again from a step)");
        }
        requireRegistered(row, "resume");
        awaitRunEnded(workflowId);
        Instant deadline = options == null ? null : Deadlines.forNewWorkflow(options, null, Instant.now());
        Optional<Store.Resumed> resumed = store.resume(workflowId, executorId, options != null, deadline);
        if (resumed.isEmpty()) {
            WorkflowStatus now = store.findWorkflow(workflowId).map(WorkflowRow::status).orElse(null);
            if (now != null && !now.isTerminal()) {
                return new EngineHandle<>(engine, workflowId);
            }
            throw new IllegalStateException("workflow '" + workflowId + "' changed to " + now + " while it was being "
                    + "resumed; nothing was resumed");
        }
        Store.Resumed done = resumed.get();
        if (done.row().status() == WorkflowStatus.ENQUEUED) {
            // A queued workflow goes back on its queue, so its limits hold for it again.
            log.info("re-enqueued workflow '{}' ({}) on queue '{}'; it continues from its last checkpoint when "
                    + "dequeued", workflowId, row.status(), done.row().queueName());
            engine.queues().enqueued(done.row().queueName());
            return new EngineHandle<>(engine, workflowId);
        }
        if (done.removedFailedStep() > 0) {
            log.info("resuming workflow '{}' ({}): its failed last step {} was removed from the journal and runs again",
                    workflowId, row.status(), done.removedFailedStep());
        } else {
            log.info("resuming workflow '{}' ({}) from its last checkpoint", workflowId, row.status());
        }
        engine.resumeClaimed(done.row());
        return new EngineHandle<>(engine, workflowId);
    }

    <T> WorkflowHandle<T> fork(String workflowId, int fromStep, String newWorkflowId) {
        WorkflowRow original = store.findWorkflow(workflowId)
                .orElseThrow(() -> new WorkflowNotFoundException(workflowId));
        requireRegistered(original, "fork");
        int last = store.loadJournal(workflowId).stream().mapToInt(StepRow::position).max().orElse(0);
        if (fromStep < 1 || fromStep > last + 1) {
            throw new IllegalArgumentException("cannot fork workflow '" + workflowId + "' from step " + fromStep
                    + ": its journal ends at position " + last + ", so fromStep must be between 1 and " + (last + 1));
        }
        String forkId = newWorkflowId != null ? newWorkflowId : forkIdFor(workflowId);
        Engine.validateWorkflowId(forkId);
        WorkflowRow row = store.fork(workflowId, forkId, fromStep, executorId).orElseThrow(() ->
                new IllegalArgumentException("cannot fork workflow '" + workflowId + "' as '" + forkId
                        + "': that workflow ID is already taken; choose another one"));
        log.info("forked workflow '{}' from step {} as '{}'", workflowId, fromStep, forkId);
        engine.resumeClaimed(row);
        return new EngineHandle<>(engine, forkId);
    }

    private static String forkIdFor(String workflowId) {
        String id = workflowId + ":fork:" + UUID.randomUUID();
        return id.length() <= MAX_WORKFLOW_ID_LENGTH ? id : UUID.randomUUID().toString();
    }

    private void requireRegistered(WorkflowRow row, String action) {
        if (!engine.registry().workflowNames().contains(row.name())) {
            throw new IllegalStateException("cannot " + action + " workflow '" + row.id() + "' in this process: no "
                    + "implementation of workflow '" + row.name() + "' is registered here; register it first");
        }
    }

    /** A cancelled run may still be finishing its step here: the resumed one must not overlap it. */
    private void awaitRunEnded(String workflowId) {
        long deadline = System.nanoTime() + stopWait.toNanos();
        WorkflowRun run;
        while ((run = engine.runHere(workflowId)) != null) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new IllegalStateException("workflow '" + workflowId + "' is still finishing a step in this "
                        + "process after " + stopWait + "; call resume again once it has stopped");
            }
            try {
                run.outcome.get(left, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DurableException("interrupted while resuming workflow '" + workflowId + "'", e);
            } catch (Exception stoppedOrStillRunning) {
                // its outcome is not ours to report; wait for the run to leave
            }
            LockSupport.parkNanos(Duration.ofMillis(1).toNanos());
        }
    }
}
