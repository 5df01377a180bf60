package io.durable.examples.access;

import io.durable.examples.DatabaseSettings;
import io.durable.examples.ExampleDatabase;

import java.util.List;

/**
 * The access example's own tables, in schema {@code access} of the database durable uses (durable
 * keeps this example's journal in schema {@value AccessApp#DURABLE_SCHEMA}). Remove both with
 * {@code DROP SCHEMA access CASCADE; DROP SCHEMA access_durable CASCADE;}.
 *
 * <pre>{@code
 * AccessDatabase db = new AccessDatabase(DatabaseSettings.fromEnvironment());
 * db.createSchema();
 * List<String> roles = db.rolesOf("ada@example.com");
 * }</pre>
 */
public final class AccessDatabase extends ExampleDatabase {
    private static final String[] SCHEMA = {
        "CREATE SCHEMA IF NOT EXISTS access",
        "CREATE TABLE IF NOT EXISTS access.requests (request_id text PRIMARY KEY, requester text NOT NULL,"
                + " role text NOT NULL, justification text, status text NOT NULL, reason text,"
                + " opened_at timestamptz NOT NULL DEFAULT now(), closed_at timestamptz)",
        // Each approver's inbox: a row when the workflow asks them.
        "CREATE TABLE IF NOT EXISTS access.approval_requests (request_id text NOT NULL, title text NOT NULL,"
                + " approver text NOT NULL, asked_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (request_id, title))",
        // The roles this application grants; request_id says which request made the assignment.
        "CREATE TABLE IF NOT EXISTS access.role_assignments (username text NOT NULL, role text NOT NULL,"
                + " request_id text NOT NULL, assigned_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (username, role))",
    };

    /**
     * @param settings where the tables live
     */
    public AccessDatabase(DatabaseSettings settings) {
        super(settings);
    }

    /** Creates the schema and tables if they do not exist yet. */
    public void createSchema() {
        execute(SCHEMA);
    }

    /**
     * @param requestId a request
     * @param title     an approver's title
     * @return whether the workflow has asked that approver
     */
    public boolean wasAsked(String requestId, String title) {
        return inTransaction(c -> queryLong(c, "SELECT count(*) FROM access.approval_requests WHERE request_id = ?"
                + " AND title = ?", requestId, title)) > 0;
    }

    /**
     * @param requestId a request
     * @return the titles of the approvers it asked, in order
     */
    public List<String> askedTitles(String requestId) {
        return inTransaction(c -> queryStrings(c, "SELECT title FROM access.approval_requests WHERE request_id = ?"
                + " ORDER BY asked_at, title", requestId));
    }

    /**
     * @param user a user
     * @return the roles assigned to them, sorted
     */
    public List<String> rolesOf(String user) {
        return inTransaction(c -> queryStrings(c, "SELECT role FROM access.role_assignments WHERE username = ?"
                + " ORDER BY role", user));
    }

    /**
     * @param requestId a request
     * @return its status in {@code access.requests} (PENDING_APPROVAL or an {@link AccessStatus}), or null
     */
    public String statusOf(String requestId) {
        List<String> status = inTransaction(c -> queryStrings(c, "SELECT status FROM access.requests"
                + " WHERE request_id = ?", requestId));
        return status.isEmpty() ? null : status.get(0);
    }
}
