package io.durable.internal.jdbc;

import io.durable.internal.store.ExecutorRegistration;

import java.sql.PreparedStatement;
import java.util.Optional;

/**
 * SQL for the executors table: registration, heartbeats and leases, all judged on the database
 * clock. Each executor writes its own lease length, so executors with different settings coexist.
 */
final class ExecutorRepository {
    private final Database db;
    private final String previousSql;
    private final String upsertSql;
    private final String heartbeatSql;
    private final String stoppedSql;

    ExecutorRepository(Database db, String schema) {
        this.db = db;
        String table = schema + ".executors";
        String lease = "now() + ? * interval '1 millisecond'";
        // Another incarnation whose lease has not expired and that did not stop cleanly may still be alive.
        this.previousSql = "SELECT incarnation, host, pid FROM " + table + " WHERE id = ? AND incarnation <> ?"
                + " AND stopped_at IS NULL AND lease_expires_at > now()";
        this.upsertSql = "INSERT INTO " + table + " (id, incarnation, host, pid, application, lease_expires_at)"
                + " VALUES (?, ?, ?, ?, ?, " + lease + ")"
                + " ON CONFLICT (id) DO UPDATE SET incarnation = excluded.incarnation, host = excluded.host,"
                + " pid = excluded.pid, application = excluded.application, started_at = now(), heartbeat_at = now(),"
                + " lease_expires_at = excluded.lease_expires_at, stopped_at = NULL";
        this.stoppedSql = "UPDATE " + table + " SET stopped_at = now() WHERE id = ? AND incarnation = ?";
        this.heartbeatSql = "UPDATE " + table + " SET heartbeat_at = now(), lease_expires_at = " + lease
                + " WHERE id = ? AND incarnation = ?";
    }

    Optional<String> register(ExecutorRegistration registration) {
        return db.run("register executor '" + registration.executorId() + "'", c -> {
            Optional<String> previous;
            try (PreparedStatement ps = c.prepareStatement(previousSql)) {
                ps.setString(1, registration.executorId());
                ps.setString(2, registration.incarnation());
                previous = Rows.first(ps, rs -> "pid " + rs.getLong(3) + " on " + rs.getString(2));
            }
            try (PreparedStatement ps = c.prepareStatement(upsertSql)) {
                ps.setString(1, registration.executorId());
                ps.setString(2, registration.incarnation());
                ps.setString(3, registration.host());
                ps.setLong(4, registration.pid());
                ps.setString(5, registration.application());
                ps.setLong(6, registration.lease().toMillis());
                ps.executeUpdate();
            }
            return previous;
        });
    }

    void stopped(ExecutorRegistration registration) {
        db.run("mark executor '" + registration.executorId() + "' stopped", c -> {
            try (PreparedStatement ps = c.prepareStatement(stoppedSql)) {
                ps.setString(1, registration.executorId());
                ps.setString(2, registration.incarnation());
                return ps.executeUpdate();
            }
        });
    }

    boolean heartbeat(ExecutorRegistration registration) {
        return db.run("refresh the heartbeat of executor '" + registration.executorId() + "'", c -> {
            try (PreparedStatement ps = c.prepareStatement(heartbeatSql)) {
                ps.setLong(1, registration.lease().toMillis());
                ps.setString(2, registration.executorId());
                ps.setString(3, registration.incarnation());
                return ps.executeUpdate() == 1;
            }
        });
    }
}
