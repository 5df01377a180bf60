package io.durable.internal.jdbc;

import io.durable.WorkflowCount;
import io.durable.WorkflowQuery;
import io.durable.WorkflowStatus;
import io.durable.internal.store.Completion;
import io.durable.internal.store.ExecutorRegistration;
import io.durable.internal.store.IdPrefix;
import io.durable.internal.store.NewWorkflow;
import io.durable.internal.store.PageCursor;
import io.durable.internal.store.StartResult;
import io.durable.internal.store.StepRow;
import io.durable.internal.store.StepWrite;
import io.durable.internal.store.Store;
import io.durable.internal.store.TakenOver;
import io.durable.internal.store.WorkflowRow;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * Executors, workflow starts, checkpoints, completions, claims, takeover and the management listing
 * on SQLite: the behaviour of {@link ExecutorRepository}, {@link CheckpointRepository},
 * {@link StepRepository}, {@link WorkflowRepository}, {@link TakeoverRepository},
 * {@link ManagementRepository} and {@code ChildRepository.findMany}. Every write is one transaction
 * on the file's only connection, so a write may read, decide in Java and update without racing
 * another writer. "Now" is this machine's clock, in microseconds.
 */
final class SqliteWorkflows {
    /** Most IDs bound into one {@code IN (...)}, well below SQLite's limit on parameters. */
    private static final int IN_CHUNK = 500;

    private final SqliteFile file;
    /** Starts, steps and completions: the hot path, group-committed. */
    private final SqliteGroupCommit checkpoints;
    private final SqliteTables tables;
    private final SqliteJournal journal;
    private final String findSql;
    private final String previousExecutorSql;
    private final String upsertExecutorSql;
    private final String heartbeatSql;
    private final String stoppedSql;
    private final String insertWorkflowSql;
    private final String completeSql;
    private final String claimOneSql;
    private final String pendingByNameSql;
    private final String takeOneSql;

    SqliteWorkflows(SqliteFile file, SqliteTables tables, SqliteJournal journal, int checkpointBatchSize) {
        this.file = file;
        this.checkpoints = new SqliteGroupCommit(file, checkpointBatchSize);
        this.tables = tables;
        this.journal = journal;
        String workflows = tables.workflows();
        String executors = tables.executors();
        this.findSql = "SELECT " + Rows.WORKFLOW_COLUMNS + " FROM " + workflows + " WHERE id = ?";
        // Another incarnation whose lease has not expired and that did not stop cleanly may still be alive.
        this.previousExecutorSql = "SELECT incarnation, host, pid FROM " + executors + " WHERE id = ?"
                + " AND incarnation <> ? AND stopped_at IS NULL AND lease_expires_at > ?";
        this.upsertExecutorSql = "INSERT INTO " + executors + " (id, incarnation, host, pid, application, started_at,"
                + " heartbeat_at, lease_expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT (id) DO UPDATE SET incarnation = excluded.incarnation, host = excluded.host,"
                + " pid = excluded.pid, application = excluded.application, started_at = excluded.started_at,"
                + " heartbeat_at = excluded.heartbeat_at, lease_expires_at = excluded.lease_expires_at,"
                + " stopped_at = NULL";
        this.heartbeatSql = "UPDATE " + executors + " SET heartbeat_at = ?, lease_expires_at = ?"
                + " WHERE id = ? AND incarnation = ?";
        this.stoppedSql = "UPDATE " + executors + " SET stopped_at = ? WHERE id = ? AND incarnation = ?";
        this.insertWorkflowSql = "INSERT INTO " + workflows + " (id, name, status, inputs, owner, epoch, deadline_at,"
                + " created_at, updated_at) VALUES (?, ?, 'PENDING', ?, ?, 1, ?, ?, ?) ON CONFLICT (id) DO NOTHING";
        this.completeSql = "UPDATE " + workflows + " SET status = ?, output = ?, error = ?, completed_at = ?,"
                + " updated_at = ?, wait_kind = NULL WHERE id = ? AND owner = ? AND epoch = ? AND status = 'PENDING'";
        this.claimOneSql = "UPDATE " + workflows + " SET epoch = epoch + 1, recovery_attempts = recovery_attempts + 1,"
                + " updated_at = ? WHERE id = ? AND owner = ? AND status = 'PENDING' RETURNING " + Rows.WORKFLOW_COLUMNS;
        this.pendingByNameSql = "SELECT name, count(*) FROM " + workflows + " WHERE owner = ? AND status = 'PENDING'"
                + " AND completed_at IS NULL GROUP BY name ORDER BY name";
        // A waiting workflow keeps its recovery count: it was not running when its executor died.
        this.takeOneSql = "UPDATE " + workflows + " SET owner = ?, epoch = epoch + 1, updated_at = ?,"
                + " recovery_attempts = recovery_attempts + CASE WHEN wait_kind IS NULL THEN 1 ELSE 0 END"
                + " WHERE id = ? RETURNING " + Rows.WORKFLOW_COLUMNS;
    }

