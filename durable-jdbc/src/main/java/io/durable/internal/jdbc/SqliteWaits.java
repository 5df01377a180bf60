package io.durable.internal.jdbc;

import io.durable.StepStatus;
import io.durable.internal.store.ChildStart;
import io.durable.internal.store.Message;
import io.durable.internal.store.NewWorkflow;
import io.durable.internal.store.Receipt;
import io.durable.internal.store.StepRow;
import io.durable.internal.store.StepWrite;
import io.durable.internal.store.Store;
import io.durable.internal.store.Wait;
import io.durable.internal.store.WorkflowRow;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Waits, messages, events and child workflows on SQLite, as {@link WaitRepository} and
 * {@link ChildRepository} do them on PostgreSQL. What PostgreSQL does in one statement is here one
 * write transaction that checks ownership and the journal position before it changes anything, so
 * a fenced or conflicting call leaves nothing behind: a message is consumed only together with the
 * entry that records it, and a step that sends, publishes or starts a child lands with its effect.
 * {@code wait_children} holds the child IDs joined by {@code '\n'}.
 */
final class SqliteWaits {
    /**
     * A child in one of these statuses has not finished: an ENQUEUED one waits for a dequeue, a
     * DEAD_LETTER one for an operator's resume.
     */
    private static final Set<String> UNFINISHED = Set.of("ENQUEUED", "PENDING", "DEAD_LETTER");
    private static final String CHILD_SEPARATOR = "\n";
    private static final String OWNED = "id = ? AND owner = ? AND epoch = ? AND status = 'PENDING'";

    private final SqliteFile file;
    private final SqliteTables tables;
    private final SqliteJournal journal;
    private final String recordWaitSql;
    private final String endWaitSql;
    private final String oldestMessageSql;
    private final String waitForMessageSql;
    private final String consumeSql;
    private final String sendSql;
    private final String waitsOnTopicSql;
    private final String keyTakenSql;
    private final String handOverSql;
    private final String setEventSql;
    private final String latestEventSql;
    private final String workflowNameSql;
    private final String insertChildSql;
    private final String recordChildWaitSql;

    SqliteWaits(SqliteFile file, SqliteTables tables, SqliteJournal journal) {
        this.file = file;
        this.tables = tables;
        this.journal = journal;
        String workflows = tables.workflows();
        String messages = tables.messages();
        this.recordWaitSql = "UPDATE " + workflows + " SET wait_kind = ?, wait_topic = ?, wait_target = ?,"
                + " wait_position = ?, wake_at = ?, updated_at = ? WHERE " + OWNED;
        // Run once the entry that ends the wait is recorded, which proved the ownership.
        this.endWaitSql = "UPDATE " + workflows + " SET wait_kind = NULL, updated_at = ? WHERE id = ?";
        this.oldestMessageSql = "SELECT id, payload FROM " + messages + " WHERE destination = ? AND topic = ?"
                + " AND consumed_at IS NULL ORDER BY id LIMIT 1";
        this.waitForMessageSql = "UPDATE " + workflows + " SET wait_kind = 'recv', wait_topic = ?, wait_target = NULL,"
                + " wait_position = ?, wake_at = ?, updated_at = ? WHERE " + OWNED;
        this.consumeSql = "UPDATE " + messages + " SET consumed_at = ?, consumed_position = ? WHERE id = ?";
        this.sendSql = "INSERT INTO " + messages + " (destination, topic, payload, idempotency_key, sent_at)"
                + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (destination, idempotency_key) DO NOTHING";
        this.waitsOnTopicSql = "SELECT 1 FROM " + workflows + " WHERE " + OWNED + " AND wait_kind = 'recv'"
                + " AND wait_topic = ? AND wait_position = ? AND NOT EXISTS (SELECT 1 FROM " + messages
                + " WHERE destination = ? AND topic = ? AND consumed_at IS NULL)";
        this.keyTakenSql = "SELECT 1 FROM " + messages + " WHERE destination = ? AND idempotency_key = ?";
        this.handOverSql = "INSERT INTO " + messages + " (destination, topic, payload, idempotency_key, sent_at,"
                + " consumed_at, consumed_position) VALUES (?, ?, ?, ?, ?, ?, ?)";
        this.setEventSql = "INSERT INTO " + tables.events() + " (workflow_id, key, position, value, set_at)"
                + " VALUES (?, ?, ?, ?, ?)";
        this.latestEventSql = "SELECT value FROM " + tables.events() + " WHERE workflow_id = ? AND key = ?"
                + " ORDER BY position DESC LIMIT 1";
        this.workflowNameSql = "SELECT name FROM " + workflows + " WHERE id = ?";
        this.insertChildSql = "INSERT INTO " + workflows + " (id, name, status, inputs, owner, epoch, parent_id,"
                + " parent_position, deadline_at, created_at, updated_at) VALUES (?, ?, 'PENDING', ?, ?, 1, ?, ?, ?, ?, ?)";
        this.recordChildWaitSql = "UPDATE " + workflows + " SET wait_kind = 'child', wait_topic = ?, wait_target = NULL,"
                + " wait_children = ?, wait_position = ?, wake_at = NULL, updated_at = ? WHERE " + OWNED;
    }

