package io.durable.jdbc.crash;

import io.durable.Durable;
import io.durable.Step;
import io.durable.Workflow;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.LockSupport;

/**
 * The executor that {@link TakeoverCrashTest} and {@link FencingTest} run in child JVMs, one executor
 * ID per JVM, with a short heartbeat ({@link #HEARTBEAT}) and lease ({@link #LEASE}). Every step inserts
 * a side-effect row naming its executor (plain autocommit JDBC, so an at-least-once effect) and returns
 * the executor ID, so the journal shows which executor recorded each position.
 *
 * <pre>
 * java ... LeaseChild chains  &lt;jdbcUrl&gt; &lt;user&gt; &lt;executorId&gt; &lt;workflows&gt;
 * java ... LeaseChild fencing &lt;jdbcUrl&gt; &lt;user&gt; &lt;executorId&gt; &lt;workflowId&gt;
 * </pre>
 *
 * <p>{@code chains} waits until the test releases advisory lock {@value #GO_LOCK} (so that every executor
 * starts its work at the same moment), starts workflows {@code <executorId>-00 ..} of {@value #CHAIN_STEPS}
 * steps each, prints {@code STARTED <n>} and keeps running (taking over others' work) until it is killed. {@code fencing} starts
 * one {@link Fenced} workflow, whose second step blocks until the test releases advisory lock {@value
 * #FENCE_LOCK}, prints {@code OUTCOME <result or exception>} once its run ends, and keeps running (and
 * heartbeating) until it is killed.
 */
public final class LeaseChild {
    /** Heartbeat interval of every executor in these tests. */
    public static final Duration HEARTBEAT = Duration.ofMillis(200);
    /** Lease of every executor in these tests. */
    public static final Duration LEASE = Duration.ofSeconds(1);
    /** Side-effect table, created by the tests: (workflow_id, position, executor). */
    public static final String EFFECTS_TABLE = "lease_effects";
    /** Steps of a chain workflow. */
    public static final int CHAIN_STEPS = 10;
    /** How long each chain step works, so that a SIGKILL lands with steps in flight. */
    static final Duration STEP_WORK = Duration.ofMillis(20);
    /** The advisory lock the fencing workflow's blocking step waits for (shared), held by the test. */
    public static final long FENCE_LOCK = 4242;
    /** The advisory lock the chains mode waits for (shared) before it starts its workflows, held by the test. */
    public static final long GO_LOCK = 4243;
    private static final int EFFECT_CONNECTIONS = 4;

    private LeaseChild() {
    }

    /** A chain of steps, each returning the executor that ran it. */
    public interface Chain {
        /** @return the executors that recorded each step, comma-separated in position order */
        String run();
    }

    /** A workflow of three steps whose second one blocks until the test lets it go. */
    public interface Fenced {
        /** @return the executors that recorded each step, joined by '|' */
        String run();
    }

    /** The steps; the executor ID is this process's. */
    public interface Effects {
        /** Records the side effect of a chain step and works {@link #STEP_WORK}. */
        String chainStep(int position);

        /** Records a side effect (no work). */
        String mark(int position);

        /** Records a side effect, then waits for the shared advisory lock {@link #FENCE_LOCK}. */
        String blockUntilReleased(int position);
    }