    // ---- executors ---------------------------------------------------------------------------

    Optional<String> registerExecutor(ExecutorRegistration registration) {
        return file.write("register executor '" + registration.executorId() + "'", c -> {
            long now = SqliteFile.nowMicros();
            Optional<String> previous;
            try (PreparedStatement ps = c.prepareStatement(previousExecutorSql)) {
                ps.setString(1, registration.executorId());
                ps.setString(2, registration.incarnation());
                ps.setLong(3, now);
                previous = Rows.first(ps, rs -> "pid " + rs.getLong(3) + " on " + rs.getString(2));
            }
            try (PreparedStatement ps = c.prepareStatement(upsertExecutorSql)) {
                ps.setString(1, registration.executorId());
                ps.setString(2, registration.incarnation());
                ps.setString(3, registration.host());
                ps.setLong(4, registration.pid());
                ps.setString(5, registration.application());
                ps.setLong(6, now);
                ps.setLong(7, now);
                ps.setLong(8, leaseEnd(now, registration));
                ps.executeUpdate();
            }
            return previous;
        });
    }

    boolean heartbeat(ExecutorRegistration registration) {
        return file.write("refresh the heartbeat of executor '" + registration.executorId() + "'", c -> {
            long now = SqliteFile.nowMicros();
            try (PreparedStatement ps = c.prepareStatement(heartbeatSql)) {
                ps.setLong(1, now);
                ps.setLong(2, leaseEnd(now, registration));
                ps.setString(3, registration.executorId());
                ps.setString(4, registration.incarnation());
                return ps.executeUpdate() == 1;
            }
        });
    }

    void executorStopped(ExecutorRegistration registration) {
        file.write("mark executor '" + registration.executorId() + "' stopped", c -> {
            try (PreparedStatement ps = c.prepareStatement(stoppedSql)) {
                ps.setLong(1, SqliteFile.nowMicros());
                ps.setString(2, registration.executorId());
                ps.setString(3, registration.incarnation());
                return ps.executeUpdate();
            }
        });
    }

    /** Leases are kept to the millisecond, as on PostgreSQL. */
    private static long leaseEnd(long nowMicros, ExecutorRegistration registration) {
        return nowMicros + registration.lease().toMillis() * 1_000L;
    }

    // ---- starts, checkpoints and completions ---------------------------------------------------

    StartResult start(NewWorkflow workflow) {
        return checkpoints.write("start workflow '" + workflow.id() + "'", c -> {
            long now = SqliteFile.nowMicros();
            boolean inserted;
            try (PreparedStatement ps = c.prepareStatement(insertWorkflowSql)) {
                ps.setString(1, workflow.id());
                ps.setString(2, workflow.name());
                ps.setString(3, workflow.inputs());
                ps.setString(4, workflow.owner());
                SqliteRows.setInstant(ps, 5, workflow.deadlineAt());
                ps.setLong(6, now);
                ps.setLong(7, now);
                inserted = ps.executeUpdate() == 1;
            }
            // Read back either way: the new row as stored, or the existing execution under that ID.
            WorkflowRow row = find(c, workflow.id()).orElseThrow(() -> new SQLException("workflow '" + workflow.id()
                    + "' was neither inserted nor found"));
            return new StartResult(inserted, row);
        });
    }

    StepWrite recordStep(StepRow step, String owner, long epoch) {
        return checkpoints.write("record step " + step.position() + " of workflow '" + step.workflowId() + "'",
                c -> journal.record(c, step, owner, epoch));
    }

    boolean complete(Completion completion) {
        return checkpoints.write("complete workflow '" + completion.workflowId() + "'", c -> {
            long now = SqliteFile.nowMicros();
            try (PreparedStatement ps = c.prepareStatement(completeSql)) {
                ps.setString(1, completion.status().name());
                ps.setString(2, completion.output());
                ps.setString(3, completion.error());
                ps.setLong(4, now);
                ps.setLong(5, now);
                ps.setString(6, completion.workflowId());
                ps.setString(7, completion.owner());
                ps.setLong(8, completion.epoch());
                return ps.executeUpdate() == 1;
            }
        });
    }

    List<StepRow> journal(String workflowId) {
        return file.read("load the journal of workflow '" + workflowId + "'", c -> journal.journal(c, workflowId));
    }

