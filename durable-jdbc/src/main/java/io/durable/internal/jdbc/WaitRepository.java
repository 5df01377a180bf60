package io.durable.internal.jdbc;

import io.durable.internal.store.Message;
import io.durable.internal.store.Receipt;
import io.durable.internal.store.StepRow;
import io.durable.internal.store.StepWrite;
import io.durable.internal.store.Store;
import io.durable.internal.store.Wait;
import io.durable.internal.store.WorkflowRow;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * SQL for waits, messages and events. Every write made from inside a workflow is one statement
 * that is fenced by ownership and records its journal entry together with its effect: a message
 * is consumed only by the step that records it, and a step that sends or publishes cannot land
 * without its message or event. A journal position that is already taken aborts the statement
 * (no {@code ON CONFLICT} on steps here), so nothing is half-applied; the recorded row then wins.
 */
final class WaitRepository {

    private final Database db;
    private final String recordWaitSql;
    private final String waitEndSql;
    private final String receiveSql;
    private final String sendSql;
    private final String handOverSql;
    private final String sendFromStepSql;
    private final String setEventSql;
    private final String latestEventSql;
    /** The UNION branches of {@link #dueSql}, each bound to (owner, names). */
    private static final int DUE_PROBES = 5;
    private final String dueSql;
    private final String claimDueSql;
    private final String findStepSql;

