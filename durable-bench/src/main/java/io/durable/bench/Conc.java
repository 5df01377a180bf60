package io.durable.bench;

import io.durable.Durable;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code --callers} threads each call {@code runWorkflow} in a loop until the shared counter reaches
 * {@code --workflows}. Throughput is measured over the window from releasing the callers to the
 * last workflow's return; commits come from {@code pg_stat_database.xact_commit} of the benchmark's
 * own database, sampled so that no backend holds unreported counts (see {@link #commits}). On SQLite
 * there are no such statistics: {@code commits_per_wf} reads {@code n/a}, there is no settle pause,
 * and the floor is one connection inserting into a SQLite file of its own.
 */
final class Conc {
    String run(BenchDatabase db, Options options) throws Exception {
        boolean sqlite = db.store() == Options.Store.SQLITE;
        if (sqlite) {
            System.err.println("durable-bench: conc on SQLite: commits_per_wf=n/a (pg_stat_database is"
                    + " PostgreSQL's), no --settle-ms pause, no db_cpu_us_per_wf (SQLite runs in this JVM, within"
                    + " jvm_cpu_us_per_wf); insert_rows_per_s_1 is one connection inserting into a SQLite file of"
                    + " its own (WAL, synchronous=FULL); --pool is not used (durable writes SQLite through one"
                    + " connection)");
        }
        int maxConcurrent = Math.max(options.callers, Durable.Builder.DEFAULT_MAX_CONCURRENT_WORKFLOWS);
        try (Connection monitor = sqlite ? null : db.connect();
             Durable durable = Durable.builder()
                     .jdbcUrl(db.url(), db.user(), db.password())
                     .executorId("bench-conc")
                     .poolSize(options.pool)
                     .maxConcurrentWorkflows(maxConcurrent)
                     .build()) {
            Chain chain = Chain.register(durable, Chain.StepHook.NONE);
            durable.start();
            phase(durable, chain, "warmup-", options.warmup, options.callers, options.steps);
            if (options.analyze) {
                db.analyzeDurableTables();
            }

            // PostgreSQL 15 backends report their counters at most once a second while busy, and an idle
            // backend holding unreported counts sends them after 10 s (PGSTAT_IDLE_INTERVAL). After the
            // warm-up every pool connection is idle: waiting out that interval makes the baseline exact.
            long commits0 = 0;
            if (monitor != null) {
                Thread.sleep(options.settleMillis);
                commits0 = commits(monitor);
            }
            // The JVM's code cache sweeper discards compiled code that stayed unused for a few seconds,
            // so the idle pause above undoes part of the warm-up: a second, shorter one recompiles it.
            // Its commits fall inside the sampled range and its workflows are counted with them. (On
            // SQLite, with no pause, it is simply more warm-up.)
            int rewarm = rewarmCount(options);
            phase(durable, chain, "rewarm-", rewarm, options.callers, options.steps);

            long[] latencies = new long[options.workflows];
            CpuMeter cpu0 = CpuMeter.sample(db.store());
            long window = phaseTimed(durable, chain, "conc-", latencies, options.callers, options.steps);
            CpuMeter cpu1 = CpuMeter.sample(db.store());

            // Closing durable closes its pool; a backend reports its counters when it exits.
            durable.close();
            String commitsPerWf = "n/a";
            if (monitor != null) {
                awaitOtherBackendsGone(monitor);
                long commits1 = commits(monitor);
                commitsPerWf = Stats.fixed((double) (commits1 - commits0) / (options.workflows + rewarm), 2);
            }
            // The machine's write capacity at the same moment of the run: a shared VM's speed drifts
            // by a factor of two within an hour, so the throughput alone cannot be compared across runs.
            Floor.createTable(db);
            int floorConnections = Floor.connections(db);
            double floorRows = new Floor().parallel(db, floorConnections);

            double seconds = window / 1e9;
            double wfPerSecond = options.workflows / seconds;
            ResultLine line = new ResultLine("conc")
                    .add("wf_per_s", wfPerSecond, 1)
                    .add("steps_per_s", wfPerSecond * options.steps, 0)
                    .add("commits_per_wf", commitsPerWf)
                    .add("p99_ms", Stats.percentileMillis(latencies, 99), 3)
                    .add("p50_ms", Stats.percentileMillis(latencies, 50), 3)
                    .add("window_s", seconds, 2)
                    .add("insert_rows_per_s_" + floorConnections, Math.round(floorRows))
                    .add("rows_over_floor", wfPerSecond * (options.steps + 2) / floorRows, 2)
                    .add("steps", options.steps)
                    .add("workflows", options.workflows)
                    .add("callers", options.callers)
                    .add("warmup", options.warmup)
                    .add("rewarm", rewarm)
                    .add("pool", options.pool)
                    .add("max_concurrent", maxConcurrent)
                    .add("analyze", options.analyze ? 1 : 0);
            cpu1.addSince(cpu0, options.workflows, line);
            return line.addStore(db.store()).toString();
        }
    }

    /** A fifth of the measured workflows, at most the warm-up itself. */
    static int rewarmCount(Options options) {
        return Math.min(options.warmup, Math.max(50, options.workflows / 5));
    }

    private static void phase(Durable durable, Chain chain, String prefix, int count, int callers, int steps)
            throws Exception {
        phaseTimed(durable, chain, prefix, new long[count], callers, steps);
    }

    /**
     * Runs {@code latencies.length} workflows from {@code callers} threads.
     *
     * @return nanoseconds from releasing the callers until the last one finished
     */
    private static long phaseTimed(Durable durable, Chain chain, String prefix, long[] latencies, int callers,
                                   int steps) throws Exception {
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch ready = new CountDownLatch(callers);
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < callers; t++) {
            Thread thread = new Thread(() -> {
                ready.countDown();
                try {
                    go.await();
                    int i;
                    while (failure.get() == null && (i = next.getAndIncrement()) < latencies.length) {
                        String id = prefix + i;
                        long t0 = System.nanoTime();
                        durable.runWorkflow(id, () -> chain.run(id, steps));
                        latencies[i] = System.nanoTime() - t0;
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "caller-" + t);
            threads.add(thread);
            thread.start();
        }
        ready.await();
        long t0 = System.nanoTime();
        go.countDown();
        for (Thread thread : threads) {
            thread.join();
        }
        long elapsed = System.nanoTime() - t0;
        if (failure.get() != null) {
            throw new IllegalStateException("a caller failed: " + failure.get(), failure.get());
        }
        return elapsed;
    }

    /** Committed transactions of this database so far, read from a fresh statistics snapshot. */
    static long commits(Connection monitor) throws SQLException {
        try (Statement st = monitor.createStatement()) {
            st.execute("SELECT pg_stat_clear_snapshot()");
            try (ResultSet rs = st.executeQuery(
                    "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()")) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static void awaitOtherBackendsGone(Connection monitor) throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
            try (Statement st = monitor.createStatement()) {
                st.execute("SELECT pg_stat_clear_snapshot()");
                try (ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_stat_activity"
                        + " WHERE datname = current_database() AND pid <> pg_backend_pid()")) {
                    rs.next();
                    if (rs.getLong(1) == 0) {
                        return;
                    }
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("durable's connections did not close within 30 s");
            }
            Thread.sleep(20);
        }
    }
}
