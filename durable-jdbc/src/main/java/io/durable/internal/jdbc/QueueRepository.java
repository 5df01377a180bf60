package io.durable.internal.jdbc;

import io.durable.DeduplicationConflictException;
import io.durable.Queue;
import io.durable.internal.store.DequeueRound;
import io.durable.internal.store.NewWorkflow;
import io.durable.internal.store.QueueEntry;
import io.durable.internal.store.StartResult;
import io.durable.internal.store.WorkflowRow;
import org.postgresql.util.PSQLException;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * SQL for durable queues: enqueue (an ENQUEUED row without owner) and dequeue rounds.
 *
 * <p>A queue without a global limit is dequeued by one statement: the ready rows, in priority then
 * enqueue order, {@code FOR UPDATE SKIP LOCKED}, set PENDING under the dequeuer. Dequeuers of a queue
 * with a global concurrency or rate limit first lock the queue's row in {@code queues}, so one round
 * at a time counts what runs (per partition) and what started within the rate period, then takes
 * candidates up to what the limits leave, and commits. Times come from the database clock, read once
 * the lock is held, so {@code dequeued_at} grows with every round of the queue.
 */
final class QueueRepository {
    /** The partial unique index that enforces deduplication IDs (V8). */
    static final String DEDUPLICATION_INDEX = "workflows_queue_deduplication";
    /** Candidates read per row a limited round may take: rows of saturated partitions are skipped in SQL. */
    private static final int CANDIDATES_PER_SLOT = 4;
    private static final int MAX_CANDIDATES = 1000;
    private static final String READY = "status = 'ENQUEUED' AND queue_name = ?";

    private final Database db;
    private final String workflows;
    private final Set<String> queueRows = ConcurrentHashMap.newKeySet();
    private final String enqueueSql;
    private final String findSql;
    private final String holderSql;
    private final String ensureQueueSql;
    private final String lockQueueSql;
    private final String takeReadySql;
    private final String runningSql;
    private final String recentSql;
    private final String candidatesSql;
    private final String takeChosenSql;
    private final String nextDelayedSql;
    private final String mineRunningSql;

    QueueRepository(Database db, String schema) {
        this.db = db;
        this.workflows = schema + ".workflows";
        String returning = " RETURNING " + Rows.WORKFLOW_COLUMNS + ", EXISTS (SELECT 1 FROM " + schema + ".steps s"
                + " WHERE s.workflow_id = w.id)";
        this.enqueueSql = "INSERT INTO " + workflows + " (id, name, status, inputs, epoch, deadline_at, "
                + COLUMNS + ") VALUES (?, ?, 'ENQUEUED', ?, 1, ?, " + values(schema) + ") ON CONFLICT (id) DO NOTHING"
                + " RETURNING " + Rows.WORKFLOW_COLUMNS;
        this.findSql = "SELECT " + Rows.WORKFLOW_COLUMNS + " FROM " + workflows + " WHERE id = ?";
        this.holderSql = "SELECT id FROM " + workflows + " WHERE queue_name = ? AND deduplication_id = ?"
                + " AND status IN ('ENQUEUED', 'PENDING')";
        this.ensureQueueSql = "INSERT INTO " + schema + ".queues (name) VALUES (?) ON CONFLICT (name) DO NOTHING";
        this.lockQueueSql = "SELECT name FROM " + schema + ".queues WHERE name = ? FOR UPDATE";
        String ready = READY + " AND (not_before IS NULL OR not_before <= %s) AND name = ANY (?)";
        this.takeReadySql = "WITH c AS (SELECT id AS cid FROM " + workflows + " WHERE " + ready.formatted("now()")
                + " ORDER BY priority, queue_order LIMIT ? FOR UPDATE SKIP LOCKED)"
                + " UPDATE " + workflows + " w SET status = 'PENDING', owner = ?, epoch = w.epoch + 1,"
                + " dequeued_at = clock_timestamp(), updated_at = now() FROM c WHERE w.id = c.cid" + returning;
        this.runningSql = "SELECT partition_key, count(*), count(*) FILTER (WHERE owner = ?) FROM " + workflows
                + " WHERE queue_name = ? AND status = 'PENDING' GROUP BY partition_key";
        this.mineRunningSql = "SELECT count(*) FROM " + workflows
                + " WHERE queue_name = ? AND status = 'PENDING' AND owner = ?";
        this.recentSql = "SELECT partition_key, count(*), min(dequeued_at) FROM " + workflows
                + " WHERE queue_name = ? AND dequeued_at > ? GROUP BY partition_key";
        // A NULL partition key is the keyless partition: excluded by the flag, keyed ones by the array.
        this.candidatesSql = "SELECT id, partition_key FROM " + workflows + " WHERE " + ready.formatted("?")
                + " AND CASE WHEN partition_key IS NULL THEN NOT ?::boolean ELSE partition_key <> ALL (?::text[]) END"
                + " ORDER BY priority, queue_order LIMIT ? FOR UPDATE SKIP LOCKED";
        this.takeChosenSql = "UPDATE " + workflows + " w SET status = 'PENDING', owner = ?, epoch = w.epoch + 1,"
                + " dequeued_at = ?, updated_at = now() WHERE w.id = ANY (?) AND w.status = 'ENQUEUED'" + returning;
        this.nextDelayedSql = "SELECT EXTRACT(EPOCH FROM min(not_before) - clock_timestamp()) FROM " + workflows
                + " WHERE " + READY + " AND not_before IS NOT NULL AND not_before > clock_timestamp()";
    }

