package io.durable.internal.engine;

import io.durable.WorkflowHandle;
import io.durable.WorkflowStatus;

import java.time.Duration;

/** A handle that waits on the local execution when there is one, else on the database. */
final class EngineHandle<T> implements WorkflowHandle<T> {
    private final Engine engine;
    private final String workflowId;

    EngineHandle(Engine engine, String workflowId) {
        this.engine = engine;
        this.workflowId = workflowId;
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
        return (T) engine.awaitResult(workflowId, timeout);
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
