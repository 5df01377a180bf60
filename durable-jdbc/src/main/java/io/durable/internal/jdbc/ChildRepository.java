package io.durable.internal.jdbc;

import io.durable.internal.store.ChildStart;
import io.durable.internal.store.NewWorkflow;
import io.durable.internal.store.StepRow;
import io.durable.internal.store.WorkflowRow;

import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;

/**
 * SQL for child workflows. A child start is one statement: the child row and the parent's journal
 * entry naming it are written together, fenced by the parent's ownership, so no crash can leave a
 * child without the entry that started it (or the reverse). A child ID that already names a
 * workflow of the same name is joined instead of inserted.
 */
final class ChildRepository {
    /**
     * A child in one of these statuses has not finished: an ENQUEUED one waits for a dequeue, a
     * DEAD_LETTER one for an operator's resume.
     */
    private static final String UNFINISHED = "('ENQUEUED', 'PENDING', 'DEAD_LETTER')";

    private final Database db;
    private final QueueRepository queues;
    private final String startSql;
    private final String findManySql;
    private final String recordWaitSql;
    private final String findStepSql;

    ChildRepository(Database db, String schema, QueueRepository queues) {
        this.db = db;
        this.queues = queues;
        String workflows = schema + ".workflows";
        this.startSql = "WITH owned AS (SELECT 1 FROM " + workflows + " WHERE id = ? AND owner = ? AND epoch = ?"
                + " AND status = 'PENDING' FOR SHARE),"
                + " existing AS (SELECT name FROM " + workflows + " WHERE id = ?),"
                + " child AS (INSERT INTO " + workflows + " (id, name, status, inputs, owner, epoch, parent_id,"
                + " parent_position, deadline_at, " + QueueRepository.COLUMNS + ") SELECT ?, ?, ?, ?, ?, 1, ?, ?,"
                + " ?::timestamptz, " + QueueRepository.values(schema) + " FROM owned"
                + " ON CONFLICT (id) DO NOTHING RETURNING id),"
                + " recorded AS (INSERT INTO " + schema + ".steps (" + Rows.STEP_ROW_COLUMNS + ")"
                + " SELECT ?, ?, ?, ?, ?, ?, ?, timestamptz 'epoch' + ? * interval '1 microsecond',"
                + " timestamptz 'epoch' + ? * interval '1 microsecond', ? FROM owned"
                + " WHERE EXISTS (SELECT 1 FROM child) OR EXISTS (SELECT 1 FROM existing WHERE name = ?) RETURNING 1)"
                + " SELECT (SELECT count(*) FROM owned), (SELECT count(*) FROM child), (SELECT name FROM existing),"
                + " (SELECT count(*) FROM recorded)";
        this.findManySql = "SELECT " + Rows.WORKFLOW_COLUMNS + " FROM " + workflows + " WHERE id = ANY (?)";
        this.recordWaitSql = "UPDATE " + workflows + " SET wait_kind = 'child', wait_topic = ?, wait_target = NULL,"
                + " wait_children = ?, wait_position = ?, wake_at = NULL, updated_at = now()"
                + " WHERE id = ? AND owner = ? AND epoch = ? AND status = 'PENDING'";
        this.findStepSql = Rows.findStepSql(schema);
    }

    /**
     * The condition under which a workflow row {@code w} waiting on children may go on: one of them
     * finished ({@code wait_topic = 'any'}), or all of them ({@code 'all'}).
     */
    static String childWaitOver(String workflows) {
        return "(w.wait_kind = 'child' AND CASE WHEN w.wait_topic = 'all'"
                + " THEN NOT EXISTS (SELECT 1 FROM " + workflows + " c WHERE c.id = ANY (w.wait_children)"
                + " AND c.status IN " + UNFINISHED + ")"
                + " ELSE EXISTS (SELECT 1 FROM " + workflows + " c WHERE c.id = ANY (w.wait_children)"
                + " AND c.status NOT IN " + UNFINISHED + ") END)";
    }

