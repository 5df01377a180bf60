package io.durable.jdbc.crash;

import io.durable.Durable;
import io.durable.StartOptions;
import io.durable.Workflow;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * The program {@link LifecycleCrashTest} runs in child JVMs: a workflow whose only step records a
 * side effect and then blocks forever, so that every JVM running it can be killed in that step.
 *
 * <pre>
 * java ... LifecycleCrashChild run     &lt;jdbcUrl&gt; &lt;user&gt; &lt;workflowId&gt; &lt;timeoutMillis, 0 for none&gt; &lt;maxRecoveryAttempts&gt;
 * java ... LifecycleCrashChild recover &lt;jdbcUrl&gt; &lt;user&gt; &lt;workflowId&gt; 0 &lt;maxRecoveryAttempts&gt;
 * </pre>
 *
 * <p>{@code run} starts the workflow; {@code recover} waits for the result of what a killed JVM
 * left (recovered at {@code start()}). Prints {@code RESULT <value>} or {@code ERROR <exception>}.
 */
public final class LifecycleCrashChild {
    /** Executor ID of every child JVM. */
    public static final String EXECUTOR_ID = "lifecycle-crash-child";
    /** Side-effect table, created by the test: (workflow_id, pid). */
    public static final String EFFECTS_TABLE = "lifecycle_effects";

    private LifecycleCrashChild() {
    }

    /** The workflow. */
    public interface Stuck {
        /** @return never, in practice: its step blocks */
        String run() throws InterruptedException;
    }

    /** Workflow implementation. */
    public static final class StuckImpl implements Stuck {
        private final Durable durable;
        private final Connection effects;

        StuckImpl(Durable durable, Connection effects) {
            this.durable = durable;
            this.effects = effects;
        }

        @Override
        @Workflow(name = "lifecycle.crash")
        public String run() throws InterruptedException {
            return durable.step("stuck", () -> {
                try (PreparedStatement ps = effects.prepareStatement(
                        "INSERT INTO " + EFFECTS_TABLE + " (workflow_id, pid) VALUES (?, ?)")) {
                    ps.setString(1, durable.currentWorkflowId().orElseThrow());
                    ps.setLong(2, ProcessHandle.current().pid());
                    ps.executeUpdate();
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
                new CountDownLatch(1).await();
                return "unreachable";
            });
        }
    }

    /**
     * @param args see the class comment
     */
    public static void main(String[] args) {
        if (args.length != 6 || !(args[0].equals("run") || args[0].equals("recover"))) {
            System.err.println("usage: LifecycleCrashChild run|recover <jdbcUrl> <user> <workflowId> <timeoutMillis>"
                    + " <maxRecoveryAttempts>");
            System.exit(2);
        }
        String url = args[1];
        String user = args[2];
        String workflowId = args[3];
        long timeoutMillis = Long.parseLong(args[4]);
        int maxRecoveryAttempts = Integer.parseInt(args[5]);
        String password = System.getenv(CrashChild.PASSWORD_ENV);
        ChildMain.run(() -> {
            try (Connection effects = DriverManager.getConnection(url, user, password);
                 Durable durable = Durable.builder()
                         .jdbcUrl(url, user, password)
                         .executorId(EXECUTOR_ID)
                         .poolSize(4)
                         .maxRecoveryAttempts(maxRecoveryAttempts)
                         .pollInterval(Duration.ofMillis(100))
                         .shutdownTimeout(Duration.ofSeconds(1))
                         .build()) {
                Stuck stuck = durable.register(Stuck.class, new StuckImpl(durable, effects));
                durable.start();
                StartOptions options = timeoutMillis > 0 ? StartOptions.timeout(Duration.ofMillis(timeoutMillis))
                        : StartOptions.defaults();
                String result = args[0].equals("run")
                        ? durable.runWorkflow(workflowId, options, stuck::run)
                        : durable.<String>retrieve(workflowId).result(Duration.ofSeconds(60));
                return result;
            }
        });
    }
}
