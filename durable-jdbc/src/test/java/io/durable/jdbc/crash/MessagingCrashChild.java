package io.durable.jdbc.crash;

import io.durable.Durable;
import io.durable.Workflow;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;

/**
 * The program {@link MessagingCrashTest} runs in child JVMs: a workflow that does a side effect,
 * waits for a message, and does a second side effect with what it received.
 *
 * <pre>
 * java ... MessagingCrashChild run     &lt;jdbcUrl&gt; &lt;user&gt; &lt;workflowId&gt; &lt;timeoutMillis&gt; &lt;hotWindowMillis&gt;
 * java ... MessagingCrashChild recover &lt;jdbcUrl&gt; &lt;user&gt; &lt;workflowId&gt; &lt;timeoutMillis&gt; &lt;hotWindowMillis&gt;
 * </pre>
 *
 * <p>{@code run} starts the workflow and waits for it (the test kills it while it waits);
 * {@code recover} only waits for the result of what the killed JVM left. Prints {@code READY <pid>},
 * {@code RESULT <value>} or {@code ERROR <exception>}.
 */
public final class MessagingCrashChild {
    /** Executor ID of every child JVM. */
    public static final String EXECUTOR_ID = "messaging-crash-child";
    /** Side-effect table, created by the test: (workflow_id, effect). */
    public static final String EFFECTS_TABLE = "messaging_effects";

    private MessagingCrashChild() {
    }

    /** The workflow. */
    public interface Approval {
        /**
         * @param timeoutMillis how long recv waits
         * @return what was received, or "timeout"
         */
        String await(long timeoutMillis);
    }

    /** Workflow implementation; its side effects are inline steps. */
    public static final class ApprovalImpl implements Approval {
        private final Durable durable;
        private final Connection effects;

        ApprovalImpl(Durable durable, Connection effects) {
            this.durable = durable;
            this.effects = effects;
        }

        @Override
        @Workflow(name = "messaging.crash")
        public String await(long timeoutMillis) {
            durable.step("before", () -> effect("before"));
            String got = durable.recv("approval", Duration.ofMillis(timeoutMillis), String.class).orElse("timeout");
            durable.step("after", () -> effect("after:" + got));
            return got;
        }

        private String effect(String what) {
            String workflowId = durable.currentWorkflowId().orElseThrow();
            synchronized (effects) {
                try (PreparedStatement ps = effects.prepareStatement(
                        "INSERT INTO " + EFFECTS_TABLE + " (workflow_id, effect) VALUES (?, ?)")) {
                    ps.setString(1, workflowId);
                    ps.setString(2, what);
                    ps.executeUpdate();
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            }
            return what;
        }
    }

    /**
     * @param args see the class comment
     */
    public static void main(String[] args) {
        if (args.length != 6 || !(args[0].equals("run") || args[0].equals("recover"))) {
            System.err.println("usage: MessagingCrashChild run|recover <jdbcUrl> <user> <workflowId> <timeoutMillis>"
                    + " <hotWindowMillis>");
            System.exit(2);
        }
        String url = args[1];
        String user = args[2];
        String workflowId = args[3];
        long timeoutMillis = Long.parseLong(args[4]);
        long hotWindowMillis = Long.parseLong(args[5]);
        String password = System.getenv(CrashChild.PASSWORD_ENV);
        ChildMain.run(() -> {
            try (Connection effects = DriverManager.getConnection(url, user, password);
                 Durable durable = Durable.builder()
                         .jdbcUrl(url, user, password)
                         .executorId(EXECUTOR_ID)
                         .poolSize(4)
                         .hotWaitWindow(Duration.ofMillis(hotWindowMillis))
                         .pollInterval(Duration.ofMillis(100))
                         .shutdownTimeout(Duration.ofSeconds(5))
                         .build()) {
                Approval approval = durable.register(Approval.class, new ApprovalImpl(durable, effects));
                durable.start();
                ChildMain.ready();
                String result = args[0].equals("run")
                        ? durable.runWorkflow(workflowId, () -> approval.await(timeoutMillis))
                        : durable.<String>retrieve(workflowId).result(Duration.ofSeconds(60));
                return result;
            }
        });
    }
}
