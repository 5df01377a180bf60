package io.durable.internal.jdbc;

import io.durable.DatabaseUnavailableException;
import io.durable.internal.store.StepRow;
import io.durable.internal.store.TransactionalSteps;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Optional;

/**
 * Transactional steps with the journal in a SQLite file, as {@link TransactionalStepRepository} does
 * them on PostgreSQL. The application's connections to the same file (by default those of
 * {@link SqliteFile#dataSource()}, whose immediate transactions take the file's write lock at the
 * start) insert the journal entry themselves; durable's own connection waits for that lock meanwhile.
 * An application database elsewhere (PostgreSQL, another SQLite file, ...) holds the checkpoint in
 * {@value TransactionalSteps#LOCAL_TABLE} instead, with the same SQL as on PostgreSQL.
 */
final class SqliteTransactionalSteps extends LocalCheckpointSteps {
    private final SqliteFile file;
    private final SqliteTables tables;
    private final SqliteJournal journal;
    private final String probeSql;

    SqliteTransactionalSteps(SqliteFile file, SqliteTables tables, SqliteJournal journal) {
        this.file = file;
        this.tables = tables;
        this.journal = journal;
        this.probeSql = "SELECT 1 FROM " + tables.executors() + " WHERE id = ? AND incarnation = ?";
    }

    @Override
    public DataSource journalDataSource() {
        return file.dataSource();
    }

    @Override
    public boolean reachesJournal(DataSource dataSource, String executorId, String incarnation) {
        if (dataSource == file.dataSource()) {
            return true;
        }
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            try {
                // Only a SQLite file can be this one; any other database is the application's own.
                String product = c.getMetaData().getDatabaseProductName();
                return product != null && product.toLowerCase(Locale.ROOT).contains("sqlite")
                        && hasExecutorsTable(c) && registered(c, executorId, incarnation);
            } finally {
                if (!autoCommit) {
                    c.rollback(); // an immediate transaction holds the file's write lock
                }
            }
        } catch (SQLException e) {
            throw new DatabaseUnavailableException("could not connect through the DataSource of transactional steps"
                    + " to see whether it reaches durable's journal: " + SqlFailures.rootMessage(e), e);
        }
    }

    private boolean hasExecutorsTable(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?")) {
            ps.setString(1, tables.executors());
            return Rows.first(ps, rs -> true).isPresent();
        }
    }

    private boolean registered(Connection c, String executorId, String incarnation) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(probeSql)) {
            ps.setString(1, executorId);
            ps.setString(2, incarnation);
            return Rows.first(ps, rs -> true).isPresent();
        }
    }

    @Override
    public boolean insertStep(Connection c, StepRow step, String owner, long epoch) throws SQLException {
        return journal.insert(c, step, owner, epoch);
    }

    @Override
    public Optional<StepRow> findStep(String workflowId, int position) {
        return file.read("read step " + position + " of workflow '" + workflowId + "'",
                c -> journal.findStep(c, workflowId, position));
    }

    @Override
    public boolean isSerializationFailure(SQLException e) {
        // A busy SQLite file: another connection held the write lock past the busy timeout.
        return SqliteFile.isBusy(e) || super.isSerializationFailure(e);
    }
}
