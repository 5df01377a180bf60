package io.durable.internal.jdbc;

import io.durable.StepStatus;
import io.durable.internal.store.StepRow;
import io.durable.internal.store.TransactionalSteps;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Optional;

/**
 * SQL of transactional steps on PostgreSQL: the fenced journal insert of the write path, run inside
 * the application's transaction, and the small checkpoint table an application database without
 * the journal holds ({@value TransactionalSteps#LOCAL_TABLE}). That table's SQL is plain enough
 * for PostgreSQL, MySQL/MariaDB, SQLite and most others; only its column types follow the product.
 */
final class TransactionalStepRepository implements TransactionalSteps {
    private static final String LOCAL = TransactionalSteps.LOCAL_TABLE;

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

    @Override
    public void ensureLocalTable(Connection c) throws SQLException {
        // Looked up first: CREATE TABLE IF NOT EXISTS needs the right to create in the schema even when
        // the table is there, and a user may well have been given the table and nothing else.
        if (localTableExists(c)) {
            return;
        }
        String product = c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
        String text = product.contains("mysql") || product.contains("mariadb") ? "LONGTEXT"
                : product.contains("postgres") || product.contains("sqlite") ? "TEXT" : "CLOB";
        try (Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS " + LOCAL + " (workflow_id VARCHAR(512) NOT NULL,"
                    + " position INTEGER NOT NULL, name VARCHAR(512) NOT NULL, output " + text + ","
                    + " attempts INTEGER NOT NULL, started_at_us BIGINT NOT NULL, completed_at_us BIGINT NOT NULL,"
                    + " PRIMARY KEY (workflow_id, position))");
        } catch (SQLException e) {
            throw new SQLException("could not create " + LOCAL + " for the checkpoints of transactional steps"
                    + " (create it yourself, see docs/transactions.md): " + e.getMessage(), e.getSQLState(), e);
        }
    }

    /**
     * Whether the table is visible on the connection's search path, by a query that needs only SELECT
     * on it. The connection is in autocommit (see the interface), so a failed probe leaves nothing to undo.
     */
    private static boolean localTableExists(Connection c) {
        try (Statement st = c.createStatement()) {
            st.executeQuery("SELECT 1 FROM " + LOCAL + " WHERE 1 = 0").close();
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public boolean insertLocal(Connection c, StepRow step) throws SQLException {
        // A savepoint keeps the application's transaction usable when the position is taken
        // (PostgreSQL aborts the whole transaction on a failed statement otherwise).
        var savepoint = c.setSavepoint();
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + LOCAL + " (workflow_id, position, name,"
                + " output, attempts, started_at_us, completed_at_us) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, step.workflowId());
            ps.setInt(2, step.position());
            ps.setString(3, step.name());
            ps.setString(4, step.output());
            ps.setInt(5, step.attempts());
            ps.setLong(6, Rows.micros(step.startedAt()));
            ps.setLong(7, Rows.micros(step.completedAt()));
            ps.executeUpdate();
            c.releaseSavepoint(savepoint);
            return true;
        } catch (SQLException e) {
            String state = e.getSQLState();
            if (state != null && state.startsWith("23")) { // integrity constraint: the position is taken
                c.rollback(savepoint);
                return false;
            }
            throw e;
        }
    }

    @Override
    public Optional<StepRow> findLocal(Connection c, String workflowId, int position) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT name, output, attempts, started_at_us, completed_at_us"
                + " FROM " + LOCAL + " WHERE workflow_id = ? AND position = ?")) {
            ps.setString(1, workflowId);
            ps.setInt(2, position);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new StepRow(workflowId, position, rs.getString(1), StepStatus.SUCCEEDED,
                        rs.getString(2), null, rs.getInt(3), Rows.instantOfMicros(rs.getLong(4)),
                        Rows.instantOfMicros(rs.getLong(5))));
            }
        }
    }

    @Override
    public boolean isSerializationFailure(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql && ("40001".equals(sql.getSQLState())
                    || "40P01".equals(sql.getSQLState()))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean isLostConnection(SQLException e) {
        return SqlFailures.isLostConnection(e) || (e.getSQLState() != null && e.getSQLState().startsWith("08"));
    }
}
