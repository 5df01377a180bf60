package io.durable.internal.store;

/** What the engine inserts to start a workflow; the store sets status PENDING and epoch 1. */
public record NewWorkflow(String id, String name, String inputs, String owner) {
}
