package io.durable.examples.access;

import io.durable.Step;

/**
 * The access request's work on its own tables (schema {@code access}), each a durable step: its
 * result is recorded before the workflow goes on, and a replay returns the recording instead of
 * running it again. Every implementation must be safe to repeat (a step running when the process
 * died runs again); {@link JdbcAccessSteps} writes with {@code ON CONFLICT} and conditional updates.
 *
 * <pre>{@code
 * AccessSteps steps = durable.register(AccessSteps.class, new JdbcAccessSteps(db, System.out));
 * }</pre>
 */
public interface AccessSteps {
    /**
     * Records the request as waiting for approval.
     *
     * @param requestId the workflow ID
     * @param request   what is asked for
     */
    @Step(name = "open-request")
    void open(String requestId, AccessRequest request);

    /**
     * Puts the request in an approver's inbox (and, in real life, e-mails them a link).
     *
     * @param requestId the workflow ID
     * @param approver  who is asked now
     * @param request   what they are asked to approve
     */
    @Step(name = "ask-approver")
    void askApprover(String requestId, Approver approver, AccessRequest request);

    /**
     * Saga step 1: assigns the role in this application's own table.
     *
     * @param requestId the workflow ID, stored with the assignment
     * @param user      who gets the role
     * @param role      the role
     */
    @Step(name = "assign-role")
    void assignRole(String requestId, String user, String role);

    /**
     * Compensation of {@link #assignRole}: removes the assignment this request made, and only that one.
     *
     * @param requestId the workflow ID whose assignment to remove
     * @param user      whose role
     * @param role      the role
     */
    @Step(name = "remove-role")
    void removeRole(String requestId, String user, String role);

    /**
     * Records how the request ended.
     *
     * @param outcome status and reason
     */
    @Step(name = "close-request")
    void close(AccessOutcome outcome);
}
