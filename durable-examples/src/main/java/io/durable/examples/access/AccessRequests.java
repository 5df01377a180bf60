package io.durable.examples.access;

/**
 * The access request as a durable workflow: the approvers are asked one after the other and each
 * answer is awaited with {@code recv} (7 days each by default; the wait holds no thread); on full
 * approval the role is provisioned as a saga, here and then in the external directory, undoing the
 * local assignment if the directory fails. Start it through the proxy from
 * {@code durable.register(AccessRequests.class, ...)}:
 *
 * <pre>{@code
 * WorkflowHandle<AccessOutcome> handle = durable.startWorkflow("access-42", () -> requests.request(request));
 * // ... approvers answer with durable.send("access-42", approver.topic(), decision, webhookEventId)
 * AccessOutcome outcome = handle.result();
 * }</pre>
 */
public interface AccessRequests {
    /**
     * Decides one access request and, when approved, provisions the role.
     *
     * @param request who wants which role, and who must approve
     * @return how it ended and why
     */
    AccessOutcome request(AccessRequest request);
}
