package io.durable.internal.engine;

import io.durable.DatabaseUnavailableException;
import io.durable.DurableException;
import io.durable.StepOptions;
import io.durable.StepStatus;
import io.durable.TransactionBody;
import io.durable.internal.serial.ErrorCodec;
import io.durable.internal.serial.PayloadCodec;
import io.durable.internal.store.StepRow;
import io.durable.internal.store.StepWrite;
import io.durable.internal.store.Store;
import io.durable.internal.store.TransactionalSteps;
import io.durable.internal.util.Sneaky;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Runs transactional steps: the user's JDBC work and the step's checkpoint on one connection, in
 * one transaction, so the work is applied exactly once. When the application's database holds the
 * journal, the checkpoint is the journal entry itself (a fenced insert); otherwise it goes into a
 * small table of the application's database first and is copied into the journal after the commit
 * (see {@link TransactionalSteps}).
 *
 * <p>Serialization failures and deadlocks run the whole transaction again with backoff, without
 * counting as an attempt; a connection lost around the commit leaves the outcome unknown, so the
 * checkpoint is looked up before the transaction runs again. Any other failure rolls back and
 * counts as a failed attempt, retried per {@link StepOptions}; the last one is recorded in the
 * journal by an ordinary write.
 */
final class TransactionRunner {
    private static final Logger log = LoggerFactory.getLogger(TransactionRunner.class);
    /** Reruns of a transaction after serialization failures, deadlocks or lost connections. */
    static final int MAX_DATABASE_RETRIES = 20;
    private static final long FIRST_BACKOFF_NANOS = Duration.ofMillis(5).toNanos();
    private static final long MAX_BACKOFF_NANOS = Duration.ofSeconds(1).toNanos();

    private final Store store;
    private final TransactionalSteps sql;
    private final StepRunner steps;
    private final PayloadCodec codec;
    private final ErrorCodec errors;
    private final String executorId;
    private final Shutdown shutdown;
    private final DataSource dataSource;
    private final Supplier<String> incarnation;
    private volatile Boolean reachesJournal;
    private volatile boolean localTableReady;

    TransactionRunner(Store store, StepRunner steps, PayloadCodec codec, ErrorCodec errors, String executorId,
                      Shutdown shutdown, DataSource configured, Supplier<String> incarnation) {
        this.incarnation = incarnation;
        this.store = store;
        this.sql = store.transactionalSteps();
        this.steps = steps;
        this.codec = codec;
        this.errors = errors;
        this.executorId = executorId;
        this.shutdown = shutdown;
        this.dataSource = configured != null ? configured : sql.journalDataSource();
    }

    /** How one try of the transaction ended. */
    private record Try(Object value, StepRow committed, StepRow found, boolean fenced, Throwable failure) {
        static Try committed(Object value, StepRow row) {
            return new Try(value, row, null, false, null);
        }

        static Try found(StepRow row) {
            return new Try(null, null, row, false, null);
        }

        static Try lostOwnership() {
            return new Try(null, null, null, true, null);
        }

        static Try failed(Throwable failure) {
            return new Try(null, null, null, false, failure);
        }
    }

    /** A transaction outside a workflow (or inside a step): no checkpoint, the same retries. */
    Object runPlain(TransactionBody<?, ?> body) throws Throwable {
        int retries = 0;
        long backoff = FIRST_BACKOFF_NANOS;
        while (true) {
            try (Connection c = dataSource.getConnection()) {
                boolean autoCommit = c.getAutoCommit();
                try {
                    c.setAutoCommit(false);
                    Object value = body.run(c);
                    c.commit();
                    return value;
                } catch (Throwable t) {
                    rollbackQuietly(c);
                    SQLException cause = sqlCause(t);
                    if (cause != null && sql.isSerializationFailure(cause) && retries++ < MAX_DATABASE_RETRIES) {
                        backoff = pause(backoff);
                        continue;
                    }
                    throw t;
                } finally {
                    restore(c, autoCommit);
                }
            }
        }
    }