    boolean recordWait(Wait wait, String owner, long epoch) {
        return file.write("record the wait of workflow '" + wait.workflowId() + "'", c -> {
            try (PreparedStatement ps = c.prepareStatement(recordWaitSql)) {
                ps.setString(1, wait.kind());
                ps.setString(2, wait.topic());
                ps.setString(3, wait.target());
                ps.setInt(4, wait.position());
                SqliteRows.setInstant(ps, 5, wait.wakeAt());
                ps.setLong(6, SqliteFile.nowMicros());
                bindOwned(ps, 7, wait.workflowId(), owner, epoch);
                return ps.executeUpdate() == 1;
            }
        });
    }

    StepWrite recordWaitEnd(StepRow step, String owner, long epoch) {
        return file.write(what(step), c -> {
            Instant now = now();
            // The entry that ends a wait for a child names that child.
            StepWrite write = journal.record(c, completed(step, now, step.childWorkflowId()), owner, epoch);
            if (write.kind() == StepWrite.Kind.RECORDED) {
                endWait(c, step.workflowId(), now);
            }
            return write;
        });
    }

    Receipt receive(StepRow step, String topic, String owner, long epoch, Wait waitIfNone) {
        return file.write(what(step), c -> {
            Instant now = now();
            Optional<Stored> message = oldestMessage(c, step.workflowId(), topic);
            if (message.isEmpty()) {
                if (waitIfNone == null) {
                    return Receipt.none();
                }
                try (PreparedStatement ps = c.prepareStatement(waitForMessageSql)) {
                    ps.setString(1, topic);
                    ps.setInt(2, step.position());
                    SqliteRows.setInstant(ps, 3, waitIfNone.wakeAt());
                    ps.setLong(4, Rows.micros(now));
                    bindOwned(ps, 5, step.workflowId(), owner, epoch);
                    return ps.executeUpdate() == 1 ? Receipt.none() : new Receipt(Receipt.Kind.FENCED, null, null);
                }
            }
            StepWrite write = journal.record(c, received(step, message.get().payload(), now), owner, epoch);
            switch (write.kind()) {
                case CONFLICT:
                    return new Receipt(Receipt.Kind.CONFLICT, null, write.existing());
                case FENCED:
                    return new Receipt(Receipt.Kind.FENCED, null, null);
                default:
                    consume(c, message.get().id(), step.position(), now);
                    endWait(c, step.workflowId(), now);
                    return new Receipt(Receipt.Kind.RECEIVED, message.get().payload(), null);
            }
        });
    }

    boolean send(Message message) {
        return file.write("send a message to workflow '" + message.destination() + "'",
                c -> insertMessage(c, message, SqliteFile.nowMicros()));
    }