    WaitRepository(Database db, String schema) {
        this.db = db;
        String workflows = schema + ".workflows";
        String steps = schema + ".steps";
        String messages = schema + ".messages";
        String events = schema + ".events";
        String owned = "id = ? AND owner = ? AND epoch = ? AND status = 'PENDING'";
        String stepInsert = "INSERT INTO " + steps + " (" + Rows.STEP_COLUMNS + ")";
        String stepValues = " ?, ?, ?, ?, ?, ?, ?, timestamptz 'epoch' + ? * interval '1 microsecond', now()";
        this.recordWaitSql = "UPDATE " + workflows + " SET wait_kind = ?, wait_topic = ?, wait_target = ?,"
                + " wait_position = ?, wake_at = ?, updated_at = now() WHERE " + owned;
        // The entry that ends a wait for a child names that child.
        this.waitEndSql = "WITH owned AS (UPDATE " + workflows + " SET wait_kind = NULL, updated_at = now() WHERE "
                + owned + " RETURNING id) INSERT INTO " + steps + " (" + Rows.STEP_ROW_COLUMNS + ") SELECT"
                + stepValues + ", ? FROM owned";
        this.receiveSql = "WITH m AS (SELECT id, payload FROM " + messages + " WHERE destination = ? AND topic = ?"
                + " AND consumed_at IS NULL ORDER BY id LIMIT 1 FOR UPDATE),"
                + " owned AS (UPDATE " + workflows + " SET wait_kind = NULL, updated_at = now() WHERE " + owned
                + " AND EXISTS (SELECT 1 FROM m) RETURNING id),"
                + " waiting AS (UPDATE " + workflows + " SET wait_kind = 'recv', wait_topic = ?, wait_target = NULL,"
                + " wait_position = ?, wake_at = ?, updated_at = now() WHERE " + owned
                + " AND ?::boolean AND NOT EXISTS (SELECT 1 FROM m) RETURNING id),"
                + " consumed AS (UPDATE " + messages + " SET consumed_at = now(), consumed_position = ?"
                + " WHERE id = (SELECT id FROM m) AND EXISTS (SELECT 1 FROM owned) RETURNING payload),"
                + " recorded AS (" + stepInsert + " SELECT ?, ?, ?, 'SUCCEEDED', consumed.payload, NULL, 1,"
                + " timestamptz 'epoch' + ? * interval '1 microsecond', now() FROM consumed RETURNING output)"
                + " SELECT (SELECT count(*) FROM m), (SELECT output FROM recorded), (SELECT count(*) FROM waiting)";
        this.handOverSql = "WITH older AS (SELECT 1 FROM " + messages + " WHERE destination = ? AND topic = ?"
                + " AND consumed_at IS NULL LIMIT 1),"
                + " owned AS (SELECT 1 FROM " + workflows + " WHERE " + owned + " AND wait_kind = 'recv'"
                + " AND wait_topic = ? AND wait_position = ? AND NOT EXISTS (SELECT 1 FROM older) FOR UPDATE),"
                + " sent AS (INSERT INTO " + messages + " (destination, topic, payload, idempotency_key, consumed_at,"
                + " consumed_position) SELECT ?, ?, ?, ?, now(), ? FROM owned"
                + " ON CONFLICT (destination, idempotency_key) DO NOTHING RETURNING payload),"
                + " recorded AS (" + stepInsert + " SELECT ?, ?, ?, 'SUCCEEDED', sent.payload, NULL, 1,"
                + " timestamptz 'epoch' + ? * interval '1 microsecond', now() FROM sent RETURNING 1),"
                + " cleared AS (UPDATE " + workflows + " SET wait_kind = NULL, updated_at = now() WHERE id = ?"
                + " AND EXISTS (SELECT 1 FROM recorded) RETURNING 1)"
                + " SELECT (SELECT count(*) FROM owned), (SELECT count(*) FROM recorded), (SELECT count(*) FROM cleared)";
        this.sendSql = "INSERT INTO " + messages + " (destination, topic, payload, idempotency_key) VALUES (?, ?, ?, ?)"
                + " ON CONFLICT (destination, idempotency_key) DO NOTHING";
        this.sendFromStepSql = "WITH owned AS (SELECT 1 FROM " + workflows + " WHERE " + owned + " FOR SHARE),"
                + " recorded AS (" + stepInsert + " SELECT" + stepValues + " FROM owned RETURNING 1),"
                + " sent AS (INSERT INTO " + messages + " (destination, topic, payload, idempotency_key)"
                + " SELECT ?, ?, ?, ? FROM recorded ON CONFLICT (destination, idempotency_key) DO NOTHING RETURNING 1)"
                + " SELECT (SELECT count(*) FROM recorded)";
        this.setEventSql = "WITH owned AS (SELECT 1 FROM " + workflows + " WHERE " + owned + " FOR SHARE),"
                + " recorded AS (" + stepInsert + " SELECT" + stepValues + " FROM owned RETURNING 1),"
                + " published AS (INSERT INTO " + events + " (workflow_id, key, position, value)"
                + " SELECT ?, ?, ?, ? FROM recorded RETURNING 1)"
                + " SELECT (SELECT count(*) FROM recorded)";
        this.latestEventSql = "SELECT value FROM " + events + " WHERE workflow_id = ? AND key = ?"
                + " ORDER BY position DESC LIMIT 1";
        String due = "(w.wake_at <= now() OR w.deadline_at <= now()"
                + " OR (w.wait_kind = 'recv' AND EXISTS (SELECT 1 FROM " + messages + " m WHERE m.destination = w.id"
                + " AND m.topic = w.wait_topic AND m.consumed_at IS NULL))"
                + " OR (w.wait_kind = 'event' AND EXISTS (SELECT 1 FROM " + events + " e"
                + " WHERE e.workflow_id = w.wait_target AND e.key = w.wait_topic))"
                + " OR " + ChildRepository.childWaitOver(workflows) + ")";
        // Three cheap probes rather than one predicate over every waiting workflow: deadlines by the
        // partial index, messages from the (short) list of unconsumed ones, events by the waiters on them.
        this.dueSql = "SELECT w.id FROM " + workflows + " w WHERE w.owner = ? AND w.wait_kind IS NOT NULL"
                + " AND w.wake_at <= now() AND w.name = ANY (?)"
                + " UNION SELECT w.id FROM " + messages + " m JOIN " + workflows + " w ON w.id = m.destination"
                + " WHERE m.consumed_at IS NULL AND w.owner = ? AND w.wait_kind = 'recv' AND w.wait_topic = m.topic"
                + " AND w.name = ANY (?)"
                + " UNION SELECT w.id FROM " + workflows + " w WHERE w.owner = ? AND w.wait_kind = 'event'"
                + " AND w.name = ANY (?)"
                + " AND EXISTS (SELECT 1 FROM " + events + " e WHERE e.workflow_id = w.wait_target AND e.key = w.wait_topic)"
                // A workflow deadline that passed ends any wait (the workflow then times out).
                + " UNION SELECT w.id FROM " + workflows + " w WHERE w.owner = ? AND w.wait_kind IS NOT NULL"
                + " AND w.deadline_at <= now() AND w.name = ANY (?)"
                + " UNION SELECT w.id FROM " + workflows + " w WHERE w.owner = ? AND w.wait_kind = 'child'"
                + " AND w.name = ANY (?) AND " + ChildRepository.childWaitOver(workflows)
                + " LIMIT ?";
        this.claimDueSql = "UPDATE " + workflows + " w SET wait_kind = NULL, epoch = w.epoch + 1, updated_at = now()"
                + " WHERE w.id = ANY (?) AND w.owner = ? AND w.status = 'PENDING' AND w.wait_kind IS NOT NULL"
                + " AND w.name = ANY (?) AND " + due + " RETURNING " + Rows.WORKFLOW_COLUMNS;
        this.findStepSql = Rows.findStepSql(schema);
    }

