package io.durable.examples.agent;

import io.durable.WorkflowHandle;
import io.durable.examples.DatabaseSettings;
import io.durable.examples.DemoErrors;
import io.durable.examples.Durations;
import io.durable.examples.JournalPrinter;
import io.durable.examples.Waiting;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The AI agent demo: an agent plans a refund, and a reviewer (played by this {@code main})
 * watches its status with {@code durable.getEvent}, reads the plan and approves it; a second run
 * is denied, and its {@code handle.result()} throws {@link ApprovalDeniedException}.
 *
 * <pre>
 * mvn -q -B -pl durable-examples -am compile exec:java -Dexec.mainClass=io.durable.examples.agent.AgentDemo
 * </pre>
 *
 * It uses {@code jdbc:postgresql://localhost:5432/postgres} as {@code postgres}, or
 * {@code DURABLE_DATABASE_URL}, {@code DURABLE_DATABASE_USER} and {@code DURABLE_DATABASE_PASSWORD}.
 */
public final class AgentDemo {
    /** The reviewer in the demo. */
    public static final String REVIEWER = "grace@example.com";

    private static final Duration STAGE_WITHIN = Duration.ofSeconds(30);

    private final DatabaseSettings settings;
    private final PrintStream out;

    /**
     * @param settings the database for durable and the {@code agent} table
     * @param out      where to tell the user what happens
     */
    public AgentDemo(DatabaseSettings settings, PrintStream out) {
        this.settings = settings;
        this.out = out;
    }

    /**
     * Runs the demo.
     *
     * @param args none
     */
    public static void main(String[] args) {
        try {
            new AgentDemo(DatabaseSettings.fromEnvironment(), System.out).run();
        } catch (RuntimeException e) {
            System.exit(DemoErrors.explain(e, System.err));
        }
    }

    /**
     * Runs an approved and a denied agent run.
     *
     * @return the approved run's result
     */
    public AgentResult run() {
        out.println("AI agent demo: journal in schema " + AgentApp.DURABLE_SCHEMA + ", table in schema agent, on "
                + settings);
        try (AgentApp app = new AgentApp(settings, out, AgentWorkflow.DEFAULT_APPROVAL_TIMEOUT)) {
            out.println();
            out.println("1) The agent proposes a refund; the reviewer approves it.");
            String runId = newRunId();
            WorkflowHandle<AgentResult> handle = app.start(runId,
                    new AgentTask("support@example.com", "Refund order 1042: the keyboard arrived broken"));
            watchUntil(app, runId, AgentStatus.Stage.WAITING_FOR_APPROVAL);
            PlannedAction plan = app.plan(runId).orElseThrow();
            out.println("  [reviewer] plan of " + runId + ": " + plan.tool() + "(" + plan.argument() + ") -- "
                    + plan.summary());
            out.println("  [reviewer] " + REVIEWER + " approves (the run waits up to "
                    + Durations.words(AgentWorkflow.DEFAULT_APPROVAL_TIMEOUT) + ", holding no thread)");
            app.review(runId, ReviewDecision.approve(REVIEWER, "customer sent photos"), "review-" + UUID.randomUUID());
            watchUntil(app, runId, AgentStatus.Stage.DONE);
            AgentResult result = handle.result(STAGE_WITHIN);
            out.println("Result: " + result.outcome() + " (approved by " + result.approvedBy() + ")");
            new JournalPrinter(out).print(app.durable(), runId);

            out.println();
            out.println("2) The agent proposes to cancel an order; the reviewer denies it.");
            String deniedId = newRunId();
            WorkflowHandle<AgentResult> denied = app.start(deniedId,
                    new AgentTask("support@example.com", "Cancel order 2077, the customer changed their mind"));
            watchUntil(app, deniedId, AgentStatus.Stage.WAITING_FOR_APPROVAL);
            out.println("  [reviewer] " + REVIEWER + " denies");
            app.review(deniedId, ReviewDecision.deny(REVIEWER, "it already shipped; offer a return instead"),
                    "review-" + UUID.randomUUID());
            try {
                denied.result(STAGE_WITHIN);
                throw new IllegalStateException("run " + deniedId + " should have been denied");
            } catch (ApprovalDeniedException e) {
                out.println("handle.result() threw " + e.getClass().getSimpleName() + ": " + e.getMessage());
            }
            out.println("Actions executed by " + deniedId + ": " + app.database().executedActions(deniedId));
            return result;
        }
    }

    private static String newRunId() {
        return "agent-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** The reviewer's screen: polls the run's status event and prints each new one, until a stage. */
    private void watchUntil(AgentApp app, String runId, AgentStatus.Stage stage) {
        AtomicReference<AgentStatus> shown = new AtomicReference<>();
        Waiting.until(runId + " to reach " + stage, STAGE_WITHIN, () -> {
            Optional<AgentStatus> status = app.status(runId);
            status.filter(s -> !s.equals(shown.get())).ifPresent(s -> {
                shown.set(s);
                out.println("  [reviewer] getEvent(\"" + runId + "\", \"status\") = " + s.describe());
            });
            return status.map(s -> s.stage() == stage).orElse(false);
        });
    }
}
