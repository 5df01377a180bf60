package io.durable.internal.jdbc;

import io.durable.StepStatus;
import io.durable.internal.store.StepRow;
import io.durable.internal.store.TransactionalSteps;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.Locale;
import java.util.Optional;

/**
 * The checkpoint table of transactional steps in an application database without the journal
 * ({@value TransactionalSteps#LOCAL_TABLE}), whichever store holds the journal. Its SQL is plain
 * enough for PostgreSQL, MySQL/MariaDB, SQLite and most others; only its column types follow the product.
 */
final class LocalCheckpoints {
    private static final String LOCAL = TransactionalSteps.LOCAL_TABLE;

    private LocalCheckpoints() {
    }

    /** Creates the table if it is missing, on an autocommit connection. */
    static void ensureTable(Connection c) throws SQLException {
        // Looked up first: CREATE TABLE IF NOT EXISTS needs the right to create in the schema even when
        // the table is there, and a user may well have been given the table and nothing else.
        if (tableExists(c)) {
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
     * on it. The connection is in autocommit, so a failed probe leaves nothing to undo.
     */
    private static boolean tableExists(Connection c) {
        try (Statement st = c.createStatement()) {
            st.executeQuery("SELECT 1 FROM " + LOCAL + " WHERE 1 = 0").close();
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    /** @return true when inserted in the caller's transaction; false when the position is taken */
    static boolean insert(Connection c, StepRow step) throws SQLException {
        // A savepoint keeps the application's transaction usable when the position is taken
        // (PostgreSQL aborts the whole transaction on a failed statement otherwise).
        Savepoint savepoint = c.setSavepoint();
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
            // An integrity constraint: the position is taken. SQLite's driver gives no SQLState, only its code.
            String state = e.getSQLState();
            if ((state != null && state.startsWith("23")) || SqliteFile.isUniqueViolation(e)) {
                c.rollback(savepoint);
                return false;
            }
            throw e;
        }
    }

    static Optional<StepRow> find(Connection c, String workflowId, int position) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT name, output, attempts, started_at_us, completed_at_us"
                + " FROM " + LOCAL + " WHERE workflow_id = ? AND position = ?")) {
            ps.setString(1, workflowId);
            ps.setInt(2, position);
            return Rows.first(ps, rs -> new StepRow(workflowId, position, rs.getString(1), StepStatus.SUCCEEDED,
                    rs.getString(2), null, rs.getInt(3), Rows.instantOfMicros(rs.getLong(4)),
                    Rows.instantOfMicros(rs.getLong(5))));
        }
    }

    /** @return true for a serialization failure or a deadlock, anywhere in the cause chain */
    static boolean isSerializationFailure(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql && ("40001".equals(sql.getSQLState())
                    || "40P01".equals(sql.getSQLState()))) {
                return true;
            }
        }
        return false;
    }

    /** @return true when the connection was lost */
    static boolean isLostConnection(SQLException e) {
        return SqlFailures.isLostConnection(e) || (e.getSQLState() != null && e.getSQLState().startsWith("08"));
    }
}
