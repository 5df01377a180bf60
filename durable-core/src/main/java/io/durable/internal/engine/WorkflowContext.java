package io.durable.internal.engine;

import io.durable.DurableException;
import io.durable.internal.store.StepRow;

import java.util.List;

/** State of one workflow execution on its thread: journal, position, and why it may not finish. */
final class WorkflowContext {
    private static final ThreadLocal<WorkflowContext> CURRENT = new ThreadLocal<>();

    final Engine engine;
    final String workflowId;
    final long epoch;
    final List<StepRow> journal;
    int position;
    int stepPosition;
    /** Set once the workflow was unwound; its outcome must never be recorded. */
    UnwindSignal unwound;
    /** Set when replay diverged from the journal; the workflow fails with it even if user code catches it. */
    DurableException divergence;

    WorkflowContext(Engine engine, String workflowId, long epoch, List<StepRow> journal) {
        this.engine = engine;
        this.workflowId = workflowId;
        this.epoch = epoch;
        this.journal = journal;
    }

    static WorkflowContext current() {
        return CURRENT.get();
    }

    void attach() {
        CURRENT.set(this);
    }

    static void detach() {
        CURRENT.remove();
    }

    boolean inStep() {
        return stepPosition > 0;
    }

    boolean replaying() {
        return position < journal.size();
    }
}
