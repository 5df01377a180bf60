package io.durable.internal.jdbc;

import io.durable.internal.store.StepRow;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * SQL of transactional steps on PostgreSQL: the fenced journal insert of the write path, run inside
 * the application's transaction, and the small checkpoint table an application database without
 * the journal holds ({@link LocalCheckpoints}).
 */
final class TransactionalStepRepository extends LocalCheckpointSteps {
    private final Database db;
    private final CheckpointRepository checkpoints;
    private final String findStepSql;
    private final String probeSql;

    TransactionalStepRepository(Database db, CheckpointRepository checkpoints, String schema) {
        this.db = db;
        this.checkpoints = checkpoints;
        this.findStepSql = Rows.findStepSql(schema);
        this.probeSql = "SELECT 1 FROM " + schema + ".executors WHERE id = ? AND incarnation = ?";
    }

    @Override
    public DataSource journalDataSource() {
        return db.dataSource();
    }

    @Override
    public boolean reachesJournal(DataSource dataSource, String executorId, String incarnation) {
        if (dataSource == db.dataSource()) {
            return true;
        }
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            try (PreparedStatement ps = c.prepareStatement(probeSql)) {
                ps.setString(1, executorId);
                ps.setString(2, incarnation);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            } catch (SQLException e) {
                return false; // no durable schema there
            } finally {
                if (!autoCommit) {
                    c.rollback();
                }
            }
        } catch (SQLException e) {
            throw new io.durable.DatabaseUnavailableException("could not connect through the DataSource of "
                    + "transactional steps to see whether it reaches durable's journal: " + SqlFailures.rootMessage(e), e);
        }
    }

    @Override
    public boolean insertStep(Connection c, StepRow step, String owner, long epoch) throws SQLException {
        return checkpoints.insertStep(c, step, owner, epoch);
    }

    @Override
    public Optional<StepRow> findStep(String workflowId, int position) {
        return db.run("read step " + position + " of workflow '" + workflowId + "'",
                c -> Rows.findStep(c, findStepSql, workflowId, position));
    }
}
