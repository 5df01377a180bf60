package io.durable.examples.access;

import java.io.PrintStream;

import static io.durable.examples.ExampleDatabase.update;

/**
 * {@link AccessSteps} on the {@code access} tables. Each step may run twice (its process can die
 * after the work and before durable records it), so each write is an upsert or a conditional
 * update keyed by the request ID.
 */
final class JdbcAccessSteps implements AccessSteps {
    private final AccessDatabase db;
    private final PrintStream out;

    JdbcAccessSteps(AccessDatabase db, PrintStream out) {
        this.db = db;
        this.out = out;
    }

    @Override
    public void open(String requestId, AccessRequest request) {
        db.inTransaction(c -> update(c, "INSERT INTO access.requests (request_id, requester, role, justification, status)"
                + " VALUES (?, ?, ?, ?, 'PENDING_APPROVAL') ON CONFLICT (request_id) DO NOTHING",
                requestId, request.user(), request.role(), request.justification()));
        out.println("  [access] " + requestId + " opened: " + request.user() + " asks for " + request.role()
                + " (" + request.justification() + ")");
    }

    @Override
    public void askApprover(String requestId, Approver approver, AccessRequest request) {
        // Printed first: once the row is visible, the demo's approver may answer at once.
        out.println("  [inbox] to " + approver.person() + " (" + approver.title() + "): please approve "
                + request.role() + " for " + request.user());
        db.inTransaction(c -> update(c, "INSERT INTO access.approval_requests (request_id, title, approver)"
                + " VALUES (?, ?, ?) ON CONFLICT (request_id, title) DO NOTHING",
                requestId, approver.title(), approver.person()));
    }

    @Override
    public void assignRole(String requestId, String user, String role) {
        // A role the user already holds (from another request) stays owned by that request.
        db.inTransaction(c -> update(c, "INSERT INTO access.role_assignments (username, role, request_id)"
                + " VALUES (?, ?, ?) ON CONFLICT (username, role) DO NOTHING", user, role, requestId));
        out.println("  [access] saga step 1: " + role + " assigned to " + user + " locally");
    }

    @Override
    public void removeRole(String requestId, String user, String role) {
        int removed = db.inTransaction(c -> update(c, "DELETE FROM access.role_assignments WHERE username = ?"
                + " AND role = ? AND request_id = ?", user, role, requestId));
        out.println("  [access] compensation: local assignment of " + role + " to " + user
                + (removed == 1 ? " removed" : " was already gone"));
    }

    @Override
    public void close(AccessOutcome outcome) {
        db.inTransaction(c -> update(c, "UPDATE access.requests SET status = ?, reason = ?, closed_at = now()"
                + " WHERE request_id = ? AND closed_at IS NULL",
                outcome.status().name(), outcome.reason(), outcome.requestId()));
        out.println("  [access] " + outcome.describe());
    }
}
