package io.durable.internal.engine;

import io.durable.DatabaseUnavailableException;
import io.durable.DurableException;
import io.durable.NonDeterministicWorkflowException;
import io.durable.StepOptions;
import io.durable.StepStatus;
import io.durable.internal.serial.ErrorCodec;
import io.durable.internal.serial.PayloadCodec;
import io.durable.internal.store.StepRow;
import io.durable.internal.store.StepWrite;
import io.durable.internal.store.Store;
import io.durable.internal.store.WorkflowRow;
import io.durable.internal.util.Sneaky;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;

/**
 * Runs one step of a workflow: returns the recorded outcome on replay (after checking the step
 * name), or executes it with retries and records the outcome with a single fenced write.
 */
final class StepRunner {
    private static final Logger log = LoggerFactory.getLogger(StepRunner.class);

    private final Store store;
    private final PayloadCodec codec;
    private final ErrorCodec errors;
    private final String executorId;
    private final Shutdown shutdown;

    StepRunner(Store store, PayloadCodec codec, ErrorCodec errors, String executorId, Shutdown shutdown) {
        this.store = store;
        this.codec = codec;
        this.errors = errors;
        this.executorId = executorId;
        this.shutdown = shutdown;
    }

    Object run(WorkflowContext ctx, String name, StepOptions options, StepBody body) {
        int position = nextPosition(ctx);
        StepRow recorded = ctx.recorded(position);
        if (recorded != null) {
            return replay(ctx, recorded, name);
        }
        if (shutdown.isClosing()) {
            throw unwind(ctx, shutdown.interruption(ctx.workflowId));
        }
        return execute(ctx, position, name, options, body);
    }

    /**
     * Claims the next journal position, unless the workflow already stopped or diverged; before a
     * position the journal does not hold (a step boundary), stops a cancelled or timed-out workflow.
     */
    int nextPosition(WorkflowContext ctx) {
        if (ctx.unwound != null) {
            throw ctx.unwound;
        }
        if (ctx.divergence != null) {
            throw ctx.divergence;
        }
        int position = ++ctx.position;
        if (ctx.recorded(position) == null) {
            ctx.engine.lifecycle().atBoundary(ctx);
        }
        return position;
    }

    /** Fails the workflow when the recorded step at this position has another name. */
    void checkReplay(WorkflowContext ctx, StepRow recorded, String name) {
        if (!recorded.name().equals(name)) {
            ctx.divergence = new NonDeterministicWorkflowException(ctx.workflowId, recorded.position(),
                    recorded.name(), name);
            throw ctx.divergence;
        }
        log.trace("replayed step {} '{}'", recorded.position(), name);
    }

    private Object replay(WorkflowContext ctx, StepRow recorded, String name) {
        checkReplay(ctx, recorded, name);
        return outcomeOf(recorded);
    }

    private Object execute(WorkflowContext ctx, int position, String name, StepOptions options, StepBody body) {
        Instant startedAt = Instant.now();
        Object value = null;
        Throwable failure = null;
        int attempt = 0;
        while (true) {
            attempt++;
            ctx.stepPosition = position;
            try {
                value = body.run();
                failure = null;
                break;
            } catch (UnwindSignal signal) {
                throw signal;
            } catch (Error error) {
                throw error;
            } catch (Throwable t) {
                failure = t;
            } finally {
                ctx.stepPosition = 0;
            }
            if (shutdown.isClosing()) {
                // Likely interrupted by close(): the step counts as in flight and runs again at recovery.
                throw unwind(ctx, shutdown.interruption(ctx.workflowId));
            }
            if (attempt >= options.maxAttempts()) {
                break;
            }
            Duration backoff = options.backoffAfter(attempt);
            log.debug("step {} '{}' attempt {} of {} failed ({}); retrying in {} ms", position, name, attempt,
                    options.maxAttempts(), failure.toString(), backoff.toMillis());
            if (shutdown.awaitClosing(backoff)) {
                throw unwind(ctx, shutdown.interruption(ctx.workflowId));
            }
        }
        String output = failure == null
                ? codec.encode(value, ctx.workflowId, position, "the result of step '" + name + "'") : null;
        String error = failure == null ? null : errors.encode(failure);
        StepRow row = new StepRow(ctx.workflowId, position, name,
                failure == null ? StepStatus.SUCCEEDED : StepStatus.FAILED, output, error, attempt, startedAt,
                Instant.now());
        StepWrite write = record(ctx, row);
        switch (write.kind()) {
            case RECORDED:
                if (failure != null) {
                    throw Sneaky.rethrow(failure);
                }
                return value;
            case CONFLICT:
                return replay(ctx, write.existing(), name);
            default:
                throw fenced(ctx, position, row);
        }
    }

    /** Abandons a workflow this executor no longer owns, or that was stopped (cancelled) meanwhile. */
    UnwindSignal fenced(WorkflowContext ctx, int position) {
        return fenced(ctx, position, null);
    }

    /** @param refused the step whose checkpoint was refused, recorded all the same if it was cancelled meanwhile */
    private UnwindSignal fenced(WorkflowContext ctx, int position, StepRow refused) {
        WorkflowRow now;
        try {
            now = store.findWorkflow(ctx.workflowId).orElse(null);
        } catch (DurableException e) {
            now = null;
        }
        UnwindSignal stopped = ctx.engine.lifecycle().afterRefusedWrite(ctx, now, refused);
        if (stopped != null) {
            return stopped;
        }
        return unwind(ctx, Fencing.abandon(ctx.workflowId, executorId, ctx.epoch,
                "its write at step " + position, now));
    }

    private StepWrite record(WorkflowContext ctx, StepRow row) {
        try {
            return store.recordStep(row, executorId, ctx.epoch);
        } catch (DurableException e) {
            throw storeFailure(ctx, row.position(), row.name(), e);
        }
    }

    /** Storage trouble is not the workflow's outcome: stop here, keep it PENDING for recovery. */
    UnwindSignal storeFailure(WorkflowContext ctx, int position, String name, DurableException e) {
        String message = "could not record step " + position + " '" + name + "' of workflow '"
                + ctx.workflowId + "': " + e.getMessage() + "; the workflow stays PENDING and is recovered";
        return unwind(ctx, e instanceof DatabaseUnavailableException
                ? new DatabaseUnavailableException(message, e, ctx.workflowId, position)
                : new DurableException(message, e, ctx.workflowId, position));
    }

    /** The recorded value, or the recorded exception rebuilt and thrown. */
    Object outcomeOf(StepRow recorded) {
        if (recorded.status() == StepStatus.FAILED) {
            throw Sneaky.rethrow(errors.rebuild(recorded.error(), recorded.workflowId(), recorded.position()));
        }
        return codec.decode(recorded.output());
    }

    static UnwindSignal unwind(WorkflowContext ctx, RuntimeException callerFailure) {
        ctx.unwound = new UnwindSignal(callerFailure.getMessage(), callerFailure);
        return ctx.unwound;
    }

    /** Releases the workflow's thread while it waits; it is resumed by replay when the wait is over. */
    static UnwindSignal park(WorkflowContext ctx) {
        ctx.unwound = UnwindSignal.parked(ctx.workflowId);
        return ctx.unwound;
    }
}