    Object run(WorkflowContext ctx, String name, StepOptions options, TransactionBody<?, ?> body) {
        int position = steps.nextPosition(ctx);
        StepRow recorded = ctx.recorded(position);
        if (recorded != null) {
            steps.checkReplay(ctx, recorded, name);
            return steps.outcomeOf(recorded);
        }
        if (shutdown.isClosing()) {
            throw StepRunner.unwind(ctx, shutdown.interruption(ctx.workflowId));
        }
        boolean inJournal;
        try {
            inJournal = reachesJournal();
        } catch (DurableException e) {
            throw steps.storeFailure(ctx, position, name, e);
        }
        if (!inJournal) {
            Optional<StepRow> committed = local(ctx, position, name);
            if (committed.isPresent()) {
                return copyToJournal(ctx, committed.get(), name); // committed before a crash or takeover
            }
        }
        Instant startedAt = Instant.now();
        Throwable failure;
        int attempt = 0;
        while (true) {
            attempt++;
            Try outcome = attempt(ctx, position, name, body, startedAt, attempt, inJournal);
            if (outcome.committed != null) {
                return inJournal ? outcome.value : copyToJournal(ctx, outcome.committed, name);
            }
            if (outcome.found != null) {
                if (inJournal) {
                    steps.checkReplay(ctx, outcome.found, name);
                    return steps.outcomeOf(outcome.found);
                }
                return copyToJournal(ctx, outcome.found, name);
            }
            if (outcome.fenced) {
                throw steps.fenced(ctx, position);
            }
            failure = outcome.failure;
            if (shutdown.isClosing()) {
                throw StepRunner.unwind(ctx, shutdown.interruption(ctx.workflowId));
            }
            if (attempt >= options.maxAttempts()) {
                break;
            }
            Duration backoff = options.backoffAfter(attempt);
            log.debug("transactional step {} '{}' attempt {} of {} failed and was rolled back ({}); retrying in {} ms",
                    position, name, attempt, options.maxAttempts(), failure.toString(), backoff.toMillis());
            if (shutdown.awaitClosing(backoff)) {
                throw StepRunner.unwind(ctx, shutdown.interruption(ctx.workflowId));
            }
        }
        StepRow failed = new StepRow(ctx.workflowId, position, name, StepStatus.FAILED, null, errors.encode(failure),
                attempt, startedAt, Instant.now());
        return recordInJournal(ctx, failed, name, failure);
    }

    /** One run of the transaction, repeated here on serialization failures and lost connections. */
    private Try attempt(WorkflowContext ctx, int position, String name, TransactionBody<?, ?> body, Instant startedAt,
                        int attempt, boolean inJournal) {
        long backoff = FIRST_BACKOFF_NANOS;
        int retries = 0;
        while (true) {
            Connection c;
            try {
                c = dataSource.getConnection();
            } catch (SQLException e) {
                if (retries < MAX_DATABASE_RETRIES && (sql.isLostConnection(e) || isTransientConnect(e))) {
                    retries++;
                    backoff = pause(backoff);
                    continue;
                }
                throw steps.storeFailure(ctx, position, name, new DatabaseUnavailableException(
                        "no connection for transactional step " + position + " '" + name + "': " + e.getMessage(), e,
                        ctx.workflowId, position));
            }
            boolean autoCommit = true;
            boolean committing = false;
            try {
                autoCommit = c.getAutoCommit();
                c.setAutoCommit(false);
                Object value;
                ctx.stepPosition = position;
                try {
                    value = body.run(c);
                } finally {
                    ctx.stepPosition = 0;
                }
                String output = codec.encode(value, ctx.workflowId, position, "the result of step '" + name + "'");
                StepRow row = new StepRow(ctx.workflowId, position, name, StepStatus.SUCCEEDED, output, null, attempt,
                        startedAt, Instant.now());
                boolean inserted = inJournal ? sql.insertStep(c, row, executorId, ctx.epoch) : sql.insertLocal(c, row);
                if (!inserted) {
                    c.rollback();
                    Optional<StepRow> existing = inJournal ? journal(ctx, position, name) : local(ctx, position, name);
                    return existing.map(Try::found).orElseGet(Try::lostOwnership);
                }
                committing = true;
                c.commit();
                return Try.committed(value, row);
            } catch (Error | DurableException e) {
                rollbackQuietly(c);
                throw e;
            } catch (Throwable t) {
                rollbackQuietly(c);
                SQLException cause = sqlCause(t);
                if (cause != null && retries < MAX_DATABASE_RETRIES) {
                    if (sql.isSerializationFailure(cause)) {
                        retries++;
                        log.debug("transactional step {} '{}' of '{}' hit {} ({}); running it again", position, name,
                                ctx.workflowId, cause.getSQLState(), cause.getMessage());
                        backoff = pause(backoff);
                        continue;
                    }
                    if (sql.isLostConnection(cause)) {
                        // Lost at the commit, the transaction may have committed: look before running again.
                        if (committing) {
                            Optional<StepRow> existing = inJournal ? journal(ctx, position, name)
                                    : local(ctx, position, name);
                            if (existing.isPresent()) {
                                return Try.found(existing.get());
                            }
                        }
                        retries++;
                        backoff = pause(backoff);
                        continue;
                    }
                }
                return Try.failed(t);
            } finally {
                restore(c, autoCommit);
                closeQuietly(c);
            }
        }
    }

