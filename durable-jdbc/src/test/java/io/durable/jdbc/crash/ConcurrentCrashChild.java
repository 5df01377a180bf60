package io.durable.jdbc.crash;

import io.durable.Durable;
import io.durable.Step;
import io.durable.Workflow;
import io.durable.WorkflowHandle;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
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
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The concurrent variant of {@link CrashChild}: many 10-step workflows at once in one JVM, so that
 * their checkpoints go through group commit together. Started through {@link ChildJvm} (whose main
 * class, {@link CrashChild}, hands these modes over):
 *
 * <pre>
 * java ... CrashChild concurrent-run     &lt;jdbcUrl&gt; &lt;user&gt; &lt;executorId&gt; &lt;idPrefix&gt; &lt;workflows&gt;
 * java ... CrashChild concurrent-recover &lt;jdbcUrl&gt; &lt;user&gt; &lt;executorId&gt; &lt;idPrefix&gt; &lt;workflows&gt;
 * </pre>
 *
 * <p>Workflow IDs are {@code <idPrefix>-w00 .. <idPrefix>-w<workflows-1>}. {@code concurrent-run} starts them
 * all at once with {@link Durable#startWorkflow} (one thread per start, released together), prints
 * {@code STARTED <n>}, then waits for every result. {@code concurrent-recover} starts durable (which claims
 * and resumes the executor's PENDING workflows) and waits for every result with
 * {@code retrieve(id).result(timeout)}. Both print {@code RESULT <id> <value>} per workflow, then one line
 * {@code ALLRESULTS <id>=<value>,...} and {@code DONE}, and exit 0; on any failure they print {@code ERROR <exception>} and exit 1.
 *
 * <p>Step {@code i} of a workflow does a random 0–1 ms of CPU work (hashing), inserts
 * {@code (workflow_id, i, pid)} into {@value CrashChild#EFFECTS_TABLE} with plain autocommit JDBC (a
 * small connection pool of its own, not durable's: an at-least-once side effect), does another
 * 0–1 ms of work and returns the previous result extended by {@code -s<i>}.
 */
public final class ConcurrentCrashChild {
    /** Mode prefix {@link CrashChild#main} hands over to this class. */
    static final String MODE_PREFIX = "concurrent-";
    /** The workflow's registered name. */
    static final String WORKFLOW_NAME = "crash64.chain";
    /** The step's registered name. */
    static final String STEP_NAME = "crash64.effect";
    /** durable's connection pool: small against 64 workflows, so that checkpoints have to share commits. */
    static final int POOL_SIZE = 8;
    /** Connections for the side effects (kept small: the database server is shared). */
    private static final int EFFECT_CONNECTIONS = 6;
    private static final Duration RESULT_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private ConcurrentCrashChild() {
    }

    /** The workflow: a chain of steps. */
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
        @Workflow(name = WORKFLOW_NAME)
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
        private static final long MAX_WORK_MICROS = 1_000;

        private final Durable durable;
        private final BlockingQueue<Connection> connections;

        EffectsImpl(Durable durable, BlockingQueue<Connection> connections) {
            this.durable = durable;
            this.connections = connections;
        }

        @Override
        @Step(name = STEP_NAME, maxAttempts = 1)
        public String effect(int index, String previous) {
            String workflowId = durable.currentWorkflowId().orElseThrow();
            work(previous);
            insertEffect(workflowId, index);
            work(previous);
            return previous.isEmpty() ? "s" + index : previous + "-s" + index;
        }

        private void insertEffect(String workflowId, int index) {
            Connection connection;
            try {
                connection = connections.poll(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for a side-effect connection", e);
            }
            if (connection == null) {
                throw new IllegalStateException("no side-effect connection free for 30 s");
            }
            // Autocommit: the row is durable when executeUpdate returns, independently of durable's checkpoint.
            try (PreparedStatement ps = connection.prepareStatement(
                    "INSERT INTO " + CrashChild.EFFECTS_TABLE + " (workflow_id, step, pid) VALUES (?, ?, ?)")) {
                ps.setString(1, workflowId);
                ps.setInt(2, index);
                ps.setLong(3, PID);
                ps.executeUpdate();
            } catch (SQLException e) {
                throw new IllegalStateException("side effect of step " + index + " failed: " + e.getMessage(), e);
            } finally {
                connections.add(connection);
            }
        }

        /** Real CPU work (hashing) for a random 0 to {@value #MAX_WORK_MICROS} µs. */
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

    /** @return the ID of workflow {@code index} of a run */
    static String workflowId(String prefix, int index) {
        return String.format("%s-w%02d", prefix, index);
    }

    /**
     * Runs a mode; called by {@link CrashChild#main}.
     *
     * @param args {@code concurrent-run|concurrent-recover jdbcUrl user executorId idPrefix workflows}
     * @return the exit status
     */
    static int run(String[] args) {
        if (args.length != 6 || !(args[0].equals(MODE_PREFIX + "run") || args[0].equals(MODE_PREFIX + "recover"))) {
            System.err.println("usage: CrashChild concurrent-run|concurrent-recover <jdbcUrl> <user> <executorId>"
                    + " <idPrefix> <workflows>");
            return 2;
        }
        boolean start = args[0].equals(MODE_PREFIX + "run");
        String url = args[1];
        String user = args[2];
        String executorId = args[3];
        String prefix = args[4];
        int workflows = Integer.parseInt(args[5]);
        String password = System.getenv(CrashChild.PASSWORD_ENV);
        BlockingQueue<Connection> effectConnections = new ArrayBlockingQueue<>(EFFECT_CONNECTIONS);
        try {
            for (int i = 0; i < EFFECT_CONNECTIONS; i++) {
                effectConnections.add(DriverManager.getConnection(url, user, password));
            }
            try (Durable durable = Durable.builder()
                    .jdbcUrl(url, user, password)
                    .executorId(executorId)
                    .poolSize(POOL_SIZE)
                    .maxConcurrentWorkflows(Math.max(64, workflows))
                    .shutdownTimeout(Duration.ofSeconds(5))
                    .build()) {
                ChainImpl chainImpl = new ChainImpl();
                Chain chain = durable.register(Chain.class, chainImpl);
                chainImpl.effects(durable.register(Effects.class, new EffectsImpl(durable, effectConnections)));
                durable.start();
                System.out.println("READY " + ProcessHandle.current().pid());
                System.out.flush();
                List<WorkflowHandle<String>> handles = start
                        ? startAll(durable, chain, prefix, workflows)
                        : retrieveAll(durable, prefix, workflows);
                List<String> all = new ArrayList<>();
                for (WorkflowHandle<String> handle : handles) {
                    String result = handle.result(RESULT_TIMEOUT);
                    System.out.println("RESULT " + handle.workflowId() + " " + result);
                    all.add(handle.workflowId() + "=" + result);
                }
                System.out.println("ALLRESULTS " + String.join(",", all));
                System.out.println("DONE");
                System.out.flush();
            }
            return 0;
        } catch (Throwable t) {
            System.out.println("ERROR " + t);
            t.printStackTrace();
            System.out.flush();
            return 1;
        } finally {
            for (Connection c : effectConnections) {
                try {
                    c.close();
                } catch (SQLException ignored) {
                    // exiting anyway
                }
            }
        }
    }

    /** Starts every workflow at once: one thread per start, all released together. */
    private static List<WorkflowHandle<String>> startAll(Durable durable, Chain chain, String prefix, int workflows)
            throws InterruptedException {
        AtomicReferenceArray<WorkflowHandle<String>> handles = new AtomicReferenceArray<>(workflows);
        AtomicReferenceArray<Throwable> failures = new AtomicReferenceArray<>(workflows);
        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(workflows);
        for (int i = 0; i < workflows; i++) {
            int index = i;
            Thread starter = new Thread(() -> {
                try {
                    go.await();
                    handles.set(index, durable.startWorkflow(workflowId(prefix, index),
                            () -> chain.chain(CrashChild.STEPS)));
                } catch (Throwable t) {
                    failures.set(index, t);
                } finally {
                    started.countDown();
                }
            }, "starter-" + index);
            starter.setDaemon(true);
            starter.start();
        }
        go.countDown();
        if (!started.await(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("starting " + workflows + " workflows took longer than " + START_TIMEOUT);
        }
        List<WorkflowHandle<String>> out = new ArrayList<>();
        for (int i = 0; i < workflows; i++) {
            if (failures.get(i) != null) {
                throw new IllegalStateException("starting " + workflowId(prefix, i) + " failed", failures.get(i));
            }
            out.add(handles.get(i));
        }
        System.out.println("STARTED " + workflows);
        System.out.flush();
        return out;
    }

    private static List<WorkflowHandle<String>> retrieveAll(Durable durable, String prefix, int workflows) {
        List<WorkflowHandle<String>> out = new ArrayList<>();
        for (int i = 0; i < workflows; i++) {
            out.add(durable.retrieve(workflowId(prefix, i)));
        }
        return out;
    }
}
