package io.durable.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The machine's limit, measured in the same run: single-row autocommit INSERTs into a small table
 * ({@code bigint} primary key + short text), first one at a time on one connection (latency), then
 * from 16 threads with a connection each (throughput). On SQLite (seq and conc only) the table is in
 * a file of its own, {@link BenchDatabase#connectFloor()}, with durable's durability settings, and the
 * throughput is that of one connection: SQLite commits one transaction at a time per file, and
 * durable writes through one connection too.
 */
final class Floor {
    static final int CONNECTIONS = 16;
    static final long WARMUP_MILLIS = 500;
    static final long WINDOW_MILLIS = 3_000;
    static final String INSERT = "INSERT INTO floor_rows (id, note) VALUES (?, ?)";
    /** Untimed INSERTs on the one connection before the timed ones (at least this many). */
    static final int WARMUP_INSERTS = 500;

    private final AtomicLong ids = new AtomicLong();

    String run(BenchDatabase db, Options options) throws Exception {
        createTable(db);
        long[] latencies = singleConnection(db, options.warmup, options.workflows);
        double rowsPerSecond16 = parallel(db, CONNECTIONS);
        return new ResultLine("floor")
                .add("insert_p50_ms", Stats.percentileMillis(latencies, 50), 3)
                .add("insert_rows_per_s_16", Math.round(rowsPerSecond16))
                .add("insert_p99_ms", Stats.percentileMillis(latencies, 99), 3)
                .add("insert_rows_per_s_1", Math.round(latencies.length / Stats.sumSeconds(latencies)))
                .add("inserts", latencies.length)
                .add("connections", CONNECTIONS)
                .add("window_s", WINDOW_MILLIS / 1000.0, 1)
                .toString();
    }

    /**
     * Times {@code count} INSERTs, one after another on one autocommit connection, after a warm-up.
     *
     * @return each INSERT's latency in nanoseconds
     */
    long[] singleConnection(BenchDatabase db, int warmup, int count) throws SQLException {
        long[] latencies = new long[count];
        try (Connection c = db.connectFloor(); PreparedStatement ps = c.prepareStatement(INSERT)) {
            c.setAutoCommit(true);
            for (int i = 0; i < Math.max(WARMUP_INSERTS, warmup); i++) {
                insert(ps);
            }
            for (int i = 0; i < latencies.length; i++) {
                long t0 = System.nanoTime();
                insert(ps);
                latencies[i] = System.nanoTime() - t0;
            }
        }
        return latencies;
    }

    /** Creates {@code floor_rows} in the run's database (on SQLite, in its baseline file). */
    static void createTable(BenchDatabase db) throws SQLException {
        try (Connection c = db.connectFloor(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE floor_rows (id bigint PRIMARY KEY, note text NOT NULL)");
        }
    }

    /** One single-row INSERT of the next ID through {@code ps}, a prepared {@link #INSERT} on an autocommit connection. */
    void insert(PreparedStatement ps) throws SQLException {
        long id = ids.incrementAndGet();
        ps.setLong(1, id);
        ps.setString(2, "row-" + id);
        ps.executeUpdate();
    }

    /** @return the connections of the throughput baseline on {@code db}'s store: 16, or 1 on SQLite */
    static int connections(BenchDatabase db) {
        return db.store() == Options.Store.SQLITE ? 1 : CONNECTIONS;
    }

    /**
     * {@code connections} threads, each with a connection of its own, insert flat out; rows are counted
     * over a window that starts after a short warm-up.
     *
     * @return rows per second
     */
    double parallel(BenchDatabase db, int connections) throws Exception {
        AtomicLong[] counts = new AtomicLong[connections];
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch connected = new CountDownLatch(connections);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < connections; t++) {
            AtomicLong count = counts[t] = new AtomicLong();
            Thread thread = new Thread(() -> {
                try (Connection c = db.connectFloor(); PreparedStatement ps = c.prepareStatement(INSERT)) {
                    connected.countDown();
                    while (!stop.get()) {
                        insert(ps);
                        count.incrementAndGet();
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                    connected.countDown();
                }
            }, "floor-" + t);
            threads.add(thread);
            thread.start();
        }
        try {
            connected.await();
            Thread.sleep(WARMUP_MILLIS);
            long rows0 = sum(counts);
            long t0 = System.nanoTime();
            Thread.sleep(WINDOW_MILLIS);
            long rows1 = sum(counts);
            long t1 = System.nanoTime();
            if (failure.get() != null) {
                throw new IllegalStateException("an inserting thread failed: " + failure.get(), failure.get());
            }
            return (rows1 - rows0) / ((t1 - t0) / 1e9);
        } finally {
            stop.set(true);
            for (Thread thread : threads) {
                thread.join();
            }
        }
    }

    private static long sum(AtomicLong[] counts) {
        long sum = 0;
        for (AtomicLong c : counts) {
            sum += c.get();
        }
        return sum;
    }
}
