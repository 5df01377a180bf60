package io.durable.internal.jdbc;

import io.durable.internal.store.TakenOver;

import java.sql.Array;
import java.sql.PreparedStatement;
import java.util.Collection;
import java.util.List;

/**
 * SQL for taking over the unfinished workflows of executors whose lease expired. One statement per
 * batch: it finds the expired executors of the application (database clock; a cleanly stopped one
 * counts as expired), locks up to a limit of their unfinished workflows with {@code FOR UPDATE SKIP
 * LOCKED} (so several live executors share the work without waiting on each other) and re-owns
 * them. The expiry is judged inside the same statement, so an executor that came back before it
 * keeps its work, and a row another executor claimed first fails the lock's re-check (its owner
 * changed) and is skipped.
 */
final class TakeoverRepository {
    private final Database db;
    private final String takeOverSql;

    TakeoverRepository(Database db, String schema) {
        this.db = db;
        String workflows = schema + ".workflows";
        // One index probe per expired executor (LATERAL), whatever the statistics say: as a plain join,
        // PostgreSQL hashed the expired executors and scanned every unfinished workflow of every
        // executor, live ones included, on each heartbeat. The row locks are taken inside, on the rows
        // the outer LIMIT actually pulls.
        String ofExpired = " FROM expired e CROSS JOIN LATERAL (SELECT w.id, w.owner FROM " + workflows + " w"
                + " WHERE w.owner = e.id AND w.completed_at IS NULL AND w.status = 'PENDING' AND w.name = ANY (?)"
                + " AND w.wait_kind IS %s NULL LIMIT ? FOR UPDATE SKIP LOCKED) c LIMIT ?";
        // Waiting workflows need no thread here, so they have their own (larger) limit; they keep their
        // recovery count: they were not running when their executor died.
        this.takeOverSql = "WITH expired AS (SELECT id FROM " + schema + ".executors WHERE application = ?"
                + " AND id <> ? AND (stopped_at IS NOT NULL OR lease_expires_at < now())),"
                + " runnable AS (SELECT c.id, c.owner" + String.format(ofExpired, "") + "),"
                + " parked AS (SELECT c.id, c.owner" + String.format(ofExpired, "NOT") + "),"
                + " picked AS (SELECT id, owner FROM runnable UNION ALL SELECT id, owner FROM parked)"
                + " UPDATE " + workflows + " w SET owner = ?, epoch = w.epoch + 1, updated_at = now(),"
                + " recovery_attempts = w.recovery_attempts + CASE WHEN w.wait_kind IS NULL THEN 1 ELSE 0 END"
                + " FROM picked p WHERE w.id = p.id"
                + " RETURNING " + Rows.workflowColumns("w") + ", p.owner, w.wait_kind IS NOT NULL";
    }

    List<TakenOver> takeOver(String executorId, String application, Collection<String> names, int runnableLimit,
                             int parkedLimit) {
        return db.run("take over workflows of expired executors for executor '" + executorId + "'", c -> {
            Array nameArray = c.createArrayOf("text", names.toArray());
            try (PreparedStatement ps = c.prepareStatement(takeOverSql)) {
                int i = 1;
                ps.setString(i++, application);
                ps.setString(i++, executorId);
                for (int limit : new int[] {runnableLimit, parkedLimit}) {
                    ps.setArray(i++, nameArray);
                    ps.setInt(i++, limit);
                    ps.setInt(i++, limit);
                }
                ps.setString(i, executorId);
                return Rows.list(ps, rs -> new TakenOver(Rows.workflow(rs),
                        rs.getString(Rows.WORKFLOW_COLUMN_COUNT + 1), rs.getBoolean(Rows.WORKFLOW_COLUMN_COUNT + 2)));
            } finally {
                nameArray.free();
            }
        });
    }
}