    /** Copies a checkpoint committed in the application's database into the journal. */
    private Object copyToJournal(WorkflowContext ctx, StepRow committed, String name) {
        steps.checkReplay(ctx, committed, name);
        return recordInJournal(ctx, committed, name, null);
    }

    private Object recordInJournal(WorkflowContext ctx, StepRow row, String name, Throwable failure) {
        StepWrite write;
        try {
            write = store.recordStep(row, executorId, ctx.epoch);
        } catch (DurableException e) {
            throw steps.storeFailure(ctx, row.position(), name, e);
        }
        switch (write.kind()) {
            case RECORDED:
                if (failure != null) {
                    throw Sneaky.rethrow(failure);
                }
                return steps.outcomeOf(row);
            case CONFLICT:
                steps.checkReplay(ctx, write.existing(), name);
                return steps.outcomeOf(write.existing());
            default:
                throw steps.fenced(ctx, row.position());
        }
    }

    private Optional<StepRow> journal(WorkflowContext ctx, int position, String name) {
        try {
            return sql.findStep(ctx.workflowId, position);
        } catch (DurableException e) {
            throw steps.storeFailure(ctx, position, name, e);
        }
    }

    /** The checkpoint held in the application's database, read on a connection of its own. */
    private Optional<StepRow> local(WorkflowContext ctx, int position, String name) {
        try (Connection c = dataSource.getConnection()) {
            if (!localTableReady) {
                if (!c.getAutoCommit()) {
                    c.setAutoCommit(true);
                }
                sql.ensureLocalTable(c);
                localTableReady = true;
            }
            boolean autoCommit = c.getAutoCommit();
            try {
                return sql.findLocal(c, ctx.workflowId, position);
            } finally {
                if (!autoCommit) {
                    c.rollback();
                }
            }
        } catch (SQLException e) {
            throw steps.storeFailure(ctx, position, name, new DatabaseUnavailableException("could not read the checkpoint"
                    + " table " + TransactionalSteps.LOCAL_TABLE + " of the application's database: " + e.getMessage(),
                    e, ctx.workflowId, position));
        }
    }

    private boolean reachesJournal() {
        Boolean known = reachesJournal;
        if (known == null) {
            known = sql.reachesJournal(dataSource, executorId, incarnation.get());
            if (!known) {
                log.info("transactional steps run on a DataSource that does not reach durable's journal: their "
                        + "checkpoints commit into table {} of that database first", TransactionalSteps.LOCAL_TABLE);
            }
            reachesJournal = known;
        }
        return known;
    }

    private static boolean isTransientConnect(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("08") || state.startsWith("57P") || state.equals("53300"));
    }

    private static SQLException sqlCause(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof SQLException sql) {
                return sql;
            }
        }
        return null;
    }

    private static long pause(long backoff) {
        LockSupport.parkNanos(backoff / 2 + ThreadLocalRandom.current().nextLong(backoff / 2 + 1));
        return Math.min(backoff * 2, MAX_BACKOFF_NANOS);
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // a broken connection rolled back on its own; the pool discards it
        }
    }

    private static void restore(Connection c, boolean autoCommit) {
        try {
            if (!c.isClosed() && c.getAutoCommit() != autoCommit) {
                c.setAutoCommit(autoCommit);
            }
        } catch (SQLException ignored) {
            // a broken connection; the pool discards it
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // nothing left to release
        }
    }
}
