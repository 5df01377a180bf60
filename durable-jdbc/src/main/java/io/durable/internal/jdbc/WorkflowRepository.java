package io.durable.internal.jdbc;

import io.durable.WorkflowStatus;
import io.durable.internal.store.Completion;
import io.durable.internal.store.NewWorkflow;
import io.durable.internal.store.StartResult;
import io.durable.internal.store.Store;
import io.durable.internal.store.WorkflowRow;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** SQL for the workflows table: start, complete, claim for recovery, look up. */
final class WorkflowRepository {
    private final Database db;
    private final String insertSql;
    private final String findSql;
    private final String completeSql;
    private final String claimSql;
    private final String claimOneSql;
    private final String pendingByNameSql;

    WorkflowRepository(Database db, String schema) {
        this.db = db;
        String table = schema + ".workflows";
        this.insertSql = "INSERT INTO " + table + " (id, name, status, inputs, owner, epoch) VALUES (?, ?, 'PENDING', ?, ?, 1)"
                + " ON CONFLICT (id) DO NOTHING";
        this.findSql = "SELECT " + Rows.WORKFLOW_COLUMNS + " FROM " + table + " WHERE id = ?";
        this.completeSql = "UPDATE " + table + " SET status = ?, output = ?, error = ?, completed_at = now(), updated_at = now()"
                + " WHERE id = ? AND owner = ? AND epoch = ? AND status = 'PENDING'";
        this.claimSql = "UPDATE " + table + " SET epoch = epoch + 1, recovery_attempts = recovery_attempts + 1,"
                + " updated_at = now() WHERE owner = ? AND status = 'PENDING' AND name = ANY (?) RETURNING "
                + Rows.WORKFLOW_COLUMNS;
        this.claimOneSql = "UPDATE " + table + " SET epoch = epoch + 1, recovery_attempts = recovery_attempts + 1,"
                + " updated_at = now() WHERE id = ? AND owner = ? AND status = 'PENDING' RETURNING " + Rows.WORKFLOW_COLUMNS;
        this.pendingByNameSql = "SELECT name, count(*) FROM " + table + " WHERE owner = ? AND status = 'PENDING'"
                + " GROUP BY name ORDER BY name";
    }

    /** One round trip when the ID is new; a conflict costs one more to read the existing execution. */
    StartResult start(NewWorkflow workflow) {
        return db.run("start workflow '" + workflow.id() + "'", c -> {
            try (PreparedStatement ps = c.prepareStatement(insertSql)) {
                ps.setString(1, workflow.id());
                ps.setString(2, workflow.name());
                ps.setString(3, workflow.inputs());
                ps.setString(4, workflow.owner());
                if (ps.executeUpdate() == 1) {
                    Instant now = Instant.now();
                    return new StartResult(true, new WorkflowRow(workflow.id(), workflow.name(), WorkflowStatus.PENDING,
                            workflow.inputs(), null, null, workflow.owner(), 1, 0, now, now, null));
                }
            }
            WorkflowRow existing = find(c, workflow.id())
                    .orElseThrow(() -> new SQLException("workflow '" + workflow.id() + "' conflicted but is gone", "40001"));
            return new StartResult(false, existing);
        });
    }

    boolean complete(Completion completion) {
        return db.run("record the outcome of workflow '" + completion.workflowId() + "'", c -> {
            try (PreparedStatement ps = c.prepareStatement(completeSql)) {
                ps.setString(1, completion.status().name());
                ps.setString(2, completion.output());
                ps.setString(3, completion.error());
                ps.setString(4, completion.workflowId());
                ps.setString(5, completion.owner());
                ps.setLong(6, completion.epoch());
                return ps.executeUpdate() == 1;
            }
        });
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
