package io.durable.internal.store;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

/**
 * The store's part of a transactional step: SQL run on a connection the engine holds open in the
 * application's transaction, so that the step's checkpoint commits or rolls back with the
 * application's own writes. Two ways to hold the checkpoint:
 * <ul>
 *   <li>the journal itself, when the application's connections reach durable's tables
 *       ({@link #reachesJournal}): a fenced insert into the steps table ({@link #insertStep});</li>
 *   <li>otherwise a small table in the application's database ({@link #ensureLocalTable},
 *       {@link #insertLocal}, {@link #findLocal}), from which the step is then copied into the
 *       journal by an ordinary checkpoint write.</li>
 * </ul>
 */
public interface TransactionalSteps {
    /** Name of the table that holds transactional checkpoints in an application database without the journal. */
    String LOCAL_TABLE = "durable_transaction_checkpoints";

    /** @return durable's own DataSource, used when the application configured none for transactional steps */
    DataSource journalDataSource();

    /**
     * Whether connections of {@code dataSource} see durable's journal (the same database and
     * schema): probed on a connection of its own, never inside the application's transaction.
     *
     * @param dataSource the application's DataSource
     * @param executorId  this process's executor, whose registration the probe looks for
     * @param incarnation this process's incarnation of it (another process's journal cannot hold it)
     * @return true when the steps table reached through it is durable's own
     */
    boolean reachesJournal(DataSource dataSource, String executorId, String incarnation);

    /**
     * Inserts the step into the journal on {@code c} if this executor still owns the PENDING workflow
     * at {@code epoch} and the position is free; the caller commits or rolls back.
     *
     * @return true when inserted; false when the position is taken or the ownership lost
     */
    boolean insertStep(Connection c, StepRow step, String owner, long epoch) throws SQLException;

    /** @return the journal entry at that position, read through durable's own connections */
    Optional<StepRow> findStep(String workflowId, int position);

    /** Creates {@link #LOCAL_TABLE} in the database of {@code c} if it is missing (autocommit connection). */
    void ensureLocalTable(Connection c) throws SQLException;

    /**
     * Inserts the step into {@link #LOCAL_TABLE} on {@code c}, in the caller's transaction.
     *
     * @return true when inserted; false when that position already holds a checkpoint
     */
    boolean insertLocal(Connection c, StepRow step) throws SQLException;

    /** @return the step held in {@link #LOCAL_TABLE} of the database of {@code c} at that position */
    Optional<StepRow> findLocal(Connection c, String workflowId, int position) throws SQLException;

    /** @return true for a serialization failure or a deadlock: the whole transaction may simply run again */
    boolean isSerializationFailure(SQLException e);

    /** @return true when the connection was lost: a commit in flight may or may not have happened */
    boolean isLostConnection(SQLException e);
}
