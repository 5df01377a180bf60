package io.durable.examples.access;

import io.durable.Durable;
import io.durable.Workflow;
import io.durable.examples.Durations;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The access request's workflow function. It only orchestrates: every side effect is a step of
 * {@link AccessSteps} or {@link Provisioning}, and every answer a message received with
 * {@code recv}, so running it again from the top (after a crash, or when a parked wait ends)
 * replays the journal and goes on where it stopped.
 *
 * <pre>{@code
 * AccessRequests requests = durable.register(AccessRequests.class,
 *         new AccessRequestWorkflow(durable, steps, directory, AccessRequestWorkflow.DEFAULT_APPROVAL_TIMEOUT));
 * }</pre>
 */
public final class AccessRequestWorkflow implements AccessRequests {
    /** How long each approver has to answer. */
    public static final Duration DEFAULT_APPROVAL_TIMEOUT = Duration.ofDays(7);

    private final Durable durable;
    private final AccessSteps steps;
    private final Provisioning directory;
    private final Duration approvalTimeout;

    /**
     * @param durable         the instance running this workflow
     * @param steps           the step proxy from {@code durable.register(AccessSteps.class, ...)}
     * @param directory       the step proxy from {@code durable.register(Provisioning.class, ...)}
     * @param approvalTimeout how long each approver has ({@link #DEFAULT_APPROVAL_TIMEOUT} in production)
     */
    public AccessRequestWorkflow(Durable durable, AccessSteps steps, Provisioning directory, Duration approvalTimeout) {
        this.durable = Objects.requireNonNull(durable, "durable");
        this.steps = Objects.requireNonNull(steps, "steps");
        this.directory = Objects.requireNonNull(directory, "directory");
        this.approvalTimeout = Objects.requireNonNull(approvalTimeout, "approvalTimeout");
    }

    @Workflow(name = "access-request")
    @Override
    public AccessOutcome request(AccessRequest request) {
        String requestId = durable.currentWorkflowId().orElseThrow();
        steps.open(requestId, request);
        List<String> approvedBy = new ArrayList<>();
        for (Approver approver : request.approvers()) {
            steps.askApprover(requestId, approver, request);
            // Consumed exactly once, with its checkpoint; the deadline is fixed the first time this runs.
            Optional<Decision> answer = durable.recv(approver.topic(), approvalTimeout, Decision.class);
            if (answer.isEmpty()) {
                return close(requestId, AccessStatus.EXPIRED, approver.describe() + " did not answer within "
                        + Durations.words(approvalTimeout), null);
            }
            Decision decision = answer.get();
            if (!decision.approved()) {
                return close(requestId, AccessStatus.DENIED, "denied by " + approver.title() + " "
                        + decision.approver() + ": " + decision.comment(), null);
            }
            approvedBy.add(approver.title() + " " + decision.approver());
        }
        return provision(requestId, request, approvedBy);
    }

    /** The saga: assign locally, then in the directory; if the directory fails, undo the local step. */
    private AccessOutcome provision(String requestId, AccessRequest request, List<String> approvedBy) {
        steps.assignRole(requestId, request.user(), request.role());
        String grantId;
        try {
            grantId = directory.grant(requestId, request.user(), request.role());
        } catch (ProvisioningException e) {
            steps.removeRole(requestId, request.user(), request.role());
            return close(requestId, AccessStatus.FAILED, "approved, but the external directory failed after "
                    + Provisioning.MAX_ATTEMPTS + " attempts (" + e.getMessage() + "); the local assignment of "
                    + request.role() + " was removed", null);
        }
        return close(requestId, AccessStatus.GRANTED, "approved by " + String.join(", ", approvedBy) + "; "
                + request.role() + " granted to " + request.user() + " as " + grantId, grantId);
    }

    private AccessOutcome close(String requestId, AccessStatus status, String reason, String grantId) {
        AccessOutcome outcome = new AccessOutcome(requestId, status, reason, grantId);
        steps.close(outcome);
        return outcome;
    }
}
