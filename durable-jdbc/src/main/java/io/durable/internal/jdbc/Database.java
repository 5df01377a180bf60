package io.durable.internal.jdbc;

import io.durable.DatabaseUnavailableException;
import io.durable.DurableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * Connections with retries: transient failures (a killed backend, a restarting server) are retried
 * with exponential backoff until the retry window is spent, then reported as
 * {@link DatabaseUnavailableException} naming where the database was expected.
 */
final class Database {
    private static final Logger log = LoggerFactory.getLogger(Database.class);
    private static final long FIRST_BACKOFF_NANOS = Duration.ofMillis(10).toNanos();
    private static final long MAX_BACKOFF_NANOS = Duration.ofSeconds(1).toNanos();
    private static final int IMMEDIATE_RETRIES_ON_LOST_CONNECTION = 8;

    private final DataSource dataSource;
    private final String description;
    private final Duration retryWindow;

    Database(DataSource dataSource, String description, Duration retryWindow) {
        this.dataSource = dataSource;
        this.description = description;
        this.retryWindow = retryWindow;
    }

    DataSource dataSource() {
        return dataSource;
    }

    String description() {
        return description;
    }

    /** Runs idempotent work in its own transaction, retrying transient failures. */
    <T> T run(String what, SqlWork<T> work) {
        long deadline = System.nanoTime() + retryWindow.toNanos();
        long backoff = FIRST_BACKOFF_NANOS;
        int attempt = 0;
        int lostConnections = 0;
        while (true) {
            attempt++;
            try {
                return once(work);
            } catch (SQLException e) {
                if (!SqlFailures.isTransient(e)) {
                    throw new DurableException("database error while trying to " + what + " on " + description + ": "
                            + SqlFailures.rootMessage(e), e);
                }
                // When backends are killed (a failover, an idle-connection reaper) every pooled
                // connection may be dead at once; each failure discards one, so the next try goes at
                // once, a few times, before backing off.
                if (SqlFailures.isLostConnection(e) && ++lostConnections <= IMMEDIATE_RETRIES_ON_LOST_CONNECTION) {
                    log.debug("lost connection while trying to {} (attempt {}): {}; retrying at once", what, attempt,
                            e.getMessage());
                    continue;
                }
                if (System.nanoTime() + backoff > deadline) {
                    throw new DatabaseUnavailableException("database unreachable while trying to " + what + " on "
                            + description + " (gave up after " + attempt + " attempts over " + retryWindow + "): "
                            + SqlFailures.rootMessage(e), e);
                }
                log.debug("transient database failure while trying to {} (attempt {}): {}; retrying", what, attempt,
                        e.getMessage());
                LockSupport.parkNanos(backoff);
                backoff = Math.min(backoff * 2, MAX_BACKOFF_NANOS);
            }
        }
    }

    /**
     * Like {@link #run}, but the work's statements form one transaction even on an autocommit pool: for
     * work that takes a lock and must keep it until its last statement.
     */
    <T> T inTransaction(String what, SqlWork<T> work) {
        return run(what, c -> {
            if (!c.getAutoCommit()) {
                return work.run(c); // once() commits or rolls back
            }
            c.setAutoCommit(false);
            try {
                return commitOrRollBack(c, work);
            } finally {
                c.setAutoCommit(true);
            }
        });
    }

    private <T> T once(SqlWork<T> work) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            if (connection.getAutoCommit()) {
                return work.run(connection);
            }
            return commitOrRollBack(connection, work);
        }
    }

    private static <T> T commitOrRollBack(Connection connection, SqlWork<T> work) throws SQLException {
        try {
            T result = work.run(connection);
            connection.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly(connection);
            throw e;
        }
    }

    private static void rollbackQuietly(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // the connection is likely broken; the pool discards it
        }
    }
}