    Store.HandOver handOver(Message message, StepRow receiverStep, String owner, long epoch) {
        return file.write("hand a message over to workflow '" + message.destination() + "'", c -> {
            if (!waitsOnTopic(c, message, receiverStep, owner, epoch)) {
                return Store.HandOver.NOT_DELIVERED;
            }
            if (keyTaken(c, message)) {
                return Store.HandOver.DUPLICATE;
            }
            // One instant for sent_at, consumed_at and the entry, as PostgreSQL's now() in one statement.
            Instant now = now();
            if (!journal.insert(c, received(receiverStep, message.payload(), now), owner, epoch)) {
                return Store.HandOver.NOT_DELIVERED; // the position is taken; nothing was stored
            }
            try (PreparedStatement ps = c.prepareStatement(handOverSql)) {
                ps.setString(1, message.destination());
                ps.setString(2, message.topic());
                ps.setString(3, message.payload());
                ps.setString(4, message.idempotencyKey());
                ps.setLong(5, Rows.micros(now));
                ps.setLong(6, Rows.micros(now));
                ps.setInt(7, receiverStep.position());
                ps.executeUpdate();
            }
            endWait(c, receiverStep.workflowId(), now);
            return Store.HandOver.DELIVERED;
        });
    }

    StepWrite sendFromStep(StepRow step, String owner, long epoch, Message message) {
        return file.write(what(step), c -> {
            Instant now = now();
            StepWrite write = journal.record(c, completed(step, now, null), owner, epoch);
            if (write.kind() == StepWrite.Kind.RECORDED) {
                insertMessage(c, message, Rows.micros(now)); // a duplicate key was sent before: the step still counts
            }
            return write;
        });
    }

    StepWrite setEvent(StepRow step, String owner, long epoch, String key, String value) {
        return file.write(what(step), c -> {
            Instant now = now();
            StepWrite write = journal.record(c, completed(step, now, null), owner, epoch);
            if (write.kind() == StepWrite.Kind.RECORDED) {
                try (PreparedStatement ps = c.prepareStatement(setEventSql)) {
                    ps.setString(1, step.workflowId());
                    ps.setString(2, key);
                    ps.setInt(3, step.position());
                    ps.setString(4, value);
                    ps.setLong(5, Rows.micros(now));
                    ps.executeUpdate();
                }
            }
            return write;
        });
    }

    Optional<String> latestEvent(String workflowId, String key) {
        return file.read("read event '" + key + "' of workflow '" + workflowId + "'", c -> {
            try (PreparedStatement ps = c.prepareStatement(latestEventSql)) {
                ps.setString(1, workflowId);
                ps.setString(2, key);
                return Rows.first(ps, rs -> rs.getString(1));
            }
        });
    }

    List<String> dueWaits(String owner, Collection<String> names, int limit) {
        if (names.isEmpty() || limit <= 0) {
            return List.of();
        }
        return file.read("find the finished waits of executor '" + owner + "'", c -> {
            List<String> due = new ArrayList<>();
            for (Waiting waiting : waiting(c, owner, names, null)) {
                if (due.size() == limit) {
                    break;
                }
                if (isOver(c, waiting)) {
                    due.add(waiting.id());
                }
            }
            return due;
        });
    }

