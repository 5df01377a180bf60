package io.durable.internal.jdbc;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Set;

/** Which SQL failures are worth retrying: lost connections, server restarts, serialization conflicts. */
final class SqlFailures {
    /** A unique index refused a row: on the journal, a position already recorded. */
    static final String UNIQUE_VIOLATION = "23505";
    private static final Set<String> TRANSIENT_STATES = Set.of(
            "57P01", // admin_shutdown (pg_terminate_backend)
            "57P02", // crash_shutdown
            "57P03", // cannot_connect_now
            "53300", // too_many_connections
            "40001", // serialization_failure
            "40P01"  // deadlock_detected
    );

    private SqlFailures() {
    }

    static boolean isTransient(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLTransientException || t instanceof SQLRecoverableException) {
                return true;
            }
            if (t instanceof SQLException sql) {
                String state = sql.getSQLState();
                if (state != null && (state.startsWith("08") || TRANSIENT_STATES.contains(state))) {
                    return true;
                }
                SQLException next = sql.getNextException();
                if (next != null && next != sql && isTransient(next)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Whether the failure says the connection itself was lost (a killed backend, a broken socket)
     * rather than that the server is unreachable: the pool discards that connection, and the next
     * one may well be alive.
     */
    static boolean isLostConnection(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql) {
                String state = sql.getSQLState();
                if ("57P01".equals(state) || "08006".equals(state) || "08003".equals(state)) {
                    return true;
                }
            }
        }
        return false;
    }

    static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return root == failure || failure.getMessage() == null ? message : failure.getMessage() + " (" + message + ")";
    }
}
