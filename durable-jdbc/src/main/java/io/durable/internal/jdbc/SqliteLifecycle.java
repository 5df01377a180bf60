package io.durable.internal.jdbc;

import io.durable.internal.store.StepRow;
import io.durable.internal.store.StepWrite;
import io.durable.internal.store.Store;
import io.durable.internal.store.WorkflowRow;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * An operator's interventions on SQLite, as {@link LifecycleRepository} does them on PostgreSQL:
 * cancel (with the workflows below it), the late checkpoint of a step that was running when its
 * workflow was cancelled, resume, and fork. Each is one write transaction that reads, decides in
 * Java and updates: no other writer can come in between.
 */
final class SqliteLifecycle {
    private static final Set<String> RESUMABLE = Set.of("CANCELLED", "TIMED_OUT", "FAILED", "DEAD_LETTER");

    private final SqliteFile file;
    private final SqliteJournal journal;
    private final String treeSql;
    private final String cancelSql;
    private final String findStatusSql;
    private final String resumeSql;
    private final String lastStepSql;
    private final String deleteStepSql;
    private final String findWorkflowSql;
    private final String forkSql;
    private final String copyStepsSql;
    private final String copyEventsSql;

    SqliteLifecycle(SqliteFile file, SqliteTables tables, SqliteJournal journal) {
        this.file = file;
        this.journal = journal;
        String workflows = tables.workflows();
        String steps = tables.steps();
        String events = tables.events();
        // UNION (not UNION ALL) stops at a workflow already seen, should parent_id ever form a cycle.
        this.treeSql = "WITH RECURSIVE tree(id) AS (SELECT id FROM " + workflows + " WHERE id = ?"
                + " UNION SELECT w.id FROM " + workflows + " w JOIN tree t ON w.parent_id = t.id)"
                + " SELECT id FROM tree";
        this.cancelSql = "UPDATE " + workflows + " SET status = 'CANCELLED', error = ?, completed_at = ?,"
                + " updated_at = ?, wait_kind = NULL WHERE id = ? AND status IN ('ENQUEUED', 'PENDING')";
        this.findStatusSql = "SELECT status, deadline_at FROM " + workflows + " WHERE id = ?";
        this.resumeSql = "UPDATE " + workflows + " SET status = 'PENDING', owner = ?, epoch = epoch + 1,"
                + " queue_order = NULL, not_before = NULL, recovery_attempts = 0, output = NULL, error = NULL,"
                + " completed_at = NULL, wait_kind = NULL, updated_at = ?, deadline_at = ? WHERE id = ?";
        this.lastStepSql = "SELECT position, status FROM " + steps + " WHERE workflow_id = ?"
                + " ORDER BY position DESC LIMIT 1";
        this.deleteStepSql = "DELETE FROM " + steps + " WHERE workflow_id = ? AND position = ?";
        this.findWorkflowSql = "SELECT " + Rows.WORKFLOW_COLUMNS + " FROM " + workflows + " WHERE id = ?";
        this.forkSql = "INSERT INTO " + workflows + " (id, name, status, inputs, owner, epoch, forked_from,"
                + " fork_position, created_at, updated_at) SELECT ?, name, 'PENDING', inputs, ?, 1, id, ?, ?, ?"
                + " FROM " + workflows + " WHERE id = ? ON CONFLICT (id) DO NOTHING";
        this.copyStepsSql = "INSERT INTO " + steps + " (" + Rows.STEP_ROW_COLUMNS + ") SELECT ?, position, name,"
                + " status, output, error, attempts, started_at, completed_at, child_workflow_id FROM " + steps
                + " WHERE workflow_id = ? AND position < ?";
        this.copyEventsSql = "INSERT INTO " + events + " (workflow_id, key, position, value, set_at)"
                + " SELECT ?, key, position, value, set_at FROM " + events + " WHERE workflow_id = ? AND position < ?";
    }