    /** Waits until the test releases the advisory lock: it holds it exclusively, this asks for it shared. */
    static void awaitReleased(Connection c, long lock) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_lock_shared(?), pg_advisory_unlock_shared(?)")) {
            ps.setLong(1, lock);
            ps.setLong(2, lock);
            ps.execute();
        }
    }

    /** Chain implementation. */
    public record ChainImpl(Effects effects) implements Chain {
        @Override
        @Workflow(name = "lease.chain")
        public String run() {
            List<String> executors = new ArrayList<>();
            for (int position = 1; position <= CHAIN_STEPS; position++) {
                executors.add(effects.chainStep(position));
            }
            return String.join(",", executors);
        }
    }

    /** Fenced implementation. */
    public record FencedImpl(Effects effects) implements Fenced {
        @Override
        @Workflow(name = "lease.fenced")
        public String run() {
            return effects.mark(1) + "|" + effects.blockUntilReleased(2) + "|" + effects.mark(3);
        }
    }

    /** Steps writing (workflow_id, position, executor) rows through a few connections of their own. */
    public static final class EffectsImpl implements Effects {
        private final Durable durable;
        private final String executorId;
        private final BlockingQueue<Connection> connections;

        EffectsImpl(Durable durable, String executorId, BlockingQueue<Connection> connections) {
            this.durable = durable;
            this.executorId = executorId;
            this.connections = connections;
        }

        @Override
        @Step(maxAttempts = 1)
        public String chainStep(int position) {
            insertEffect(position);
            LockSupport.parkNanos(STEP_WORK.toNanos()); // the step's work: time for a SIGKILL to land mid-step
            return executorId;
        }

        @Override
        @Step(maxAttempts = 1)
        public String mark(int position) {
            insertEffect(position);
            return executorId;
        }

        @Override
        @Step(maxAttempts = 1)
        public String blockUntilReleased(int position) {
            insertEffect(position);
            withConnection(c -> awaitReleased(c, FENCE_LOCK));
            return executorId;
        }

        private void insertEffect(int position) {
            String workflowId = durable.currentWorkflowId().orElseThrow();
            withConnection(c -> {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + EFFECTS_TABLE
                        + " (workflow_id, position, executor) VALUES (?, ?, ?)")) {
                    ps.setString(1, workflowId);
                    ps.setInt(2, position);
                    ps.setString(3, executorId);
                    ps.executeUpdate();
                }
            });
        }

        private void withConnection(SqlAction action) {
            Connection c;
            try {
                c = connections.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for an effect connection", e);
            }
            try {
                action.run(c);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            } finally {
                connections.add(c);
            }
        }
    }

    @FunctionalInterface
    private interface SqlAction {
        void run(Connection c) throws SQLException;
    }

    /**
     * @param args see the class comment
     */
    public static void main(String[] args) {
        if (args.length != 5 || !(args[0].equals("chains") || args[0].equals("fencing"))) {
            System.err.println("usage: LeaseChild chains|fencing <jdbcUrl> <user> <executorId> <workflows|workflowId>");
            System.exit(2);
        }
        String url = args[1];
        String user = args[2];
        String executorId = args[3];
        String password = System.getenv(CrashChild.PASSWORD_ENV);
        ChildMain.run(() -> {
            BlockingQueue<Connection> connections = new ArrayBlockingQueue<>(EFFECT_CONNECTIONS);
            for (int i = 0; i < EFFECT_CONNECTIONS; i++) {
                connections.add(DriverManager.getConnection(url, user, password));
            }
            Durable durable = builder(url, user, password, executorId).build();
            Effects effects = durable.register(Effects.class, new EffectsImpl(durable, executorId, connections));
            Chain chain = durable.register(Chain.class, new ChainImpl(effects));
            Fenced fenced = durable.register(Fenced.class, new FencedImpl(effects));
            durable.start();
            ChildMain.ready();
            if (args[0].equals("chains")) {
                awaitReleased(connections.peek(), GO_LOCK);
                int workflows = Integer.parseInt(args[4]);
                for (int i = 0; i < workflows; i++) {
                    durable.startWorkflow(String.format("%s-%02d", executorId, i), chain::run);
                }
                System.out.println("STARTED " + workflows);
            } else {
                String outcome;
                try {
                    outcome = durable.runWorkflow(args[4], fenced::run);
                } catch (RuntimeException e) {
                    outcome = e.getClass().getName() + ": " + e.getMessage();
                }
                System.out.println("OUTCOME " + outcome);
            }
            System.out.flush();
            new CountDownLatch(1).await(); // runs (heartbeats, takes over) until the test kills it
            return "unreachable";
        });
    }

    /** The settings every executor of these tests uses, the test's own included. */
    static Durable.Builder builder(String url, String user, String password, String executorId) {
        return Durable.builder()
                .jdbcUrl(url, user, password)
                .executorId(executorId)
                .poolSize(6)
                .maxConcurrentWorkflows(48)
                .heartbeatInterval(HEARTBEAT)
                .leaseDuration(LEASE)
                .pollInterval(Duration.ofMillis(100))
                .shutdownTimeout(Duration.ofSeconds(1));
    }
}
