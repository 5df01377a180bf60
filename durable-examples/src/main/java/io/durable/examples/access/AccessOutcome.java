package io.durable.examples.access;

/**
 * The result of an access request workflow, recorded by durable as its output. Denials,
 * timeouts and provisioning failures are outcomes, not exceptions: the workflow reached a
 * decision and says why.
 *
 * <pre>{@code
 * AccessOutcome outcome = durable.runWorkflow("access-42", () -> requests.request(request));
 * System.out.println(outcome.status() + ": " + outcome.reason());
 * }</pre>
 *
 * @param requestId the workflow ID of the request
 * @param status    how it ended
 * @param reason    a sentence saying why, naming the approver or the failure
 * @param grantId   the external directory's grant ID when {@link AccessStatus#GRANTED}, else null
 */
public record AccessOutcome(String requestId, AccessStatus status, String reason, String grantId) {
    /** @return one line for the console */
    public String describe() {
        return requestId + " " + status + ": " + reason;
    }
}
