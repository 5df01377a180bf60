package io.durable.internal.jdbc;

import io.durable.internal.store.StepRow;
import io.durable.internal.store.StepWrite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * The fenced journal write every SQLite repository shares: a step is inserted only while the
 * executor holds the workflow at its epoch in the expected status, and never over a recorded
 * position. Runs inside the caller's transaction ({@link SqliteFile#write}).
 */
final class SqliteJournal {
    private final String insertSql;
    private final String ownedSql;
    private final String findSql;
    private final String journalSql;

    SqliteJournal(SqliteTables tables) {
        this.insertSql = "INSERT INTO " + tables.steps() + " (" + Rows.STEP_ROW_COLUMNS + ")"
                + " SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM " + tables.workflows()
                + " WHERE id = ? AND owner = ? AND epoch = ? AND status = ?) ON CONFLICT DO NOTHING";
        this.ownedSql = "SELECT 1 FROM " + tables.workflows() + " WHERE id = ? AND owner = ? AND epoch = ? AND status = ?";
        this.findSql = "SELECT " + Rows.STEP_ROW_COLUMNS + " FROM " + tables.steps() + " WHERE workflow_id = ? AND position = ?";
        this.journalSql = "SELECT " + Rows.STEP_ROW_COLUMNS + " FROM " + tables.steps()
                + " WHERE workflow_id = ? ORDER BY position";
    }

    /** Records a step of a PENDING workflow: RECORDED, CONFLICT (with the winning row) or FENCED. */
    StepWrite record(Connection c, StepRow step, String owner, long epoch) throws SQLException {
        return record(c, step, owner, epoch, "PENDING");
    }

    /** Records a step while the workflow is in {@code status} and held by {@code owner} at {@code epoch}. */
    StepWrite record(Connection c, StepRow step, String owner, long epoch, String status) throws SQLException {
        if (insert(c, step, owner, epoch, status)) {
            return StepWrite.recorded();
        }
        // A stale executor must not replay what the new owner recorded and run on: fenced first.
        if (!owns(c, step.workflowId(), owner, epoch, status)) {
            return StepWrite.fenced();
        }
        Optional<StepRow> existing = findStep(c, step.workflowId(), step.position());
        return existing.map(StepWrite::conflict).orElse(StepWrite.fenced());
    }

    /** @return true when the step was inserted (owned, PENDING, position free) */
    boolean insert(Connection c, StepRow step, String owner, long epoch) throws SQLException {
        return insert(c, step, owner, epoch, "PENDING");
    }

    private boolean insert(Connection c, StepRow step, String owner, long epoch, String status) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(insertSql)) {
            int i = SqliteRows.bindStep(ps, 1, step);
            ps.setString(i++, step.workflowId());
            ps.setString(i++, owner);
            ps.setLong(i++, epoch);
            ps.setString(i, status);
            return ps.executeUpdate() == 1;
        }
    }

    /** @return true while {@code owner} holds the workflow at {@code epoch} in {@code status} */
    boolean owns(Connection c, String workflowId, String owner, long epoch, String status) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(ownedSql)) {
            ps.setString(1, workflowId);
            ps.setString(2, owner);
            ps.setLong(3, epoch);
            ps.setString(4, status);
            return Rows.first(ps, rs -> true).isPresent();
        }
    }

    Optional<StepRow> findStep(Connection c, String workflowId, int position) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(findSql)) {
            ps.setString(1, workflowId);
            ps.setInt(2, position);
            return Rows.first(ps, SqliteRows::step);
        }
    }

    List<StepRow> journal(Connection c, String workflowId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(journalSql)) {
            ps.setString(1, workflowId);
            return Rows.list(ps, SqliteRows::step);
        }
    }
}
