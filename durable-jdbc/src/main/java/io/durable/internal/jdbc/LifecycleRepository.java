package io.durable.internal.jdbc;

import io.durable.internal.store.QueueEntry;
import io.durable.internal.store.StepRow;
import io.durable.internal.store.StepWrite;
import io.durable.internal.store.Store;
import io.durable.internal.store.WorkflowRow;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * SQL for an operator's interventions: cancel (with the workflows below it), the late checkpoint of
 * a step that was running when its workflow was cancelled, resume, and fork. Each change is one
 * statement (cancel: one read of the tree, then one update), never on the checkpoint path.
 */
final class LifecycleRepository {
    private static final String RESUMABLE = "('CANCELLED', 'TIMED_OUT', 'FAILED', 'DEAD_LETTER')";

    private final Database db;
    private final QueueRepository queues;
    private final String findQueueEntrySql;
    private final String treeSql;
    private final String cancelSql;
    private final String stepAfterCancelSql;
    private final String findStepSql;
    private final String resumeSql;
    private final String forkSql;

    LifecycleRepository(Database db, String schema, QueueRepository queues) {
        this.db = db;
        this.queues = queues;
        String workflows = schema + ".workflows";
        String steps = schema + ".steps";
        String events = schema + ".events";
        this.treeSql = "WITH RECURSIVE tree(id) AS (SELECT id FROM " + workflows + " WHERE id = ?"
                + " UNION SELECT w.id FROM " + workflows + " w JOIN tree t ON w.parent_id = t.id)"
                + " SELECT id FROM tree";
        // = ANY keeps it a primary-key probe per ID whatever the table's statistics say.
        this.cancelSql = "UPDATE " + workflows + " w SET status = 'CANCELLED', completed_at = now(), updated_at = now(),"
                + " wait_kind = NULL, error = (SELECT v.error FROM unnest(?::text[], ?::text[]) AS v(id, error)"
                + " WHERE v.id = w.id) WHERE w.id = ANY (?::text[]) AND w.status IN ('ENQUEUED', 'PENDING') RETURNING w.id";
        this.stepAfterCancelSql = "INSERT INTO " + steps + " (" + Rows.STEP_COLUMNS + ")"
                + " SELECT ?, ?, ?, ?, ?, ?, ?, ?, ? FROM " + workflows + " w"
                + " WHERE w.id = ? AND w.owner = ? AND w.epoch = ? AND w.status = 'CANCELLED' FOR SHARE"
                + " ON CONFLICT (workflow_id, position) DO NOTHING";
        this.findStepSql = Rows.findStepSql(schema);
        this.findQueueEntrySql = "SELECT queue_name, deduplication_id FROM " + workflows + " WHERE id = ?";
        this.resumeSql = "WITH old AS (SELECT id AS old_id, status AS old_status FROM " + workflows
                + " WHERE id = ? AND status IN " + RESUMABLE + " FOR UPDATE),"
                // A workflow of a queue goes back on it (at the end of its priority), to respect its limits.
                + " r AS (UPDATE " + workflows + " w SET status = CASE WHEN w.queue_name IS NULL THEN 'PENDING'"
                + " ELSE 'ENQUEUED' END, owner = CASE WHEN w.queue_name IS NULL THEN ? END, epoch = w.epoch + 1,"
                + " queue_order = CASE WHEN w.queue_name IS NULL THEN NULL ELSE nextval('" + schema
                + ".workflows_queue_order') END, not_before = NULL,"
                + " recovery_attempts = 0, output = NULL, error = NULL, completed_at = NULL, wait_kind = NULL,"
                + " updated_at = now(), deadline_at = CASE WHEN ?::boolean THEN ?::timestamptz"
                + " WHEN w.status = 'TIMED_OUT' THEN NULL ELSE w.deadline_at END"
                + " FROM old WHERE w.id = old.old_id RETURNING " + Rows.WORKFLOW_COLUMNS + "),"
                + " last AS (SELECT s.position, s.status FROM " + steps + " s WHERE s.workflow_id = ?"
                + " ORDER BY s.position DESC LIMIT 1),"
                + " removed AS (DELETE FROM " + steps + " s USING last, old WHERE s.workflow_id = old.old_id"
                + " AND s.position = last.position AND last.status = 'FAILED' AND old.old_status = 'FAILED'"
                + " RETURNING s.position)"
                + " SELECT " + Rows.WORKFLOW_COLUMNS + ", (SELECT position FROM removed) FROM r";
        String stepCopy = Rows.STEP_COLUMNS + ", child_workflow_id";
        this.forkSql = "WITH src AS (SELECT name, inputs FROM " + workflows + " WHERE id = ?),"
                + " ins AS (INSERT INTO " + workflows + " (id, name, status, inputs, owner, epoch, forked_from,"
                + " fork_position) SELECT ?, name, 'PENDING', inputs, ?, 1, ?, ? FROM src"
                + " ON CONFLICT (id) DO NOTHING RETURNING " + Rows.WORKFLOW_COLUMNS + "),"
                + " copied AS (INSERT INTO " + steps + " (" + stepCopy + ") SELECT ins.id, s.position, s.name, s.status,"
                + " s.output, s.error, s.attempts, s.started_at, s.completed_at, s.child_workflow_id FROM " + steps + " s"
                + " CROSS JOIN ins WHERE s.workflow_id = ? AND s.position < ?),"
                + " published AS (INSERT INTO " + events + " (workflow_id, key, position, value, set_at)"
                + " SELECT ins.id, e.key, e.position, e.value, e.set_at FROM " + events + " e CROSS JOIN ins"
                + " WHERE e.workflow_id = ? AND e.position < ?)"
                + " SELECT " + Rows.WORKFLOW_COLUMNS + " FROM ins";
    }

