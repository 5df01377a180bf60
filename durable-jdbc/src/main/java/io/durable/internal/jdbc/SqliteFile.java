package io.durable.internal.jdbc;

import io.durable.ConfigurationException;
import io.durable.DatabaseLockedException;
import io.durable.DatabaseUnavailableException;
import io.durable.DurableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

import javax.sql.DataSource;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One SQLite database file and the one connection durable uses on it. SQLite writes one transaction
 * at a time per file, so the connection is shared behind a lock: each write is a {@code BEGIN
 * IMMEDIATE} transaction, and a file busy with another process's write (a {@code DurableClient}, a
 * transactional step's connection) is waited for and retried within the retry window. WAL mode with
 * {@code synchronous=FULL}: a commit is on disk when it returns.
 */
final class SqliteFile implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SqliteFile.class);
    private static final int BUSY_TIMEOUT_MILLIS = 5_000;
    private static final long FIRST_BACKOFF_NANOS = Duration.ofMillis(5).toNanos();
    private static final long MAX_BACKOFF_NANOS = Duration.ofMillis(500).toNanos();

    private final Path path;
    private final SQLiteDataSource dataSource;
    private final Duration retryWindow;
    private final ReentrantLock lock = new ReentrantLock();
    private Connection connection;
    private FileChannel lockChannel;
    private FileLock executorLock;

    SqliteFile(Path path, Duration retryWindow) {
        this.path = path;
        this.retryWindow = retryWindow;
        this.dataSource = dataSource(path);
    }

    /**
     * @param url a {@code jdbc:sqlite:} URL naming a file
     * @return the file's path
     * @throws ConfigurationException for an in-memory database or a URL without a file
     */
    static Path pathOf(String url) {
        String rest = url.substring("jdbc:sqlite:".length());
        if (rest.startsWith("file:")) {
            rest = rest.substring("file:".length());
        }
        int query = rest.indexOf('?');
        if (query >= 0) {
            rest = rest.substring(0, query);
        }
        if (rest.isBlank() || rest.contains(":memory:") || rest.contains("mode=memory")) {
            throw new ConfigurationException("durable needs a SQLite database file, not an in-memory database ('" + url
                    + "'): its checkpoints must survive the process. Use sqlite(Path.of(\"durable.db\")) or a URL "
                    + "such as jdbc:sqlite:/var/lib/app/durable.db");
        }
        return Path.of(rest).toAbsolutePath().normalize();
    }

    private static SQLiteDataSource dataSource(Path path) {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
        config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        config.enforceForeignKeys(false);
        SQLiteDataSource ds = new SQLiteDataSource(config);
        ds.setUrl("jdbc:sqlite:" + path);
        return ds;
    }

    Path path() {
        return path;
    }

    String description() {
        return "SQLite file " + path;
    }

    /**
     * A DataSource opening new connections to the file, configured as durable's own (WAL, immediate
     * transactions, busy timeout): for migrations and for the application's transactional steps.
     */
    DataSource dataSource() {
        return dataSource;
    }

    /** Opens the shared connection, creating the file (and its directory) if missing. */
    void open() {
        lock.lock();
        try {
            if (connection != null) {
                return;
            }
            Path parent = path.getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            connection = dataSource.getConnection();
        } catch (IOException | SQLException e) {
            throw new DatabaseUnavailableException("cannot open " + description() + ": " + e.getMessage()
                    + ". Check that the directory exists and is writable", e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes the executor lock, held until {@link #close()}: one process runs the workflows of a
     * schema's tables in a file at a time. The lock file is {@code <file>.lock} for the default
     * schema, {@code <file>.<schema>.lock} for another.
     *
     * @param schema the schema whose tables the executor uses
     * @throws DatabaseLockedException when another executor holds it
     */
    void lockForExecutor(String schema) {
        String suffix = "durable".equals(schema) ? ".lock" : "." + schema + ".lock";
        Path lockFile = path.resolveSibling(path.getFileName() + suffix);
        try {
            Path parent = lockFile.getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock taken;
            try {
                taken = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                taken = null;
            }
            if (taken == null) {
                channel.close();
                throw new DatabaseLockedException(description() + " is in use by another Durable instance (it holds "
                        + lockFile + "). SQLite serves one executor at a time: stop the other process, or run every "
                        + "instance on PostgreSQL (jdbcUrl(...) or " + "DURABLE_DATABASE_URL) to run several at once. "
                        + "A DurableClient may use the file alongside the executor.");
            }
            lockChannel = channel;
            executorLock = taken;
        } catch (IOException e) {
            throw new DatabaseUnavailableException("cannot lock " + lockFile + ": " + e.getMessage(), e);
        }
    }

    /** Runs {@code work} in one immediate transaction on the shared connection, retrying while the file is busy. */
    <T> T write(String what, SqlWork<T> work) {
        return withConnection(what, c -> {
            try (Statement s = c.createStatement()) {
                s.execute("BEGIN IMMEDIATE");
            }
            try {
                T result = work.run(c);
                try (Statement s = c.createStatement()) {
                    s.execute("COMMIT");
                }
                return result;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c);
                throw e;
            }
        });
    }

    /** Runs read-only {@code work} on the shared connection (no transaction: each statement sees the latest commit). */
    <T> T read(String what, SqlWork<T> work) {
        return withConnection(what, work);
    }

    private <T> T withConnection(String what, SqlWork<T> work) {
        long deadline = System.nanoTime() + retryWindow.toNanos();
        long backoff = FIRST_BACKOFF_NANOS;
        int attempt = 0;
        while (true) {
            attempt++;
            lock.lock();
            try {
                if (connection == null) {
                    throw new DurableException("cannot " + what + ": " + description() + " is closed");
                }
                return work.run(connection);
            } catch (SQLException e) {
                if (!isBusy(e)) {
                    throw new DurableException("database error while trying to " + what + " on " + description() + ": "
                            + SqlFailures.rootMessage(e), e);
                }
                if (System.nanoTime() + backoff > deadline) {
                    throw new DatabaseUnavailableException("database busy while trying to " + what + " on "
                            + description() + " (gave up after " + attempt + " attempts over " + retryWindow
                            + "): another process holds its write lock: " + SqlFailures.rootMessage(e), e);
                }
                log.debug("{} busy while trying to {} (attempt {}); retrying", description(), what, attempt);
            } finally {
                lock.unlock();
            }
            LockSupport.parkNanos(backoff);
            backoff = Math.min(backoff * 2, MAX_BACKOFF_NANOS);
        }
    }

    private static void rollbackQuietly(Connection c) {
        try (Statement s = c.createStatement()) {
            s.execute("ROLLBACK");
        } catch (SQLException ignored) {
            // no transaction left to roll back (SQLite ends some on error by itself)
        }
    }

    /** @return true when SQLite reported the file busy or locked by another connection */
    static boolean isBusy(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLiteException sqlite) {
                SQLiteErrorCode code = sqlite.getResultCode();
                if (code.code == SQLiteErrorCode.SQLITE_BUSY.code || code.code == SQLiteErrorCode.SQLITE_LOCKED.code
                        || (code.code & 0xff) == SQLiteErrorCode.SQLITE_BUSY.code
                        || (code.code & 0xff) == SQLiteErrorCode.SQLITE_LOCKED.code) {
                    return true;
                }
            }
        }
        return false;
    }

    /** @return true when a UNIQUE or PRIMARY KEY constraint refused the row */
    static boolean isUniqueViolation(SQLException e) {
        if (e instanceof SQLiteException sqlite) {
            SQLiteErrorCode code = sqlite.getResultCode();
            return code == SQLiteErrorCode.SQLITE_CONSTRAINT_PRIMARYKEY || code == SQLiteErrorCode.SQLITE_CONSTRAINT_UNIQUE;
        }
        return false;
    }

    /** @return now, in the microseconds the tables hold */
    static long nowMicros() {
        return micros(Instant.now());
    }

    /** @return the instant in microseconds since the epoch, or null */
    static Long micros(Instant instant) {
        return instant == null ? null : Rows.micros(instant);
    }

    /** Reads an INTEGER microseconds column; SQL NULL is null. */
    static Instant instant(ResultSet rs, int column) throws SQLException {
        long micros = rs.getLong(column);
        return rs.wasNull() ? null : Rows.instantOfMicros(micros);
    }

    /** Closes the shared connection and releases the executor lock. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (connection != null) {
                connection.close();
            }
        } catch (SQLException e) {
            log.warn("closing {}: {}", description(), e.getMessage());
        } finally {
            connection = null;
            releaseExecutorLock();
            lock.unlock();
        }
    }

    private void releaseExecutorLock() {
        try {
            if (executorLock != null) {
                executorLock.release();
            }
            if (lockChannel != null) {
                lockChannel.close();
            }
        } catch (IOException e) {
            log.warn("releasing the executor lock of {}: {}", description(), e.getMessage());
        } finally {
            executorLock = null;
            lockChannel = null;
        }
    }
}
