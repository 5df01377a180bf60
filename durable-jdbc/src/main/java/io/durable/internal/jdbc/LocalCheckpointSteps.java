package io.durable.internal.jdbc;

import io.durable.internal.store.StepRow;
import io.durable.internal.store.TransactionalSteps;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

/**
 * The part of {@link TransactionalSteps} both stores share: the checkpoint table in the application's
 * own database ({@link LocalCheckpoints}), written on the application's connection. Subclasses add
 * the journal side, which differs per store.
 */
abstract class LocalCheckpointSteps implements TransactionalSteps {
    @Override
    public void ensureLocalTable(Connection c) throws SQLException {
        LocalCheckpoints.ensureTable(c);
    }

    @Override
    public boolean insertLocal(Connection c, StepRow step) throws SQLException {
        return LocalCheckpoints.insert(c, step);
    }

    @Override
    public Optional<StepRow> findLocal(Connection c, String workflowId, int position) throws SQLException {
        return LocalCheckpoints.find(c, workflowId, position);
    }

    @Override
    public boolean isSerializationFailure(SQLException e) {
        return LocalCheckpoints.isSerializationFailure(e);
    }

    @Override
    public boolean isLostConnection(SQLException e) {
        return LocalCheckpoints.isLostConnection(e);
    }
}
