package io.durable.internal.jdbc;

import io.durable.internal.store.Completion;
import io.durable.internal.store.NewWorkflow;
import io.durable.internal.store.StepRow;

import java.util.concurrent.locks.LockSupport;

/**
 * One write waiting for group commit: a workflow start, a step, or a completion. The thread that
 * submitted it waits until a writer has committed it (or failed) and set its outcome.
 */
abstract sealed class Checkpoint<R> {
    private final Thread waiter = Thread.currentThread();
    private volatile boolean done;
    private boolean settled;
    private R result;
    private RuntimeException failure;

    boolean isDone() {
        return done;
    }

    /** Stores the outcome; the waiter sees it only after {@link #release()}. */
    void succeed(R value) {
        result = value;
        settled = true;
    }

    /** Stores a failure; the waiter sees it only after {@link #release()}. */
    void fail(RuntimeException error) {
        failure = error;
        settled = true;
    }

    /** Hands the outcome to the waiter (a failure if none was stored) and wakes it. */
    void release() {
        if (!settled) {
            failure = new IllegalStateException("the checkpoint writer stopped before recording this checkpoint");
        }
        done = true;
        LockSupport.unpark(waiter);
    }

    Thread waiter() {
        return waiter;
    }

    R outcome() {
        if (failure != null) {
            throw failure;
        }
        return result;
    }

    /** A workflow to insert. */
    static final class Start extends Checkpoint<io.durable.internal.store.StartResult> {
        final NewWorkflow workflow;

        Start(NewWorkflow workflow) {
            this.workflow = workflow;
        }
    }

    /** A step to record, fenced by owner and epoch. */
    static final class Step extends Checkpoint<io.durable.internal.store.StepWrite> {
        final StepRow row;
        final String owner;
        final long epoch;

        Step(StepRow row, String owner, long epoch) {
            this.row = row;
            this.owner = owner;
            this.epoch = epoch;
        }
    }

    /** A final outcome to record, fenced by owner and epoch. */
    static final class Complete extends Checkpoint<Boolean> {
        final Completion completion;

        Complete(Completion completion) {
            this.completion = completion;
        }
    }
}