    List<String> cancel(String workflowId, boolean withChildren, Function<String, String> errorFor) {
        return db.run("cancel workflow '" + workflowId + "'", c -> {
            List<String> ids = withChildren ? tree(c, workflowId) : List.of(workflowId);
            List<String> errors = new ArrayList<>(ids.size());
            for (String id : ids) {
                errors.add(errorFor.apply(id));
            }
            Array idArray = c.createArrayOf("text", ids.toArray());
            Array errorArray = c.createArrayOf("text", errors.toArray());
            try (PreparedStatement ps = c.prepareStatement(cancelSql)) {
                ps.setArray(1, idArray);
                ps.setArray(2, errorArray);
                ps.setArray(3, idArray);
                return Rows.list(ps, rs -> rs.getString(1));
            } finally {
                idArray.free();
                errorArray.free();
            }
        });
    }

    private List<String> tree(Connection c, String workflowId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(treeSql)) {
            ps.setString(1, workflowId);
            return Rows.list(ps, rs -> rs.getString(1));
        }
    }

    StepWrite recordStepAfterCancel(StepRow step, String owner, long epoch) {
        return db.run("record step " + step.position() + " '" + step.name() + "' of cancelled workflow '"
                + step.workflowId() + "'", c -> {
            try (PreparedStatement ps = c.prepareStatement(stepAfterCancelSql)) {
                ps.setString(1, step.workflowId());
                ps.setInt(2, step.position());
                ps.setString(3, step.name());
                ps.setString(4, step.status().name());
                ps.setString(5, step.output());
                ps.setString(6, step.error());
                ps.setInt(7, step.attempts());
                ps.setTimestamp(8, Timestamp.from(step.startedAt()));
                ps.setTimestamp(9, Timestamp.from(step.completedAt()));
                ps.setString(10, step.workflowId());
                ps.setString(11, owner);
                ps.setLong(12, epoch);
                if (ps.executeUpdate() == 1) {
                    return StepWrite.recorded();
                }
            }
            return Rows.findStep(c, findStepSql, step.workflowId(), step.position()).map(StepWrite::conflict)
                    .orElseGet(StepWrite::fenced);
        });
    }

    Optional<Store.Resumed> resume(String workflowId, String owner, boolean replaceDeadline, Instant deadline) {
        return db.run("resume workflow '" + workflowId + "'", c -> {
            try (PreparedStatement ps = c.prepareStatement(resumeSql)) {
                ps.setString(1, workflowId);
                ps.setString(2, owner);
                ps.setBoolean(3, replaceDeadline);
                ps.setTimestamp(4, Rows.timestamp(deadline));
                ps.setString(5, workflowId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    WorkflowRow row = Rows.workflow(rs);
                    return Optional.of(new Store.Resumed(row, rs.getInt(Rows.WORKFLOW_COLUMN_COUNT + 1)));
                }
            } catch (SQLException e) {
                if (QueueRepository.isDeduplicationConflict(e)) {
                    throw deduplicationConflict(c, workflowId, e);
                }
                throw e;
            }
        });
    }

    /** A re-enqueue by resume met another active workflow with the same deduplication ID. */
    private RuntimeException deduplicationConflict(Connection c, String workflowId, SQLException e)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(findQueueEntrySql)) {
            ps.setString(1, workflowId);
            Optional<QueueEntry> entry = Rows.first(ps, rs -> new QueueEntry(rs.getString(1), 0, rs.getString(2),
                    null, java.time.Duration.ZERO));
            if (entry.isPresent()) {
                Optional<io.durable.DeduplicationConflictException> conflict = queues.conflict(c, workflowId,
                        entry.get());
                if (conflict.isPresent()) {
                    return conflict.get();
                }
            }
        }
        throw e; // the holder finished meanwhile: a retry of the resume succeeds
    }

    Optional<WorkflowRow> fork(String originalId, String newId, int fromPosition, String owner) {
        return db.run("fork workflow '" + originalId + "' as '" + newId + "'", c -> {
            try (PreparedStatement ps = c.prepareStatement(forkSql)) {
                ps.setString(1, originalId);
                ps.setString(2, newId);
                ps.setString(3, owner);
                ps.setString(4, originalId);
                ps.setInt(5, fromPosition);
                ps.setString(6, originalId);
                ps.setInt(7, fromPosition);
                ps.setString(8, originalId);
                ps.setInt(9, fromPosition);
                return Rows.first(ps, Rows::workflow);
            }
        });
    }
}
