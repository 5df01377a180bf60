package io.durable.internal.jdbc;

import io.durable.DurableException;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Group commit on a SQLite file: writes that arrive while another batch is being committed wait
 * (parked, holding nothing), and the first of them to get the turn runs them all in one transaction, so many workflows' checkpoints share
 * one fsync. Each write runs in a savepoint of its own: one that fails is undone alone and fails only
 * its caller. A caller returns only after its write is committed (or failed). Alone, a caller writes
 * at once, in a transaction of its own.
 */
final class SqliteGroupCommit {
    private final SqliteFile file;
    private final int maxBatch;
    private final ReentrantLock turn = new ReentrantLock();
    private final ConcurrentLinkedQueue<Write<?>> pending = new ConcurrentLinkedQueue<>();
    private final AtomicLong transactions = new AtomicLong();

    SqliteGroupCommit(SqliteFile file, int maxBatch) {
        this.file = file;
        this.maxBatch = maxBatch;
    }

    /** Runs {@code work} in a committed transaction, possibly together with other callers' writes. */
    <T> T write(String what, SqlWork<T> work) {
        Write<T> write = new Write<>(what, work);
        pending.add(write);
        boolean interrupted = false;
        while (!write.done) {
            if (turn.tryLock()) {
                List<Write<?>> batch = List.of();
                try {
                    batch = drain();
                    if (!batch.isEmpty()) {
                        commit(batch);
                    }
                } finally {
                    turn.unlock();
                    batch.forEach(Write::wake);
                    // Whoever queued while we committed leads the next batch.
                    Write<?> next = pending.peek();
                    if (next != null) {
                        next.wake();
                    }
                }
            } else {
                LockSupport.park(this);
                // An interrupt must not abandon a write another thread may be committing.
                interrupted |= Thread.interrupted();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return write.outcome();
    }

    /** @return writes waiting for a turn */
    int queued() {
        return pending.size();
    }

    /** @return transactions committed or attempted so far, one per batch */
    long transactions() {
        return transactions.get();
    }

    private List<Write<?>> drain() {
        List<Write<?>> batch = new ArrayList<>();
        Write<?> next;
        while (batch.size() < maxBatch && (next = pending.poll()) != null) {
            batch.add(next);
        }
        return batch;
    }

    private void commit(List<Write<?>> batch) {
        transactions.incrementAndGet();
        if (batch.size() == 1) {
            batch.get(0).runAlone(file);
            return;
        }
        try {
            file.write("record " + batch.size() + " checkpoints", c -> {
                for (Write<?> write : batch) {
                    write.runInSavepoint(c, file);
                }
                return null;
            });
            batch.forEach(Write::finish);
        } catch (RuntimeException e) {
            batch.forEach(write -> write.fail(e));
        }
    }

    private static final class Write<T> {
        private final String what;
        private final SqlWork<T> work;
        private final Thread waiter = Thread.currentThread();
        private T result;
        private RuntimeException failure;
        private volatile boolean done;

        Write(String what, SqlWork<T> work) {
            this.what = what;
            this.work = work;
        }

        void runAlone(SqliteFile file) {
            try {
                result = file.write(what, work);
            } catch (RuntimeException e) {
                failure = e;
            }
            done = true;
        }

        /** A busy file is thrown on, so that the whole batch is retried; any other failure stays this write's. */
        void runInSavepoint(Connection c, SqliteFile file) throws SQLException {
            execute(c, "SAVEPOINT durable_write");
            try {
                result = work.run(c);
                failure = null;
                execute(c, "RELEASE durable_write");
            } catch (SQLException e) {
                if (SqliteFile.isBusy(e)) {
                    throw e;
                }
                undo(c);
                failure = new DurableException("database error while trying to " + what + " on " + file.description()
                        + ": " + SqlFailures.rootMessage(e), e);
            } catch (RuntimeException e) {
                undo(c);
                failure = e;
            }
        }

        private void undo(Connection c) throws SQLException {
            result = null;
            execute(c, "ROLLBACK TO durable_write");
            execute(c, "RELEASE durable_write");
        }

        void finish() {
            done = true;
        }

        void wake() {
            LockSupport.unpark(waiter);
        }

        void fail(RuntimeException e) {
            result = null;
            failure = e;
            done = true;
        }

        T outcome() {
            if (failure != null) {
                throw failure;
            }
            return result;
        }

        private static void execute(Connection c, String sql) throws SQLException {
            try (Statement s = c.createStatement()) {
                s.execute(sql);
            }
        }
    }
}
