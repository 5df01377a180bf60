package io.durable.jdbc.crash;

import io.durable.Durable;
import io.durable.Queue;
import io.durable.Workflow;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * The executor {@link QueueDrainTest} runs in three child JVMs: it declares the queue {@value #QUEUE}
 * with a global concurrency of {@value #CONCURRENCY} and drains it. Each workflow raises a shared gauge
 * at its first step (recording the highest value seen), records its side effect, and lowers the gauge
 * at its last step.
 *
 * <pre>
 * java ... QueueDrainChild &lt;jdbcUrl&gt; &lt;user&gt; &lt;executorId&gt; &lt;total&gt;
 * </pre>
 *
 * <p>Prints {@code READY <pid>} once started, then {@code RESULT <effects recorded by this JVM>} after
 * {@code total} workflows of the queue have SUCCEEDED, or {@code ERROR <exception>}.
 */
public final class QueueDrainChild {
    /** The queue drained. */
    public static final String QUEUE = "drain";
    /** Its global concurrency limit. */
    public static final int CONCURRENCY = 10;
    /** Gauge table, created by the test: one row (id 1, running, max_running). */
    public static final String GAUGE_TABLE = "drain_gauge";
    /** Side-effect table, created by the test: (workflow_id, executor_id). */
    public static final String EFFECTS_TABLE = "drain_effects";
    /** Heartbeat of the child executors: short, so a killed one is taken over quickly. */
    public static final Duration HEARTBEAT = Duration.ofMillis(200);
    /** Lease of the child executors. */
    public static final Duration LEASE = Duration.ofSeconds(1);
    private static final Duration DRAIN_DEADLINE = Duration.ofSeconds(90);

    private QueueDrainChild() {
    }

    /** The drained workflow. */
    public interface Drain {
        /**
         * @param n the workflow's number
         * @return {@code n}
         */
        int drain(int n);
    }

    /** Runs in the child JVMs; the test's own instance only enqueues and never runs it. */
    static final class DrainImpl implements Drain {
        private final Durable durable;
        private final Connection connection;

        DrainImpl(Durable durable, Connection connection) {
            this.durable = durable;
            this.connection = connection;
        }

        @Override
        @Workflow(name = "drain.item")
        public int drain(int n) {
            durable.step("enter", () -> update("UPDATE " + GAUGE_TABLE + " SET running = running + 1,"
                    + " max_running = GREATEST(max_running, running + 1) WHERE id = 1"));
            durable.step("effect", () -> update("INSERT INTO " + EFFECTS_TABLE + " (workflow_id, executor_id) VALUES ('"
                    + durable.currentWorkflowId().orElseThrow() + "', '" + durable.executorId() + "')"));
            durable.step("leave", () -> update("UPDATE " + GAUGE_TABLE + " SET running = running - 1 WHERE id = 1"));
            return n;
        }

        private synchronized int update(String sql) {
            try (PreparedStatement ps = connection.prepareStatement(sql)) {
                return ps.executeUpdate();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    static long effects(Connection connection, String condition) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT count(*) FROM " + EFFECTS_TABLE + condition);
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Workflows of the queue that completed: the drain is over when all have (side effects may repeat). */
    static long succeeded(Connection connection) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT count(*) FROM durable.workflows"
                + " WHERE queue_name = '" + QUEUE + "' AND status = 'SUCCEEDED'");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * @param args see the class comment
     */
    public static void main(String[] args) {
        if (args.length != 4) {
            System.err.println("usage: QueueDrainChild <jdbcUrl> <user> <executorId> <total>");
            System.exit(2);
        }
        String url = args[0];
        String user = args[1];
        String executorId = args[2];
        long total = Long.parseLong(args[3]);
        String password = System.getenv(CrashChild.PASSWORD_ENV);
        ChildMain.run(() -> {
            try (Connection connection = DriverManager.getConnection(url, user, password);
                 Durable durable = Durable.builder()
                         .jdbcUrl(url, user, password)
                         .executorId(executorId)
                         .poolSize(6)
                         .maxConcurrentWorkflows(8)
                         .pollInterval(Duration.ofMillis(500))
                         .heartbeatInterval(HEARTBEAT)
                         .leaseDuration(LEASE)
                         .shutdownTimeout(Duration.ofSeconds(5))
                         .queue(Queue.named(QUEUE).concurrency(CONCURRENCY))
                         .build()) {
                durable.register(Drain.class, new DrainImpl(durable, connection));
                durable.start();
                ChildMain.ready();
                long deadline = System.nanoTime() + DRAIN_DEADLINE.toNanos();
                while (succeeded(connection) < total) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("the queue was not drained within " + DRAIN_DEADLINE);
                    }
                    LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
                }
                return effects(connection, " WHERE executor_id = '" + executorId + "'");
            }
        });
    }
}