    // ---- the queue columns of an insert, shared with child starts ---------------------------------

    /** The queue columns an insert of a new workflow lists, in {@link #bind} order. */
    static final String COLUMNS = "queue_name, priority, partition_key, deduplication_id, queue_order, not_before";

    /** The values for {@link #COLUMNS}: all NULL unless a queue name is bound. */
    static String values(String schema) {
        return "?, ?, ?, ?, CASE WHEN ?::text IS NULL THEN NULL ELSE nextval('" + schema + ".workflows_queue_order') END,"
                + " CASE WHEN ?::bigint > 0 THEN now() + ?::bigint * interval '1 microsecond' END";
    }

    /** Binds {@link #values} for the entry (null: not queued) from {@code i} on; returns the next index. */
    static int bind(PreparedStatement ps, int i, QueueEntry queue) throws SQLException {
        String name = queue == null ? null : queue.queueName();
        long delayMicros = queue == null ? 0 : Math.max(0, queue.delay().toNanos() / 1_000);
        ps.setString(i++, name);
        if (queue == null) {
            ps.setNull(i++, java.sql.Types.INTEGER);
        } else {
            ps.setInt(i++, queue.priority());
        }
        ps.setString(i++, queue == null ? null : queue.partitionKey());
        ps.setString(i++, queue == null ? null : queue.deduplicationId());
        ps.setString(i++, name);
        ps.setLong(i++, delayMicros);
        ps.setLong(i++, delayMicros);
        return i;
    }

    /** Whether the failure is the deduplication index refusing a row. */
    static boolean isDeduplicationConflict(SQLException e) {
        if (!SqlFailures.UNIQUE_VIOLATION.equals(e.getSQLState())) {
            return false;
        }
        if (e instanceof PSQLException pg && pg.getServerErrorMessage() != null
                && pg.getServerErrorMessage().getConstraint() != null) {
            return DEDUPLICATION_INDEX.equals(pg.getServerErrorMessage().getConstraint());
        }
        return e.getMessage() != null && e.getMessage().contains(DEDUPLICATION_INDEX);
    }

