package io.durable.internal.store;

/**
 * A journal entry as shown to operators: the step and the child workflow it started, if any
 * ({@code steps.child_workflow_id}).
 *
 * @param step            the recorded step, payloads still encoded
 * @param childWorkflowId the child workflow's ID, or null
 */
public record JournalEntry(StepRow step, String childWorkflowId) {
}