    List<String> cancel(String workflowId, boolean withChildren, Function<String, String> errorFor) {
        return file.write("cancel workflow '" + workflowId + "'", c -> {
            List<String> ids = withChildren ? tree(c, workflowId) : List.of(workflowId);
            long now = SqliteFile.nowMicros();
            List<String> cancelled = new ArrayList<>(ids.size());
            try (PreparedStatement ps = c.prepareStatement(cancelSql)) {
                for (String id : ids) {
                    ps.setString(1, errorFor.apply(id));
                    ps.setLong(2, now);
                    ps.setLong(3, now);
                    ps.setString(4, id);
                    if (ps.executeUpdate() == 1) {
                        cancelled.add(id);
                    }
                }
            }
            return cancelled;
        });
    }

    private List<String> tree(Connection c, String workflowId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(treeSql)) {
            ps.setString(1, workflowId);
            return Rows.list(ps, rs -> rs.getString(1));
        }
    }

    StepWrite recordStepAfterCancel(StepRow step, String owner, long epoch) {
        return file.write("record step " + step.position() + " '" + step.name() + "' of cancelled workflow '"
                + step.workflowId() + "'", c -> journal.record(c, step, owner, epoch, "CANCELLED"));
    }

    Optional<Store.Resumed> resume(String workflowId, String owner, boolean replaceDeadline, Instant deadline) {
        return file.write("resume workflow '" + workflowId + "'", c -> {
            String status;
            Instant oldDeadline;
            try (PreparedStatement ps = c.prepareStatement(findStatusSql)) {
                ps.setString(1, workflowId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    status = rs.getString(1);
                    oldDeadline = SqliteFile.instant(rs, 2);
                }
            }
            if (!RESUMABLE.contains(status)) {
                return Optional.empty();
            }
            // A workflow that timed out would time out again at once under its old deadline.
            Instant newDeadline = replaceDeadline ? deadline : "TIMED_OUT".equals(status) ? null : oldDeadline;
            try (PreparedStatement ps = c.prepareStatement(resumeSql)) {
                ps.setString(1, owner);
                ps.setLong(2, SqliteFile.nowMicros());
                SqliteRows.setInstant(ps, 3, newDeadline);
                ps.setString(4, workflowId);
                ps.executeUpdate();
            }
            int removed = "FAILED".equals(status) ? removeFailedLastStep(c, workflowId) : 0;
            WorkflowRow row = findWorkflow(c, workflowId).orElseThrow();
            return Optional.of(new Store.Resumed(row, removed));
        });
    }

    /** Deletes the last journal entry if it is a failed step, so that the step runs again: its position, or 0. */
    private int removeFailedLastStep(Connection c, String workflowId) throws SQLException {
        int position;
        try (PreparedStatement ps = c.prepareStatement(lastStepSql)) {
            ps.setString(1, workflowId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || !"FAILED".equals(rs.getString(2))) {
                    return 0;
                }
                position = rs.getInt(1);
            }
        }
        try (PreparedStatement ps = c.prepareStatement(deleteStepSql)) {
            ps.setString(1, workflowId);
            ps.setInt(2, position);
            ps.executeUpdate();
        }
        return position;
    }

    Optional<WorkflowRow> fork(String originalId, String newId, int fromPosition, String owner) {
        return file.write("fork workflow '" + originalId + "' as '" + newId + "'", c -> {
            long now = SqliteFile.nowMicros();
            try (PreparedStatement ps = c.prepareStatement(forkSql)) {
                ps.setString(1, newId);
                ps.setString(2, owner);
                ps.setInt(3, fromPosition);
                ps.setLong(4, now);
                ps.setLong(5, now);
                ps.setString(6, originalId);
                if (ps.executeUpdate() == 0) {
                    return Optional.empty(); // no original, or newId is taken
                }
            }
            copyBelow(c, copyStepsSql, newId, originalId, fromPosition);
            copyBelow(c, copyEventsSql, newId, originalId, fromPosition);
            return findWorkflow(c, newId);
        });
    }

    private static void copyBelow(Connection c, String sql, String newId, String originalId, int fromPosition)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, newId);
            ps.setString(2, originalId);
            ps.setInt(3, fromPosition);
            ps.executeUpdate();
        }
    }

    private Optional<WorkflowRow> findWorkflow(Connection c, String workflowId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(findWorkflowSql)) {
            ps.setString(1, workflowId);
            return Rows.first(ps, SqliteRows::workflow);
        }
    }
}