    ChildStart start(NewWorkflow child, StepRow step, String owner, long epoch) {
        String what = "start child workflow '" + child.id() + "' at step " + step.position() + " of workflow '"
                + step.workflowId() + "'";
        return db.run(what, c -> {
            while (true) {
                try (PreparedStatement ps = c.prepareStatement(startSql)) {
                    int i = 1;
                    ps.setString(i++, step.workflowId());
                    ps.setString(i++, owner);
                    ps.setLong(i++, epoch);
                    ps.setString(i++, child.id());
                    ps.setString(i++, child.id());
                    ps.setString(i++, child.name());
                    ps.setString(i++, child.queue() == null ? "PENDING" : "ENQUEUED");
                    ps.setString(i++, child.inputs());
                    ps.setString(i++, child.queue() == null ? child.owner() : null);
                    ps.setString(i++, step.workflowId());
                    ps.setInt(i++, step.position());
                    ps.setTimestamp(i++, Rows.timestamp(child.deadlineAt()));
                    i = QueueRepository.bind(ps, i, child.queue());
                    i = Rows.bindStep(ps, i, step);
                    ps.setLong(i++, Rows.micros(step.completedAt()));
                    ps.setString(i++, step.childWorkflowId());
                    ps.setString(i, child.name());
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        if (rs.getLong(1) == 0) {
                            return new ChildStart(ChildStart.Kind.FENCED, null, null);
                        }
                        if (rs.getLong(2) == 1) {
                            return new ChildStart(ChildStart.Kind.STARTED, null, null);
                        }
                        String existingName = rs.getString(3);
                        if (existingName == null) {
                            continue; // inserted meanwhile by another transaction, not yet visible to ours: look again
                        }
                        return rs.getLong(4) == 1 ? new ChildStart(ChildStart.Kind.JOINED, existingName, null)
                                : new ChildStart(ChildStart.Kind.NAME_CONFLICT, existingName, null);
                    }
                } catch (SQLException e) {
                    if (!SqlFailures.UNIQUE_VIOLATION.equals(e.getSQLState())) {
                        throw e;
                    }
                    if (QueueRepository.isDeduplicationConflict(e)) {
                        var holder = queues.conflict(c, child.id(), child.queue());
                        if (holder.isPresent()) {
                            throw holder.get();
                        }
                        continue; // the holder finished meanwhile: try again
                    }
                    // The parent's position was taken (the statement changed nothing): that entry wins.
                    StepRow existing = Rows.findStep(c, findStepSql, step.workflowId(), step.position())
                            .orElseThrow(() -> e);
                    return new ChildStart(ChildStart.Kind.CONFLICT, null, existing);
                }
            }
        });
    }

    List<WorkflowRow> findMany(Collection<String> ids) {
        return db.run("read " + ids.size() + " workflow(s)", c -> {
            Array idArray = c.createArrayOf("text", ids.toArray());
            try (PreparedStatement ps = c.prepareStatement(findManySql)) {
                ps.setArray(1, idArray);
                return Rows.list(ps, Rows::workflow);
            } finally {
                idArray.free();
            }
        });
    }

    boolean recordWait(String workflowId, int position, boolean all, List<String> childIds, String owner, long epoch) {
        return db.run("record the wait of workflow '" + workflowId + "' for its children", c -> {
            Array idArray = c.createArrayOf("text", childIds.toArray());
            try (PreparedStatement ps = c.prepareStatement(recordWaitSql)) {
                ps.setString(1, all ? "all" : "any");
                ps.setArray(2, idArray);
                ps.setInt(3, position);
                ps.setString(4, workflowId);
                ps.setString(5, owner);
                ps.setLong(6, epoch);
                return ps.executeUpdate() == 1;
            } finally {
                idArray.free();
            }
        });
    }

}
