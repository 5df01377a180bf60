package io.durable.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.durable.Durable;

import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The two processes of the recovery workload, each in a JVM of its own:
 *
 * <pre>
 * java -cp durable-bench.jar io.durable.bench.RecoveryChild crash|recover URL USER EXECUTOR WORKFLOWS WARMUP STEPS POOL
 * </pre>
 *
 * <p>The password, if any, comes from {@value #PASSWORD_ENV}. Both modes use the executor ID given, so the
 * second process owns, claims and finishes what the first one left. The first ({@code crash}) starts
 * WARMUP workflows in schema {@value #WARMUP_SCHEMA} and WORKFLOWS workflows in schema {@code durable};
 * in each, step {@code STEPS/2+1} throws a {@link java.lang.Error}, which durable does not record: the
 * workflow stops in this process and stays PENDING with its first {@code STEPS/2} steps recorded. When
 * all of them are recorded it prints {@code READY} and waits to be killed with SIGKILL.
 *
 * <p>The second ({@code recover}) first finishes the warm-up schema with a Durable of its own (so its
 * JIT has compiled recovery, replay and checkpointing), then builds the measured Durable on a counting
 * HikariCP DataSource and, from just before {@code start()}, measures the time to the first execution of
 * step {@code STEPS/2+1}, the time until the database holds all WORKFLOWS as SUCCEEDED, and the number
 * of SQL statements it sent. It prints {@code RESULT to_first_resume_ms=... to_all_done_ms=... queries=...}.
 *
 * <p>Either process halts when its standard input closes, so it never outlives the parent.
 */
public final class RecoveryChild {
    /** Environment variable carrying the database password. */
    public static final String PASSWORD_ENV = "DURABLE_BENCH_CHILD_PASSWORD";
    /** Schema of the workflows the recovering process warms up on. */
    static final String WARMUP_SCHEMA = "durable_warmup";
    static final String MEASURED_SCHEMA = Durable.Builder.DEFAULT_SCHEMA;
    private static final long DEADLINE_NANOS = TimeUnit.MINUTES.toNanos(30);
    private static final int STARTERS = 8;

    private final String url;
    private final String user;
    private final String password;
    private final String executorId;
    private final int workflows;
    private final int warmup;
    private final int steps;
    private final int pool;

    private RecoveryChild(String[] args) {
        url = args[1];
        user = args[2];
        executorId = args[3];
        workflows = Integer.parseInt(args[4]);
        warmup = Integer.parseInt(args[5]);
        steps = Integer.parseInt(args[6]);
        pool = Integer.parseInt(args[7]);
        password = System.getenv(PASSWORD_ENV);
    }

    /** Thrown by the crashing step: an Error, which durable does not record as the step's outcome. */
    static final class StepCrash extends Error {
        private static final long serialVersionUID = 1L;

        StepCrash(int index) {
            super("benchmark crash at step " + index, null, false, false);
        }
    }

    /**
     * @param args {@code crash|recover URL USER EXECUTOR WORKFLOWS WARMUP STEPS POOL}
     */
    public static void main(String[] args) {
        if (args.length != 8 || !(args[0].equals("crash") || args[0].equals("recover"))) {
            System.err.println("usage: RecoveryChild crash|recover URL USER EXECUTOR WORKFLOWS WARMUP STEPS POOL");
            System.exit(2);
        }
        if (args[0].equals("crash")) {
            // Every workflow of this process is meant to stop with StepCrash; do not log 10k stack traces.
            System.setProperty("org.slf4j.simpleLogger.log.io.durable.internal.engine.Engine", "off");
        }
        haltWhenParentGoes(System.in);
        int exit = 0;
        try {
            RecoveryChild child = new RecoveryChild(args);
            if (args[0].equals("crash")) {
                child.crash();
            } else {
                child.recover();
            }
        } catch (Throwable t) {
            System.out.println("ERROR " + t);
            System.out.flush();
            t.printStackTrace();
            exit = 1;
        }
        System.exit(exit);
    }

    private static void haltWhenParentGoes(InputStream in) {
        Thread watchdog = new Thread(() -> {
            try {
                while (in.read() >= 0) {
                    // the parent writes nothing; EOF means it closed the pipe or died
                }
            } catch (IOException ignored) {
                // same as EOF
            }
            Runtime.getRuntime().halt(3);
        }, "parent-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }

    private int crashStep() {
        return steps / 2 + 1;
    }

    // ---- crash ------------------------------------------------------------------------------

    private void crash() throws Exception {
        int crashStep = crashStep();
        Chain.StepHook hook = index -> {
            if (index == crashStep) {
                throw new StepCrash(index);
            }
        };
        List<Durable> alive = new ArrayList<>();
        try (Connection monitor = DriverManager.getConnection(url, user, password)) {
            alive.add(leavePending(WARMUP_SCHEMA, "warm-", warmup, hook, monitor));
            alive.add(leavePending(MEASURED_SCHEMA, "rec-", workflows, hook, monitor));
        }
        System.out.println("READY " + ProcessHandle.current().pid());
        System.out.flush();
        // Both instances stay open, as in a process that dies unexpectedly: no close(), no stopped_at.
        new CountDownLatch(1).await();
        alive.clear();
    }

    private Durable leavePending(String schema, String prefix, int count, Chain.StepHook hook, Connection monitor)
            throws Exception {
        Durable durable = Durable.builder()
                .jdbcUrl(url, user, password)
                .schema(schema)
                .executorId(executorId)
                .poolSize(pool)
                .build();
        Chain chain = Chain.register(durable, hook);
        durable.start();
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> starters = new ArrayList<>();
        for (int t = 0; t < STARTERS; t++) {
            Thread thread = new Thread(() -> {
                try {
                    int i;
                    while ((i = next.getAndIncrement()) < count) {
                        String id = prefix + i;
                        durable.startWorkflow(id, () -> chain.run(id, steps));
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "starter-" + t);
            starters.add(thread);
            thread.start();
        }
        for (Thread thread : starters) {
            thread.join();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("starting workflows failed: " + failure.get(), failure.get());
        }
        long expected = (long) (crashStep() - 1) * count;
        awaitCount(monitor, "SELECT count(*) FROM " + schema + ".steps", expected,
                count + " workflows of schema " + schema + " to record " + (crashStep() - 1) + " steps each", 20);
        return durable;
    }

    // ---- recover ----------------------------------------------------------------------------

    /** Tracks the first resumed step and the last steps reached. */
    private static final class Progress {
        final AtomicLong firstResume = new AtomicLong();
        final CountDownLatch lastSteps;
        final Chain.StepHook hook;

        Progress(int crashStep, int steps, int workflows) {
            lastSteps = new CountDownLatch(workflows);
            hook = index -> {
                if (index == crashStep && firstResume.get() == 0) {
                    firstResume.compareAndSet(0, System.nanoTime());
                }
                if (index == steps) {
                    lastSteps.countDown();
                }
            };
        }

        void awaitLastSteps(String what) throws InterruptedException {
            if (!lastSteps.await(DEADLINE_NANOS, TimeUnit.NANOSECONDS)) {
                throw new IllegalStateException("timed out waiting for " + what + " (" + lastSteps.getCount()
                        + " workflows have not reached their last step)");
            }
        }
    }

    private void recover() throws Exception {
        try (Connection monitor = DriverManager.getConnection(url, user, password)) {
            warmUp(monitor);
            measure(monitor);
        }
    }

    private void warmUp(Connection monitor) throws Exception {
        Progress progress = new Progress(crashStep(), steps, warmup);
        try (Durable durable = Durable.builder()
                .jdbcUrl(url, user, password)
                .schema(WARMUP_SCHEMA)
                .executorId(executorId)
                .poolSize(pool)
                .build()) {
            Chain.register(durable, progress.hook);
            durable.start();
            progress.awaitLastSteps("the warm-up workflows");
            awaitCount(monitor, succeeded(WARMUP_SCHEMA), warmup, "the warm-up workflows to succeed", 5);
        }
    }

    private void measure(Connection monitor) throws Exception {
        Progress progress = new Progress(crashStep(), steps, workflows);
        CountingDataSource counter = new CountingDataSource();
        try (HikariDataSource hikari = new HikariDataSource(poolConfig());
             Durable durable = Durable.builder()
                     .dataSource(counter.wrap(hikari))
                     .schema(MEASURED_SCHEMA)
                     .executorId(executorId)
                     .build()) {
            Chain.register(durable, progress.hook);
            counter.reset();
            long t0 = System.nanoTime();
            durable.start();
            progress.awaitLastSteps("the recovered workflows");
            awaitCount(monitor, succeeded(MEASURED_SCHEMA), workflows, "the recovered workflows to succeed", 1);
            long done = System.nanoTime();
            long queries = counter.total();
            Map<String, Long> kinds = counter.byKind();
            System.out.println("RESULT to_first_resume_ms=" + Stats.fixed((progress.firstResume.get() - t0) / 1e6, 1)
                    + " to_all_done_ms=" + Stats.fixed((done - t0) / 1e6, 1) + " queries=" + queries);
            System.out.flush();
            System.err.println("durable-bench recovery: statements sent by the recovering process: " + kinds);
        }
    }

    private HikariConfig poolConfig() {
        return durablePoolConfig(url, user, password, pool);
    }

    /** The settings of the pool durable creates for a JDBC URL (JdbcStore), sized by {@code --pool}. */
    static HikariConfig durablePoolConfig(String url, String user, String password, int pool) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setPassword(password);
        config.setPoolName("durable");
        config.setMaximumPoolSize(pool);
        config.setMinimumIdle(Math.min(2, pool));
        config.setConnectionTimeout(Durable.Builder.DEFAULT_CONNECT_TIMEOUT.toMillis());
        config.setInitializationFailTimeout(-1);
        config.setAutoCommit(true);
        return config;
    }

    private static String succeeded(String schema) {
        return "SELECT count(*) FROM " + schema + ".workflows WHERE status = 'SUCCEEDED'";
    }

    private static void awaitCount(Connection monitor, String sql, long expected, String what, long pollMillis)
            throws Exception {
        long deadline = System.nanoTime() + DEADLINE_NANOS;
        while (true) {
            long count = count(monitor, sql);
            if (count == expected) {
                return;
            }
            if (count > expected) {
                throw new IllegalStateException("expected " + expected + " from " + sql + ", found " + count);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out waiting for " + what + ": " + count + " of " + expected);
            }
            Thread.sleep(pollMillis);
        }
    }

    static long count(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
