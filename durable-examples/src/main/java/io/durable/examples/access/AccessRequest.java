package io.durable.examples.access;

import java.util.List;
import java.util.Objects;

/**
 * Someone asks for a role: the input of an {@link AccessRequests} workflow, recorded when it
 * starts. The approvers are asked one after the other, in this order.
 *
 * <pre>{@code
 * AccessRequest request = new AccessRequest("ada@example.com", "payments-admin", "on-call for payments",
 *         List.of(new Approver("manager", "grace@example.com"),
 *                 new Approver("security-owner", "linus@example.com")));
 * }</pre>
 *
 * @param user          who wants the role
 * @param role          the role
 * @param justification why
 * @param approvers     the approval chain, at least one, distinct titles
 */
public record AccessRequest(String user, String role, String justification, List<Approver> approvers) {
    /** Rejects a request that cannot be decided, before anything is recorded. */
    public AccessRequest {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(approvers, "approvers");
        if (user.isBlank() || role.isBlank()) {
            throw new IllegalArgumentException("an access request needs a user and a role");
        }
        if (approvers.isEmpty()) {
            throw new IllegalArgumentException("an access request needs at least one approver");
        }
        if (approvers.stream().map(Approver::title).distinct().count() != approvers.size()) {
            throw new IllegalArgumentException("each approver needs its own title (it names the topic): " + approvers);
        }
        approvers = List.copyOf(approvers);
    }
}
