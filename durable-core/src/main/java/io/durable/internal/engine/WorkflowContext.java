package io.durable.internal.engine;

import io.durable.DurableException;
import io.durable.internal.store.StepRow;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** State of one workflow execution on its thread: journal, position, and why it may not finish. */
final class WorkflowContext {
    private static final ThreadLocal<WorkflowContext> CURRENT = new ThreadLocal<>();

    final Engine engine;
    final String workflowId;
    final long epoch;
    private final Map<Integer, StepRow> journal = new HashMap<>();
    private final int lastRecordedPosition;
    int position;
    int stepPosition;
    /** Runs on a workflow thread, which parking would free for queued work (not on a caller's thread). */
    boolean onWorker;
    /** Set once the workflow was unwound; its outcome must never be recorded. */
    UnwindSignal unwound;
    /** Set when replay diverged from the journal; the workflow fails with it even if user code catches it. */
    DurableException divergence;
    /** The run this context executes (its deadline and cancel request); null only in tests of parts. */
    WorkflowRun run;

    /** Position and deadline of the wait recorded by an earlier run, if any. */
    private final Integer waitPosition;
    private final Instant wakeAt;

    WorkflowContext(Engine engine, String workflowId, long epoch, List<StepRow> journal, Integer waitPosition,
                    Instant wakeAt) {
        this.engine = engine;
        this.workflowId = workflowId;
        this.epoch = epoch;
        this.waitPosition = waitPosition;
        this.wakeAt = wakeAt;
        int last = 0;
        for (StepRow row : journal) {
            this.journal.put(row.position(), row);
            last = Math.max(last, row.position());
        }
        this.lastRecordedPosition = last;
    }

    /** The recorded step at a position, or null (positions may have gaps: a step whose result could not be recorded). */
    StepRow recorded(int position) {
        return journal.get(position);
    }

    /** The first recorded step after the current position, or null. */
    StepRow nextRecordedAfterPosition() {
        for (int p = position + 1; p <= lastRecordedPosition; p++) {
            StepRow row = journal.get(p);
            if (row != null) {
                return row;
            }
        }
        return null;
    }

    /**
     * The deadline of the wait at {@code position}: the one an earlier run recorded there, so a
     * restart never extends it, else {@code fresh}.
     */
    Instant deadlineAt(int position, Instant fresh) {
        return waitPosition != null && waitPosition == position && wakeAt != null ? wakeAt : fresh;
    }

    /** When this workflow times out (null: never): what a child it starts inherits, see {@link Deadlines}. */
    Instant deadlineAt() {
        return run == null ? null : run.deadlineAt;
    }

    static WorkflowContext current() {
        return CURRENT.get();
    }

    void attach() {
        CURRENT.set(this);
    }

    /** Puts back the context that was current before (null: none). */
    static void restore(WorkflowContext previous) {
        if (previous == null) {
            CURRENT.remove();
        } else {
            CURRENT.set(previous);
        }
    }

    boolean inStep() {
        return stepPosition > 0;
    }

    boolean replaying() {
        return position < lastRecordedPosition;
    }
}
