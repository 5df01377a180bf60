package io.durable.jdbc.crash;

import io.durable.Durable;
import io.durable.Step;
import io.durable.Workflow;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The program the crash test runs in child JVMs, so that it can be killed with SIGKILL for real.
 *
 * <pre>
 * java ... CrashChild run     &lt;jdbcUrl&gt; &lt;user&gt; &lt;workflowId&gt; &lt;plan&gt;
 * java ... CrashChild recover &lt;jdbcUrl&gt; &lt;user&gt; &lt;workflowId&gt;
 * java ... CrashChild concurrent-run|concurrent-recover ...   (see {@link ConcurrentCrashChild})
 * </pre>
 *
 * <p>The database password, if any, comes from the environment variable {@value #PASSWORD_ENV}.
 * The workflow has {@value #STEPS} steps; step {@code i} inserts {@code (workflow_id, i, pid)} into
 * {@value #EFFECTS_TABLE} with plain JDBC (not in durable's transaction, so it is an at-least-once side
 * effect) and returns the previous step's result extended by {@code -s<i>}, so the final result
 * {@code s1-s2-...-s10} proves the chain.
 *
 * <p>Plans (used only in {@code run} mode; {@code recover} never blocks and never dawdles):
 * <ul>
 *   <li>{@code block:K} — step {@code K+1} inserts its side effect, prints {@code BLOCKED <K+1>} and
 *       then blocks forever, so the parent can kill it deterministically "in flight";</li>
 *   <li>{@code natural} — every step does a little real work (hashing, a random amount) before and
 *       after its side effect and never blocks; the parent kills it wherever it happens to be.</li>
 * </ul>
 *
 * <p>Machine-readable lines on stdout: {@code READY <pid>}, {@code BLOCKED <step>},
 * {@code RESULT <value>}, {@code ERROR <exception>}. Exit codes: 0 success, 1 workflow error,
 * 2 bad arguments.
 */
public final class CrashChild {
    /** Executor ID of every child JVM: the recovering JVM must own the workflows the killed one started. */
    public static final String EXECUTOR_ID = "crash-child";
    /** Steps per workflow. */
    public static final int STEPS = 10;
    /** Side-effect table, created by the test. */
    public static final String EFFECTS_TABLE = "crash_effects";
    /** Environment variable carrying the database password to the child. */
    public static final String PASSWORD_ENV = "CRASH_DB_PASSWORD";
    /** How long the recovering JVM waits for the workflow's result. */
    static final Duration RESULT_TIMEOUT = Duration.ofSeconds(60);

    private CrashChild() {
    }

    /** The workflow: ten steps in a chain. */
    public interface Chain {
        /**
         * @param steps number of steps
         * @return {@code s1-s2-...-s<steps>}
         */
        String chain(int steps);
    }

    /** The steps, on their own interface so they are called through the durable proxy. */
    public interface Effects {
        /**
         * @param index    the step's number, 1-based
         * @param previous the previous step's result ("" for the first)
         * @return {@code previous + "-s" + index}
         */
        String effect(int index, String previous);
    }

    /** Workflow implementation. */
    public static final class ChainImpl implements Chain {
        private volatile Effects effects;

        void effects(Effects proxy) {
            this.effects = proxy;
        }

        @Override
        @Workflow(name = "crash.chain")
        public String chain(int steps) {
            String acc = "";
            for (int i = 1; i <= steps; i++) {
                acc = effects.effect(i, acc);
            }
            return acc;
        }
    }

    /** Step implementation: one side-effect row per execution. */
    public static final class EffectsImpl implements Effects {
        private static final long PID = ProcessHandle.current().pid();
        private static final long MAX_WORK_MICROS = 2_000;

        private final Durable durable;
        private final Connection connection;
        private final int blockStep;
        private final boolean dawdle;
        private final CountDownLatch never = new CountDownLatch(1);

        EffectsImpl(Durable durable, Connection connection, int blockStep, boolean dawdle) {
            this.durable = durable;
            this.connection = connection;
            this.blockStep = blockStep;
            this.dawdle = dawdle;
        }

        @Override
        @Step(name = "crash.effect", maxAttempts = 1)
        public String effect(int index, String previous) {
            String workflowId = durable.currentWorkflowId().orElseThrow();
            if (dawdle) {
                work(previous);
            }
            insertEffect(workflowId, index);
            if (index == blockStep) {
                System.out.println("BLOCKED " + index);
                System.out.flush();
                awaitForever();
            }
            if (dawdle) {
                work(previous);
            }
            return previous.isEmpty() ? "s" + index : previous + "-s" + index;
        }

        private void insertEffect(String workflowId, int index) {
            // One connection, used by the single workflow thread only; autocommit: the row is durable
            // before the step returns, independently of durable's checkpoint.
            synchronized (connection) {
                try (PreparedStatement ps = connection.prepareStatement(
                        "INSERT INTO " + EFFECTS_TABLE + " (workflow_id, step, pid) VALUES (?, ?, ?)")) {
                    ps.setString(1, workflowId);
                    ps.setInt(2, index);
                    ps.setLong(3, PID);
                    ps.executeUpdate();
                } catch (SQLException e) {
                    throw new IllegalStateException("side effect of step " + index + " failed: " + e.getMessage(), e);
                }
            }
        }

        private void awaitForever() {
            while (true) {
                try {
                    never.await();
                } catch (InterruptedException e) {
                    // keep blocking: only SIGKILL ends this JVM
                }
            }
        }

        /**
         * Real CPU work (hashing) for a random 0 to {@value #MAX_WORK_MICROS} µs, so that a kill issued right
         * after a checkpoint lands sometimes before and sometimes after the next step's side effect.
         */
        private static void work(String seed) {
            long until = System.nanoTime() + 1_000L * ThreadLocalRandom.current().nextLong(MAX_WORK_MICROS + 1);
            try {
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                byte[] data = seed.getBytes(StandardCharsets.UTF_8);
                do {
                    data = sha.digest(data);
                } while (System.nanoTime() < until);
                if (data.length == 0) {
                    throw new AssertionError("unreachable");
                }
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * @param args {@code run|recover jdbcUrl user workflowId [plan]}, or a {@code concurrent-*} mode of
     *             {@link ConcurrentCrashChild}
     */
    public static void main(String[] args) {
        if (args.length > 0 && args[0].startsWith(ConcurrentCrashChild.MODE_PREFIX)) {
            System.exit(ConcurrentCrashChild.run(args));
        }
        if (args.length < 4 || !(args[0].equals("run") || args[0].equals("recover"))
                || (args[0].equals("run") && args.length < 5)) {
            System.err.println("usage: CrashChild run <jdbcUrl> <user> <workflowId> <block:K|natural>"
                    + " | CrashChild recover <jdbcUrl> <user> <workflowId>");
            System.exit(2);
        }
        String mode = args[0];
        String url = args[1];
        String user = args[2];
        String workflowId = args[3];
        String plan = mode.equals("run") ? args[4] : "none";
        int blockStep = -1;
        boolean dawdle = false;
        if (plan.startsWith("block:")) {
            blockStep = Integer.parseInt(plan.substring("block:".length())) + 1;
        } else if (plan.equals("natural")) {
            dawdle = true;
        } else if (!plan.equals("none")) {
            System.err.println("unknown plan '" + plan + "'");
            System.exit(2);
        }
        String password = System.getenv(PASSWORD_ENV);
        int stepToBlock = blockStep;
        boolean slowSteps = dawdle;
        ChildMain.run(() -> {
            try (Connection effects = DriverManager.getConnection(url, user, password);
                 Durable durable = Durable.builder()
                         .jdbcUrl(url, user, password)
                         .executorId(EXECUTOR_ID)
                         .poolSize(4)
                         .maxConcurrentWorkflows(8)
                         .shutdownTimeout(Duration.ofSeconds(5))
                         .build()) {
                ChainImpl chainImpl = new ChainImpl();
                Chain chain = durable.register(Chain.class, chainImpl);
                chainImpl.effects(durable.register(Effects.class, new EffectsImpl(durable, effects, stepToBlock, slowSteps)));
                durable.start();
                ChildMain.ready();
                String result;
                if (mode.equals("run")) {
                    result = durable.runWorkflow(workflowId, () -> chain.chain(STEPS));
                } else {
                    result = durable.<String>retrieve(workflowId).result(RESULT_TIMEOUT);
                }
                return result;
            }
        });
    }
}