    List<WorkflowRow> claimDueWaits(String owner, Collection<String> names, Collection<String> ids) {
        if (names.isEmpty() || ids.isEmpty()) {
            return List.of();
        }
        return file.write("resume waiting workflows of executor '" + owner + "'", c -> {
            List<String> due = new ArrayList<>();
            for (Waiting waiting : waiting(c, owner, names, ids)) {
                if (isOver(c, waiting)) {
                    due.add(waiting.id());
                }
            }
            if (due.isEmpty()) {
                return List.of();
            }
            String sql = "UPDATE " + tables.workflows() + " SET wait_kind = NULL, epoch = epoch + 1, updated_at = ?"
                    + " WHERE id IN (" + placeholders(due.size()) + ") RETURNING " + Rows.WORKFLOW_COLUMNS;
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setLong(1, SqliteFile.nowMicros());
                bindAll(ps, 2, due);
                return Rows.list(ps, SqliteRows::workflow);
            }
        });
    }

    ChildStart startChild(NewWorkflow child, StepRow parentStep, String owner, long epoch) {
        String what = "start child workflow '" + child.id() + "' at step " + parentStep.position() + " of workflow '"
                + parentStep.workflowId() + "'";
        return file.write(what, c -> {
            if (!journal.owns(c, parentStep.workflowId(), owner, epoch, "PENDING")) {
                return new ChildStart(ChildStart.Kind.FENCED, null, null);
            }
            Optional<String> existingName;
            try (PreparedStatement ps = c.prepareStatement(workflowNameSql)) {
                ps.setString(1, child.id());
                existingName = Rows.first(ps, rs -> rs.getString(1));
            }
            if (existingName.isPresent() && !existingName.get().equals(child.name())) {
                return new ChildStart(ChildStart.Kind.NAME_CONFLICT, existingName.get(), null);
            }
            StepWrite write = journal.record(c, parentStep, owner, epoch);
            if (write.kind() == StepWrite.Kind.CONFLICT) {
                return new ChildStart(ChildStart.Kind.CONFLICT, null, write.existing());
            }
            if (write.kind() == StepWrite.Kind.FENCED) {
                return new ChildStart(ChildStart.Kind.FENCED, null, null);
            }
            if (existingName.isPresent()) {
                return new ChildStart(ChildStart.Kind.JOINED, existingName.get(), null);
            }
            try (PreparedStatement ps = c.prepareStatement(insertChildSql)) {
                long now = SqliteFile.nowMicros();
                ps.setString(1, child.id());
                ps.setString(2, child.name());
                ps.setString(3, child.inputs());
                ps.setString(4, child.owner());
                ps.setString(5, parentStep.workflowId());
                ps.setInt(6, parentStep.position());
                SqliteRows.setInstant(ps, 7, child.deadlineAt());
                ps.setLong(8, now);
                ps.setLong(9, now);
                ps.executeUpdate();
            }
            return new ChildStart(ChildStart.Kind.STARTED, null, null);
        });
    }

    boolean recordChildWait(String workflowId, int position, boolean all, List<String> childIds, String owner,
                            long epoch) {
        return file.write("record the wait of workflow '" + workflowId + "' for its children", c -> {
            try (PreparedStatement ps = c.prepareStatement(recordChildWaitSql)) {
                ps.setString(1, all ? "all" : "any");
                ps.setString(2, String.join(CHILD_SEPARATOR, childIds));
                ps.setInt(3, position);
                ps.setLong(4, SqliteFile.nowMicros());
                bindOwned(ps, 5, workflowId, owner, epoch);
                return ps.executeUpdate() == 1;
            }
        });
    }

    /** An unconsumed message. */
    private record Stored(long id, String payload) {
    }

    /**
     * A waiting workflow: {@code due} when its deadline passed or what it waits for is there; a
     * child wait that is not due must still have its children looked at.
     */
    private record Waiting(String id, String kind, String topic, String children, boolean due) {
    }

    /**
     * The executor's waiting workflows with one of {@code names} that are due, or wait for children;
     * with {@code ids}, only PENDING ones among those (what a claim may take).
     */
    private List<Waiting> waiting(Connection c, String owner, Collection<String> names, Collection<String> ids)
            throws SQLException {
        String due = "w.wake_at <= ? OR w.deadline_at <= ?"
                + " OR (w.wait_kind = 'recv' AND EXISTS (SELECT 1 FROM " + tables.messages() + " m"
                + " WHERE m.destination = w.id AND m.topic = w.wait_topic AND m.consumed_at IS NULL))"
                + " OR (w.wait_kind = 'event' AND EXISTS (SELECT 1 FROM " + tables.events() + " e"
                + " WHERE e.workflow_id = w.wait_target AND e.key = w.wait_topic))";
        String sql = "SELECT id, wait_kind, wait_topic, wait_children, due FROM (SELECT w.id, w.wait_kind, w.wait_topic,"
                + " w.wait_children, coalesce(" + due + ", 0) AS due FROM " + tables.workflows() + " w"
                + " WHERE w.owner = ? AND w.wait_kind IS NOT NULL AND w.name IN (" + placeholders(names.size()) + ")"
                + (ids == null ? "" : " AND w.status = 'PENDING' AND w.id IN (" + placeholders(ids.size()) + ")")
                + ") WHERE due OR wait_kind = 'child'";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            long now = SqliteFile.nowMicros();
            ps.setLong(1, now);
            ps.setLong(2, now);
            ps.setString(3, owner);
            int i = bindAll(ps, 4, names);
            if (ids != null) {
                bindAll(ps, i, ids);
            }
            return Rows.list(ps, rs -> new Waiting(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                    rs.getInt(5) != 0));
        }
    }

    /** Whether the wait is over: due by itself, or one ('any') or all ('all') of the children finished. */
    private boolean isOver(Connection c, Waiting waiting) throws SQLException {
        if (waiting.due()) {
            return true;
        }
        if (!"child".equals(waiting.kind())) {
            return false;
        }
        boolean all = "all".equals(waiting.topic());
        List<String> children = waiting.children() == null || waiting.children().isEmpty() ? List.of()
                : Arrays.asList(waiting.children().split(CHILD_SEPARATOR, -1));
        if (children.isEmpty()) {
            return all;
        }
        String sql = "SELECT status FROM " + tables.workflows() + " WHERE id IN (" + placeholders(children.size()) + ")";
        List<String> statuses;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bindAll(ps, 1, children);
            statuses = Rows.list(ps, rs -> rs.getString(1));
        }
        // A child ID that names no workflow neither holds up 'all' nor ends 'any', as on PostgreSQL.
        return all ? statuses.stream().noneMatch(UNFINISHED::contains)
                : statuses.stream().anyMatch(s -> !UNFINISHED.contains(s));
    }

    private Optional<Stored> oldestMessage(Connection c, String destination, String topic) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(oldestMessageSql)) {
            ps.setString(1, destination);
            ps.setString(2, topic);
            return Rows.first(ps, rs -> new Stored(rs.getLong(1), rs.getString(2)));
        }
    }

    private void consume(Connection c, long messageId, int position, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(consumeSql)) {
            ps.setLong(1, Rows.micros(now));
            ps.setInt(2, position);
            ps.setLong(3, messageId);
            ps.executeUpdate();
        }
    }

    /** @return false when the destination already has a message with that idempotency key */
    private boolean insertMessage(Connection c, Message message, long sentAt) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sendSql)) {
            ps.setString(1, message.destination());
            ps.setString(2, message.topic());
            ps.setString(3, message.payload());
            ps.setString(4, message.idempotencyKey());
            ps.setLong(5, sentAt);
            return ps.executeUpdate() == 1;
        }
    }

    /** The receiver is held at its epoch, waits at that position on that topic, and no older message waits. */
    private boolean waitsOnTopic(Connection c, Message message, StepRow step, String owner, long epoch)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(waitsOnTopicSql)) {
            int i = bindOwned(ps, 1, step.workflowId(), owner, epoch);
            ps.setString(i++, message.topic());
            ps.setInt(i++, step.position());
            ps.setString(i++, message.destination());
            ps.setString(i, message.topic());
            return Rows.first(ps, rs -> true).isPresent();
        }
    }

    private boolean keyTaken(Connection c, Message message) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(keyTakenSql)) {
            ps.setString(1, message.destination());
            ps.setString(2, message.idempotencyKey());
            return Rows.first(ps, rs -> true).isPresent();
        }
    }

    private void endWait(Connection c, String workflowId, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(endWaitSql)) {
            ps.setLong(1, Rows.micros(now));
            ps.setString(2, workflowId);
            ps.executeUpdate();
        }
    }

    /** Now, to the microsecond the tables keep. */
    private static Instant now() {
        return Rows.instantOfMicros(SqliteFile.nowMicros());
    }

    /** The entry as PostgreSQL writes it here: completed now (its now()), naming {@code childId}. */
    private static StepRow completed(StepRow step, Instant now, String childId) {
        return new StepRow(step.workflowId(), step.position(), step.name(), step.status(), step.output(), step.error(),
                step.attempts(), step.startedAt(), now, childId);
    }

    /** The entry of a recv that took {@code payload}. */
    private static StepRow received(StepRow step, String payload, Instant now) {
        return new StepRow(step.workflowId(), step.position(), step.name(), StepStatus.SUCCEEDED, payload, null, 1,
                step.startedAt(), now, null);
    }

    private static int bindOwned(PreparedStatement ps, int i, String workflowId, String owner, long epoch)
            throws SQLException {
        ps.setString(i++, workflowId);
        ps.setString(i++, owner);
        ps.setLong(i++, epoch);
        return i;
    }

    private static int bindAll(PreparedStatement ps, int i, Collection<String> values) throws SQLException {
        for (String value : values) {
            ps.setString(i++, value);
        }
        return i;
    }

    private static String placeholders(int n) {
        return String.join(", ", Collections.nCopies(n, "?"));
    }

    private static String what(StepRow step) {
        return "record step " + step.position() + " '" + step.name() + "' of workflow '" + step.workflowId() + "'";
    }
}