    /**
     * After a deduplication conflict: the workflow holding the ID, as a typed exception. Empty when it
     * finished meanwhile (the caller tries again).
     */
    java.util.Optional<DeduplicationConflictException> conflict(Connection c, String workflowId, QueueEntry queue)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(holderSql)) {
            ps.setString(1, queue.queueName());
            ps.setString(2, queue.deduplicationId());
            return Rows.first(ps, rs -> new DeduplicationConflictException(workflowId, queue.queueName(),
                    queue.deduplicationId(), rs.getString(1)));
        }
    }

    // ---- enqueue ------------------------------------------------------------------------------------

    StartResult enqueue(NewWorkflow w) {
        QueueEntry queue = w.queue();
        return db.run("enqueue workflow '" + w.id() + "' on queue '" + queue.queueName() + "'", c -> {
            while (true) {
                try (PreparedStatement ps = c.prepareStatement(enqueueSql)) {
                    ps.setString(1, w.id());
                    ps.setString(2, w.name());
                    ps.setString(3, w.inputs());
                    ps.setTimestamp(4, Rows.timestamp(w.deadlineAt()));
                    bind(ps, 5, queue);
                    var inserted = Rows.first(ps, Rows::workflow);
                    if (inserted.isPresent()) {
                        return new StartResult(true, inserted.get());
                    }
                } catch (SQLException e) {
                    if (!isDeduplicationConflict(e)) {
                        throw e;
                    }
                    var holder = conflict(c, w.id(), queue);
                    if (holder.isPresent()) {
                        throw holder.get();
                    }
                    continue; // the holder finished between the insert and the lookup: try again
                }
                WorkflowRow existing = find(c, w.id());
                if (existing != null) {
                    return new StartResult(false, existing);
                }
            }
        });
    }

    private WorkflowRow find(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(findSql)) {
            ps.setString(1, id);
            return Rows.first(ps, Rows::workflow).orElse(null);
        }
    }

    // ---- dequeue ------------------------------------------------------------------------------------

    DequeueRound dequeue(Queue queue, String executorId, Collection<String> names, int maxRows) {
        String what = "dequeue from queue '" + queue.name() + "'";
        if (!queue.hasGlobalLimit()) {
            return db.run(what, c -> takeReady(c, queue, executorId, names, maxRows));
        }
        if (!queueRows.contains(queue.name())) {
            db.run("register queue '" + queue.name() + "'", c -> {
                try (PreparedStatement ps = c.prepareStatement(ensureQueueSql)) {
                    ps.setString(1, queue.name());
                    return ps.executeUpdate();
                }
            });
            queueRows.add(queue.name());
        }
        return db.inTransaction(what, c -> takeWithinLimits(c, queue, executorId, names, maxRows));
    }

    /** No global limit: one statement takes the batch; SKIP LOCKED keeps concurrent rounds apart. */
    private DequeueRound takeReady(Connection c, Queue queue, String executorId, Collection<String> names,
                                   int maxRows) throws SQLException {
        int limit = maxRows;
        if (queue.perInstanceLimit().isPresent()) {
            limit = Math.min(limit, queue.perInstanceLimit().getAsInt() - mineRunning(c, queue.name(), executorId));
            if (limit <= 0) {
                return new DequeueRound(List.of(), Set.of(), false, null);
            }
        }
        Taken taken;
        Array nameArray = c.createArrayOf("text", names.toArray());
        try (PreparedStatement ps = c.prepareStatement(takeReadySql)) {
            ps.setString(1, queue.name());
            ps.setArray(2, nameArray);
            ps.setInt(3, limit);
            ps.setString(4, executorId);
            taken = take(ps);
        } finally {
            nameArray.free();
        }
        Duration wakeIn = taken.rows().size() < limit ? nextDelayed(c, queue.name()) : null;
        return new DequeueRound(taken.rows(), taken.withJournal(), taken.rows().size() == maxRows, wakeIn);
    }

    private int mineRunning(Connection c, String queueName, String executorId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(mineRunningSql)) {
            ps.setString(1, queueName);
            ps.setString(2, executorId);
            return Rows.first(ps, rs -> rs.getInt(1)).orElse(0);
        }
    }

    /** A global limit: under the queue's row lock, count, choose within the limits, take. */
    private DequeueRound takeWithinLimits(Connection c, Queue queue, String executorId, Collection<String> names,
                                          int maxRows) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(lockQueueSql)) {
            ps.setString(1, queue.name());
            Rows.first(ps, rs -> rs.getString(1));
        }
        Timestamp now = databaseNow(c);
        Map<String, Integer> running = new HashMap<>();
        int mine = 0;
        if (queue.concurrencyLimit().isPresent() || queue.perInstanceLimit().isPresent()) {
            try (PreparedStatement ps = c.prepareStatement(runningSql)) {
                ps.setString(1, executorId);
                ps.setString(2, queue.name());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        running.put(rs.getString(1), rs.getInt(2));
                        mine += rs.getInt(3);
                    }
                }
            }
        }
        Map<String, Integer> recent = new HashMap<>();
        Map<String, Timestamp> oldest = new HashMap<>();
        if (queue.rateLimitStarts().isPresent()) {
            Duration period = queue.rateLimitPeriod().orElseThrow();
            try (PreparedStatement ps = c.prepareStatement(recentSql)) {
                ps.setString(1, queue.name());
                ps.setTimestamp(2, Timestamp.from(now.toInstant().minus(period)));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        recent.put(rs.getString(1), rs.getInt(2));
                        oldest.put(rs.getString(1), rs.getTimestamp(3));
                    }
                }
            }
        }
        PartitionBudget budget = new PartitionBudget(queue, running, recent);
        int wanted = maxRows;
        if (queue.perInstanceLimit().isPresent()) {
            wanted = Math.min(wanted, queue.perInstanceLimit().getAsInt() - mine);
        }
        List<String> chosen = new ArrayList<>();
        if (wanted > 0) {
            for (Candidate candidate : candidates(c, queue.name(), names, now, budget, wanted)) {
                if (budget.take(candidate.partitionKey())) {
                    chosen.add(candidate.id());
                    if (chosen.size() == wanted) {
                        break;
                    }
                }
            }
        }
        Taken taken = new Taken(List.of(), Set.of());
        if (!chosen.isEmpty()) {
            Array idArray = c.createArrayOf("text", chosen.toArray());
            try (PreparedStatement ps = c.prepareStatement(takeChosenSql)) {
                ps.setString(1, executorId);
                ps.setTimestamp(2, now);
                ps.setArray(3, idArray);
                taken = take(ps);
            } finally {
                idArray.free();
            }
        }
        Duration wakeIn = budget.rateWindowFrees(now, oldest);
        if (taken.rows().size() < maxRows) {
            wakeIn = earlier(wakeIn, nextDelayed(c, queue.name()));
        }
        return new DequeueRound(taken.rows(), taken.withJournal(), taken.rows().size() == maxRows, wakeIn);
    }

    private static Timestamp databaseNow(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT clock_timestamp()")) {
            return Rows.first(ps, rs -> rs.getTimestamp(1)).orElseThrow();
        }
    }

    /** A ready row of the queue and its partition. */
    private record Candidate(String id, String partitionKey) {
    }

    /** Ready rows in priority order, skipping the partitions that have no room left. */
    private List<Candidate> candidates(Connection c, String queueName, Collection<String> names, Timestamp now,
                                       PartitionBudget budget, int wanted) throws SQLException {
        Array nameArray = c.createArrayOf("text", names.toArray());
        Array fullArray = c.createArrayOf("text", budget.fullKeyedPartitions().toArray());
        try (PreparedStatement ps = c.prepareStatement(candidatesSql)) {
            ps.setString(1, queueName);
            ps.setTimestamp(2, now);
            ps.setArray(3, nameArray);
            ps.setBoolean(4, budget.isFull(null));
            ps.setArray(5, fullArray);
            ps.setInt(6, Math.min(MAX_CANDIDATES, Math.max(wanted, wanted * CANDIDATES_PER_SLOT)));
            return Rows.list(ps, rs -> new Candidate(rs.getString(1), rs.getString(2)));
        } finally {
            nameArray.free();
            fullArray.free();
        }
    }

    private Duration nextDelayed(Connection c, String queueName) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(nextDelayedSql)) {
            ps.setString(1, queueName);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                double seconds = rs.getDouble(1);
                if (rs.wasNull()) {
                    return null;
                }
                return Duration.ofNanos((long) (Math.max(0, seconds) * 1e9));
            }
        }
    }

    /** The rows a dequeue statement set PENDING, and which of them already have journal entries. */
    private record Taken(List<WorkflowRow> rows, Set<String> withJournal) {
    }

    /** Runs a dequeue statement; RETURNING has no order, so the rows are sorted by priority again. */
    private static Taken take(PreparedStatement ps) throws SQLException {
        List<WorkflowRow> rows = new ArrayList<>();
        Set<String> withJournal = new HashSet<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                WorkflowRow row = Rows.workflow(rs);
                rows.add(row);
                if (rs.getBoolean(Rows.WORKFLOW_COLUMN_COUNT + 1)) {
                    withJournal.add(row.id());
                }
            }
        }
        rows.sort(Comparator.comparing(WorkflowRow::priority, Comparator.nullsLast(Comparator.naturalOrder())));
        return new Taken(rows, withJournal);
    }

    static Duration earlier(Duration a, Duration b) {
        if (a == null) {
            return b;
        }
        return b == null || a.compareTo(b) <= 0 ? a : b;
    }

    /**
     * What the global limits leave per partition in one round: the concurrency limit minus what runs,
     * the rate limit minus what started within the period, each less what this round takes.
     */
    private static final class PartitionBudget {
        private final Integer concurrency;
        private final Integer starts;
        private final Duration period;
        private final Map<String, Integer> running;
        private final Map<String, Integer> recent;
        private final Map<String, Integer> takenNow = new HashMap<>();

        PartitionBudget(Queue queue, Map<String, Integer> running, Map<String, Integer> recent) {
            this.concurrency = queue.concurrencyLimit().isPresent() ? queue.concurrencyLimit().getAsInt() : null;
            this.starts = queue.rateLimitStarts().isPresent() ? queue.rateLimitStarts().getAsInt() : null;
            this.period = queue.rateLimitPeriod().orElse(null);
            this.running = running;
            this.recent = recent;
        }

        boolean isFull(String partition) {
            int taken = takenNow.getOrDefault(partition, 0);
            return (concurrency != null && running.getOrDefault(partition, 0) + taken >= concurrency)
                    || (starts != null && recent.getOrDefault(partition, 0) + taken >= starts);
        }

        /** The keyed partitions with no room, to leave out of the candidate scan. */
        List<String> fullKeyedPartitions() {
            Set<String> keys = new HashSet<>(running.keySet());
            keys.addAll(recent.keySet());
            keys.remove(null);
            return keys.stream().filter(this::isFull).toList();
        }

        boolean take(String partition) {
            if (isFull(partition)) {
                return false;
            }
            takenNow.merge(partition, 1, Integer::sum);
            return true;
        }

        /** When the rate window of a full partition lets the next start in; null if none is full by rate. */
        Duration rateWindowFrees(Timestamp now, Map<String, Timestamp> oldest) {
            if (starts == null) {
                return null;
            }
            Set<String> partitions = new HashSet<>(recent.keySet());
            partitions.addAll(takenNow.keySet());
            Duration first = null;
            for (String partition : partitions) {
                int used = recent.getOrDefault(partition, 0) + takenNow.getOrDefault(partition, 0);
                if (used < starts) {
                    continue;
                }
                Instant from = oldest.containsKey(partition) ? oldest.get(partition).toInstant() : now.toInstant();
                Duration left = Duration.between(now.toInstant(), from.plus(period));
                first = earlier(first, left.isNegative() ? Duration.ZERO : left);
            }
            return first;
        }
    }
}
