package io.durable.internal.engine;

import io.durable.DurableException;
import io.durable.WorkflowHandle;
import io.durable.WorkflowStatus;

import java.time.Duration;
import java.util.List;

/** A handle that waits on the local execution when there is one, else on the database. */
final class EngineHandle<T> implements WorkflowHandle<T> {
    private final Engine engine;
    private final String workflowId;
    /** The execution this handle started in this process, if any: its outcome needs no database read. */
    private final WorkflowRun run;

    EngineHandle(Engine engine, String workflowId) {
        this(engine, workflowId, null);
    }

    EngineHandle(Engine engine, String workflowId, WorkflowRun run) {
        this.engine = engine;
        this.workflowId = workflowId;
        this.run = run;
    }

    @Override
    public String workflowId() {
        return workflowId;
    }

    @Override
    public T result() {
        return result(null);
    }

    @Override
    @SuppressWarnings("unchecked")
    public T result(Duration timeout) {
        WorkflowContext waiting = engine.children().workflowCode();
        if (waiting != null) {
            if (timeout != null) {
                throw new DurableException("result(" + timeout + ") of workflow '" + workflowId + "' was called in "
                        + "workflow '" + waiting.workflowId + "'; inside a workflow, wait with result() (a durable wait"
                        + " that parks) and bound it with a deadline on the workflow instead");
            }
            return (T) engine.children().awaitAll(waiting, List.of(workflowId)).get(0);
        }
        return (T) engine.awaitResult(workflowId, timeout, run);
    }

    @Override
    public WorkflowStatus status() {
        return engine.status(workflowId);
    }

    @Override
    public String toString() {
        return "WorkflowHandle[" + workflowId + "]";
    }
}
