package io.durable.internal.jdbc;

import io.durable.internal.store.Store;
import io.durable.internal.store.WorkflowRow;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** SQL for reading and claiming workflows (their starts and completions go through {@link CheckpointRepository}). */
final class WorkflowRepository {
    private final Database db;
    private final String findSql;
    private final String claimSql;
    private final String claimOneSql;
    private final String pendingByNameSql;

    WorkflowRepository(Database db, String schema) {
        this.db = db;
        String table = schema + ".workflows";
        this.findSql = "SELECT " + Rows.WORKFLOW_COLUMNS + " FROM " + table + " WHERE id = ?";
        this.claimSql = "UPDATE " + table + " SET epoch = epoch + 1, recovery_attempts = recovery_attempts + 1,"
                + " updated_at = now() WHERE owner = ? AND status = 'PENDING' AND completed_at IS NULL AND wait_kind IS NULL"
                + " AND name = ANY (?)"
                + " RETURNING "
                + Rows.WORKFLOW_COLUMNS;
        this.claimOneSql = "UPDATE " + table + " SET epoch = epoch + 1, recovery_attempts = recovery_attempts + 1,"
                + " updated_at = now() WHERE id = ? AND owner = ? AND status = 'PENDING' RETURNING " + Rows.WORKFLOW_COLUMNS;
        this.pendingByNameSql = "SELECT name, count(*) FROM " + table + " WHERE owner = ? AND status = 'PENDING'"
                + " AND completed_at IS NULL GROUP BY name ORDER BY name";
    }

    Optional<WorkflowRow> find(String workflowId) {
        return db.run("read workflow '" + workflowId + "'", c -> find(c, workflowId));
    }

    private Optional<WorkflowRow> find(Connection c, String workflowId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(findSql)) {
            ps.setString(1, workflowId);
            return Rows.first(ps, Rows::workflow);
        }
    }

    List<WorkflowRow> claimPending(String executorId, Collection<String> names) {
        return db.run("claim pending workflows of executor '" + executorId + "'", c -> {
            Array nameArray = c.createArrayOf("text", names.toArray());
            try (PreparedStatement ps = c.prepareStatement(claimSql)) {
                ps.setString(1, executorId);
                ps.setArray(2, nameArray);
                return Rows.list(ps, Rows::workflow);
            } finally {
                nameArray.free();
            }
        });
    }

    Optional<WorkflowRow> claimOne(String executorId, String workflowId) {
        return db.run("claim workflow '" + workflowId + "'", c -> {
            try (PreparedStatement ps = c.prepareStatement(claimOneSql)) {
                ps.setString(1, workflowId);
                ps.setString(2, executorId);
                return Rows.first(ps, Rows::workflow);
            }
        });
    }

    List<Store.NameCount> pendingByName(String executorId) {
        return db.run("count pending workflows of executor '" + executorId + "'", c -> {
            try (PreparedStatement ps = c.prepareStatement(pendingByNameSql)) {
                ps.setString(1, executorId);
                return Rows.list(ps, rs -> new Store.NameCount(rs.getString(1), rs.getLong(2)));
            }
        });
    }
}
