package io.durable.internal.jdbc;

import io.durable.internal.store.StepRow;
import io.durable.internal.store.StepWrite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/** SQL for the steps table (the journal): fenced checkpoint writes and journal reads. */
final class StepRepository {
    private final Database db;
    private final String recordSql;
    private final String findSql;
    private final String journalSql;

    StepRepository(Database db, String schema) {
        this.db = db;
        // The row lock (FOR SHARE) makes the ownership check and the insert one atomic step: a
        // concurrent claim that raises the epoch waits for this insert, or this insert sees the new epoch.
        this.recordSql = "INSERT INTO " + schema + ".steps (" + Rows.STEP_COLUMNS + ")"
                + " SELECT ?, ?, ?, ?, ?, ?, ?, ?, ? FROM " + schema + ".workflows w"
                + " WHERE w.id = ? AND w.owner = ? AND w.epoch = ? AND w.status = 'PENDING' FOR SHARE"
                + " ON CONFLICT (workflow_id, position) DO NOTHING";
        this.findSql = "SELECT " + Rows.STEP_COLUMNS + " FROM " + schema + ".steps WHERE workflow_id = ? AND position = ?";
        this.journalSql = "SELECT " + Rows.STEP_COLUMNS + " FROM " + schema + ".steps WHERE workflow_id = ?"
                + " ORDER BY position";
    }

    /** One round trip; only a refused write costs a second one to tell a conflict from fencing. */
    StepWrite record(StepRow step, String owner, long epoch) {
        return db.run("record step " + step.position() + " of workflow '" + step.workflowId() + "'", c -> {
            try (PreparedStatement ps = c.prepareStatement(recordSql)) {
                ps.setString(1, step.workflowId());
                ps.setInt(2, step.position());
                ps.setString(3, step.name());
                ps.setString(4, step.status().name());
                ps.setString(5, step.output());
                ps.setString(6, step.error());
                ps.setInt(7, step.attempts());
                ps.setTimestamp(8, Rows.timestamp(step.startedAt()));
                ps.setTimestamp(9, Rows.timestamp(step.completedAt()));
                ps.setString(10, step.workflowId());
                ps.setString(11, owner);
                ps.setLong(12, epoch);
                if (ps.executeUpdate() == 1) {
                    return StepWrite.recorded();
                }
            }
            return find(c, step.workflowId(), step.position()).map(StepWrite::conflict).orElse(StepWrite.fenced());
        });
    }

    List<StepRow> journal(String workflowId) {
        return db.run("load the journal of workflow '" + workflowId + "'", c -> {
            try (PreparedStatement ps = c.prepareStatement(journalSql)) {
                ps.setString(1, workflowId);
                return Rows.list(ps, Rows::step);
            }
        });
    }

    private Optional<StepRow> find(Connection c, String workflowId, int position) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(findSql)) {
            ps.setString(1, workflowId);
            ps.setInt(2, position);
            return Rows.first(ps, Rows::step);
        }
    }
}
