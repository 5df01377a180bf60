package io.durable.internal.store;

import io.durable.WorkflowStatus;

/**
 * The final outcome of a workflow, written only while {@code owner} still holds it at {@code epoch}.
 *
 * @param workflowId the workflow
 * @param owner      the executor that ran it
 * @param epoch      the ownership epoch it ran under
 * @param status     SUCCEEDED or FAILED
 * @param output     the encoded result when succeeded
 * @param error      the encoded exception when failed
 */
public record Completion(String workflowId, String owner, long epoch, WorkflowStatus status, String output,
                         String error) {
}
