package io.durable.internal.engine;

import io.durable.internal.store.StepRow;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One execution of a workflow in this process. Its future completes with the workflow's value,
 * with the workflow's exception, or with why it stopped here without an outcome.
 */
final class WorkflowRun {
    final String workflowId;
    final RegisteredWorkflow workflow;
    final Object[] arguments;
    final CompletableFuture<Object> outcome = new CompletableFuture<>();
    long epoch;
    /** The journal to replay; null means it must be loaded before running. */
    List<StepRow> journal;
    /** Position and deadline of the last wait recorded for this workflow, if any. */
    Integer waitPosition;
    Instant wakeAt;
    /** When the workflow times out (null: never); fixed at its first start and read from its row afterwards. */
    Instant deadlineAt;
    /** Set by a cancel: the run stops at its next step boundary, or before it starts if still queued. */
    volatile boolean cancelRequested;
    /** Set once a thread took the run: before that, it is queued. */
    volatile boolean started;
    /** The wait this run is in, if any, woken by a cancel. */
    volatile Waiters.HotWait hotWait;
    /** The workflow that started this one as its child, woken when this one finishes; null if none. */
    String parentId;
    /** The queue this workflow was dequeued from: its end frees a slot there. Null if not queued. */
    String queueName;

    WorkflowRun(String workflowId, RegisteredWorkflow workflow, Object[] arguments) {
        this.workflowId = workflowId;
        this.workflow = workflow;
        this.arguments = arguments;
    }
}