    // ---- claims and takeover ------------------------------------------------------------------

    List<WorkflowRow> claimPending(String executorId, Collection<String> names) {
        if (names.isEmpty()) {
            return List.of();
        }
        String sql = "UPDATE " + tables.workflows() + " SET epoch = epoch + 1,"
                + " recovery_attempts = recovery_attempts + 1, updated_at = ? WHERE owner = ? AND status = 'PENDING'"
                + " AND completed_at IS NULL AND wait_kind IS NULL AND name IN (" + placeholders(names.size()) + ")"
                + " RETURNING " + Rows.WORKFLOW_COLUMNS;
        return file.write("claim pending workflows of executor '" + executorId + "'", c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setLong(1, SqliteFile.nowMicros());
                ps.setString(2, executorId);
                bindAll(ps, 3, names);
                return Rows.list(ps, SqliteRows::workflow);
            }
        });
    }

    Optional<WorkflowRow> claimOne(String executorId, String workflowId) {
        return file.write("claim workflow '" + workflowId + "'", c -> {
            try (PreparedStatement ps = c.prepareStatement(claimOneSql)) {
                ps.setLong(1, SqliteFile.nowMicros());
                ps.setString(2, workflowId);
                ps.setString(3, executorId);
                return Rows.list(ps, SqliteRows::workflow).stream().findFirst();
            }
        });
    }

    /**
     * Re-owns unfinished workflows of the application's other executors whose lease expired or that
     * stopped cleanly: up to {@code runnableLimit} runnable ones and {@code parkedLimit} waiting ones,
     * oldest first. The one writer at a time makes the expiry check and the re-owning atomic.
     */
    List<TakenOver> takeOver(String executorId, String application, Collection<String> names, int runnableLimit,
                             int parkedLimit) {
        if (names.isEmpty() || (runnableLimit <= 0 && parkedLimit <= 0)) {
            return List.of();
        }
        return file.write("take over workflows of expired executors for executor '" + executorId + "'", c -> {
            long now = SqliteFile.nowMicros();
            List<Candidate> picked = new ArrayList<>();
            picked.addAll(candidates(c, executorId, application, names, false, runnableLimit, now));
            picked.addAll(candidates(c, executorId, application, names, true, parkedLimit, now));
            List<TakenOver> taken = new ArrayList<>(picked.size());
            try (PreparedStatement ps = c.prepareStatement(takeOneSql)) {
                for (Candidate candidate : picked) {
                    ps.setString(1, executorId);
                    ps.setLong(2, now);
                    ps.setString(3, candidate.id());
                    for (WorkflowRow row : Rows.list(ps, SqliteRows::workflow)) {
                        taken.add(new TakenOver(row, candidate.previousOwner(), candidate.parked()));
                    }
                }
            }
            return taken;
        });
    }

    private record Candidate(String id, String previousOwner, boolean parked) {
    }

    private List<Candidate> candidates(Connection c, String executorId, String application, Collection<String> names,
                                       boolean parked, int limit, long now) throws SQLException {
        if (limit <= 0) {
            return List.of();
        }
        String sql = "SELECT id, owner FROM " + tables.workflows() + " WHERE owner IN (SELECT id FROM "
                + tables.executors() + " WHERE application = ? AND id <> ?"
                + " AND (stopped_at IS NOT NULL OR lease_expires_at < ?))"
                + " AND completed_at IS NULL AND status = 'PENDING' AND name IN (" + placeholders(names.size()) + ")"
                + " AND wait_kind IS " + (parked ? "NOT " : "") + "NULL ORDER BY created_at, id LIMIT ?";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, application);
            ps.setString(2, executorId);
            ps.setLong(3, now);
            int i = bindAll(ps, 4, names);
            ps.setInt(i, limit);
            return Rows.list(ps, rs -> new Candidate(rs.getString(1), rs.getString(2), parked));
        }
    }

    List<Store.NameCount> pendingByName(String executorId) {
        return file.read("count pending workflows of executor '" + executorId + "'", c -> {
            try (PreparedStatement ps = c.prepareStatement(pendingByNameSql)) {
                ps.setString(1, executorId);
                return Rows.list(ps, rs -> new Store.NameCount(rs.getString(1), rs.getLong(2)));
            }
        });
    }

    // ---- reads ---------------------------------------------------------------------------------

    Optional<WorkflowRow> find(String workflowId) {
        return file.read("read workflow '" + workflowId + "'", c -> find(c, workflowId));
    }

    private Optional<WorkflowRow> find(Connection c, String workflowId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(findSql)) {
            ps.setString(1, workflowId);
            return Rows.first(ps, SqliteRows::workflow);
        }
    }

    List<WorkflowRow> findMany(Collection<String> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        List<String> all = List.copyOf(ids);
        return file.read("read " + ids.size() + " workflow(s)", c -> {
            List<WorkflowRow> rows = new ArrayList<>();
            for (int from = 0; from < all.size(); from += IN_CHUNK) {
                List<String> chunk = all.subList(from, Math.min(all.size(), from + IN_CHUNK));
                try (PreparedStatement ps = c.prepareStatement("SELECT " + Rows.WORKFLOW_COLUMNS + " FROM "
                        + tables.workflows() + " WHERE id IN (" + placeholders(chunk.size()) + ")")) {
                    bindAll(ps, 1, chunk);
                    rows.addAll(Rows.list(ps, SqliteRows::workflow));
                }
            }
            return rows;
        });
    }

    // ---- management ----------------------------------------------------------------------------

    /**
     * Up to {@code limit + 1} rows, newest first ({@code created_at DESC, id DESC}), after the
     * query's cursor: one more than the page holds tells that another page follows.
     */
    List<WorkflowRow> list(WorkflowQuery query) {
        List<String> where = new ArrayList<>();
        List<Object> binds = new ArrayList<>();
        if (!query.statuses().isEmpty()) {
            where.add("status IN (" + placeholders(query.statuses().size()) + ")");
            query.statuses().forEach(status -> binds.add(status.name()));
        }
        query.name().ifPresent(name -> add(where, binds, "name = ?", name));
        query.idPrefix().ifPresent(prefix -> {
            // The range serves the index; substr makes the match exact (LIKE would ignore case).
            add(where, binds, "id >= ?", prefix);
            IdPrefix.upperBound(prefix).ifPresent(upper -> add(where, binds, "id < ?", upper));
            where.add("substr(id, 1, length(?)) = ?");
            binds.add(prefix);
            binds.add(prefix);
        });
        query.createdFrom().ifPresent(from -> add(where, binds, "created_at >= ?", SqliteFile.micros(from)));
        query.createdBefore().ifPresent(before -> add(where, binds, "created_at < ?", SqliteFile.micros(before)));
        query.executorId().ifPresent(owner -> add(where, binds, "owner = ?", owner));
        query.parentId().ifPresent(parent -> add(where, binds, "parent_id = ?", parent));
        query.queue().ifPresent(queue -> add(where, binds, "queue_name = ?", queue));
        query.cursor().map(PageCursor::decode).ifPresent(cursor -> {
            where.add("(created_at, id) < (?, ?)");
            binds.add(SqliteFile.micros(cursor.createdAt()));
            binds.add(cursor.id());
        });
        binds.add(query.limit() + 1);
        String sql = "SELECT " + Rows.WORKFLOW_COLUMNS + " FROM " + tables.workflows()
                + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where))
                + " ORDER BY created_at DESC, id DESC LIMIT ?";
        return file.read("list workflows (" + query + ")", c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                bindAll(ps, 1, binds);
                return Rows.list(ps, SqliteRows::workflow);
            }
        });
    }

    /** Counts by name and status, ordered by name then status, optionally within a creation-time range. */
    List<WorkflowCount> counts(Instant createdFrom, Instant createdBefore) {
        List<String> where = new ArrayList<>();
        List<Object> binds = new ArrayList<>();
        if (createdFrom != null) {
            add(where, binds, "created_at >= ?", SqliteFile.micros(createdFrom));
        }
        if (createdBefore != null) {
            add(where, binds, "created_at < ?", SqliteFile.micros(createdBefore));
        }
        String sql = "SELECT name, status, count(*) FROM " + tables.workflows()
                + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where))
                + " GROUP BY name, status ORDER BY name, status";
        return file.read("count workflows by name and status", c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                bindAll(ps, 1, binds);
                return Rows.list(ps, rs -> new WorkflowCount(rs.getString(1), WorkflowStatus.valueOf(rs.getString(2)),
                        rs.getLong(3)));
            }
        });
    }

    // ---- helpers -------------------------------------------------------------------------------

    private static void add(List<String> where, List<Object> binds, String condition, Object value) {
        where.add(condition);
        binds.add(value);
    }

    /** {@code n} comma-separated parameter markers, for an {@code IN (...)} list. */
    private static String placeholders(int n) {
        return String.join(", ", Collections.nCopies(n, "?"));
    }

    /**
     * Binds each value (String, Long or Integer) from parameter {@code i} on.
     *
     * @return the next parameter index
     */
    private static int bindAll(PreparedStatement ps, int i, Collection<?> values) throws SQLException {
        for (Object value : values) {
            ps.setObject(i++, value);
        }
        return i;
    }
}