    boolean recordWait(Wait wait, String owner, long epoch) {
        return db.run("record the wait of workflow '" + wait.workflowId() + "'", c -> {
            try (PreparedStatement ps = c.prepareStatement(recordWaitSql)) {
                ps.setString(1, wait.kind());
                ps.setString(2, wait.topic());
                ps.setString(3, wait.target());
                ps.setInt(4, wait.position());
                ps.setTimestamp(5, Rows.timestamp(wait.wakeAt()));
                ps.setString(6, wait.workflowId());
                ps.setString(7, owner);
                ps.setLong(8, epoch);
                return ps.executeUpdate() == 1;
            }
        });
    }

    StepWrite recordWaitEnd(StepRow step, String owner, long epoch) {
        return db.run(what(step), c -> {
            try (PreparedStatement ps = c.prepareStatement(waitEndSql)) {
                int i = bindOwned(ps, 1, step, owner, epoch);
                i = Rows.bindStep(ps, i, step);
                ps.setString(i, step.childWorkflowId());
                return ps.executeUpdate() == 1 ? StepWrite.recorded() : StepWrite.fenced();
            } catch (SQLException e) {
                return conflictOrThrow(c, step, e);
            }
        });
    }

    Receipt receive(StepRow step, String topic, String owner, long epoch, Wait waitIfNone) {
        return db.run(what(step), c -> {
            try (PreparedStatement ps = c.prepareStatement(receiveSql)) {
                ps.setString(1, step.workflowId());
                ps.setString(2, topic);
                int i = bindOwned(ps, 3, step, owner, epoch);
                ps.setString(i++, topic);
                ps.setInt(i++, step.position());
                ps.setTimestamp(i++, Rows.timestamp(waitIfNone == null ? null : waitIfNone.wakeAt()));
                i = bindOwned(ps, i, step, owner, epoch);
                ps.setBoolean(i++, waitIfNone != null);
                ps.setInt(i++, step.position());
                ps.setString(i++, step.workflowId());
                ps.setInt(i++, step.position());
                ps.setString(i++, step.name());
                ps.setLong(i, Rows.micros(step.startedAt()));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) == 0) {
                        return waitIfNone == null || rs.getLong(3) == 1 ? Receipt.none()
                                : new Receipt(Receipt.Kind.FENCED, null, null);
                    }
                    String payload = rs.getString(2);
                    return payload == null ? new Receipt(Receipt.Kind.FENCED, null, null)
                            : new Receipt(Receipt.Kind.RECEIVED, payload, null);
                }
            } catch (SQLException e) {
                StepWrite conflict = conflictOrThrow(c, step, e);
                return conflict.kind() == StepWrite.Kind.CONFLICT
                        ? new Receipt(Receipt.Kind.CONFLICT, null, conflict.existing())
                        : new Receipt(Receipt.Kind.FENCED, null, null);
            }
        });
    }

    boolean send(Message message) {
        return db.run("send a message to workflow '" + message.destination() + "'", c -> {
            try (PreparedStatement ps = c.prepareStatement(sendSql)) {
                ps.setString(1, message.destination());
                ps.setString(2, message.topic());
                ps.setString(3, message.payload());
                ps.setString(4, message.idempotencyKey());
                return ps.executeUpdate() == 1;
            }
        });
    }

    Store.HandOver handOver(Message message, StepRow step, String owner, long epoch) {
        return db.run("hand a message over to workflow '" + message.destination() + "'", c -> {
            try (PreparedStatement ps = c.prepareStatement(handOverSql)) {
                int i = 1;
                ps.setString(i++, message.destination());
                ps.setString(i++, message.topic());
                i = bindOwned(ps, i, step, owner, epoch);
                ps.setString(i++, message.topic());
                ps.setInt(i++, step.position());
                ps.setString(i++, message.destination());
                ps.setString(i++, message.topic());
                ps.setString(i++, message.payload());
                ps.setString(i++, message.idempotencyKey());
                ps.setInt(i++, step.position());
                ps.setString(i++, step.workflowId());
                ps.setInt(i++, step.position());
                ps.setString(i++, step.name());
                ps.setLong(i++, Rows.micros(step.startedAt()));
                ps.setString(i, step.workflowId());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getLong(2) == 1) {
                        return Store.HandOver.DELIVERED;
                    }
                    return rs.getLong(1) == 1 ? Store.HandOver.DUPLICATE : Store.HandOver.NOT_DELIVERED;
                }
            } catch (SQLException e) {
                if (SqlFailures.UNIQUE_VIOLATION.equals(e.getSQLState())) {
                    return Store.HandOver.NOT_DELIVERED; // the position was taken meanwhile; nothing was stored
                }
                throw e;
            }
        });
    }

    StepWrite sendFromStep(StepRow step, String owner, long epoch, Message message) {
        return db.run(what(step), c -> {
            try (PreparedStatement ps = c.prepareStatement(sendFromStepSql)) {
                int i = bindOwned(ps, 1, step, owner, epoch);
                i = Rows.bindStep(ps, i, step);
                ps.setString(i++, message.destination());
                ps.setString(i++, message.topic());
                ps.setString(i++, message.payload());
                ps.setString(i, message.idempotencyKey());
                return recordedCount(ps);
            } catch (SQLException e) {
                return conflictOrThrow(c, step, e);
            }
        });
    }

    StepWrite setEvent(StepRow step, String owner, long epoch, String key, String value) {
        return db.run(what(step), c -> {
            try (PreparedStatement ps = c.prepareStatement(setEventSql)) {
                int i = bindOwned(ps, 1, step, owner, epoch);
                i = Rows.bindStep(ps, i, step);
                ps.setString(i++, step.workflowId());
                ps.setString(i++, key);
                ps.setInt(i++, step.position());
                ps.setString(i, value);
                return recordedCount(ps);
            } catch (SQLException e) {
                return conflictOrThrow(c, step, e);
            }
        });
    }

    Optional<String> latestEvent(String workflowId, String key) {
        return db.run("read event '" + key + "' of workflow '" + workflowId + "'", c -> {
            try (PreparedStatement ps = c.prepareStatement(latestEventSql)) {
                ps.setString(1, workflowId);
                ps.setString(2, key);
                return Rows.first(ps, rs -> rs.getString(1));
            }
        });
    }

    List<String> dueWaits(String owner, Collection<String> names, int limit) {
        return db.run("find the finished waits of executor '" + owner + "'", c -> {
            Array nameArray = c.createArrayOf("text", names.toArray());
            try (PreparedStatement ps = c.prepareStatement(dueSql)) {
                for (int i = 0; i < DUE_PROBES; i++) {
                    ps.setString(1 + 2 * i, owner);
                    ps.setArray(2 + 2 * i, nameArray);
                }
                ps.setInt(1 + 2 * DUE_PROBES, limit);
                return Rows.list(ps, rs -> rs.getString(1));
            } finally {
                nameArray.free();
            }
        });
    }

    List<WorkflowRow> claimDueWaits(String owner, Collection<String> names, Collection<String> ids) {
        return db.run("resume waiting workflows of executor '" + owner + "'", c -> {
            Array idArray = c.createArrayOf("text", ids.toArray());
            Array nameArray = c.createArrayOf("text", names.toArray());
            try (PreparedStatement ps = c.prepareStatement(claimDueSql)) {
                ps.setArray(1, idArray);
                ps.setString(2, owner);
                ps.setArray(3, nameArray);
                return Rows.list(ps, Rows::workflow);
            } finally {
                idArray.free();
                nameArray.free();
            }
        });
    }

    private static int bindOwned(PreparedStatement ps, int i, StepRow step, String owner, long epoch)
            throws SQLException {
        ps.setString(i++, step.workflowId());
        ps.setString(i++, owner);
        ps.setLong(i++, epoch);
        return i;
    }

    private static StepWrite recordedCount(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1) == 1 ? StepWrite.recorded() : StepWrite.fenced();
        }
    }

    /** The position was taken (the whole statement rolled back): the recorded row wins. */
    private StepWrite conflictOrThrow(Connection c, StepRow step, SQLException e) throws SQLException {
        if (!SqlFailures.UNIQUE_VIOLATION.equals(e.getSQLState())) {
            throw e;
        }
        return Rows.findStep(c, findStepSql, step.workflowId(), step.position()).map(StepWrite::conflict)
                .orElseThrow(() -> e);
    }

    private static String what(StepRow step) {
        return "record step " + step.position() + " '" + step.name() + "' of workflow '" + step.workflowId() + "'";
    }
}
