package io.durable.examples.agent;

import io.durable.Durable;
import io.durable.WorkflowHandle;
import io.durable.examples.DatabaseSettings;
import io.durable.examples.Waiting;
import io.durable.examples.agent.AgentStatus.Stage;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Optional;

/**
 * The agent example wired up: durable (journal in schema {@value #DURABLE_SCHEMA}), the
 * {@code agent} table, the simulated model, the tools and the workflow, registered and started.
 * The demo and the tests both use it.
 *
 * <pre>{@code
 * try (AgentApp app = new AgentApp(DatabaseSettings.fromEnvironment(), System.out,
 *         AgentWorkflow.DEFAULT_APPROVAL_TIMEOUT)) {
 *     WorkflowHandle<AgentResult> handle = app.start("agent-7", task);
 *     app.awaitStage("agent-7", AgentStatus.Stage.WAITING_FOR_APPROVAL, Duration.ofSeconds(30));
 *     app.review("agent-7", ReviewDecision.approve("grace@example.com", "go"), "review-1");
 *     AgentResult result = handle.result();
 * }
 * }</pre>
 */
public final class AgentApp implements AutoCloseable {
    /** The schema holding this example's durable tables (its own table is in {@code agent}). */
    public static final String DURABLE_SCHEMA = "agent_durable";
    /** The executor ID of every process of this example, so each one recovers what the previous one left. */
    public static final String EXECUTOR_ID = "agent-demo";

    private final AgentDatabase db;
    private final Durable durable;
    private final Agent agent;

    /**
     * Creates the table, builds and starts durable; starting resumes unfinished runs.
     *
     * @param settings        the database
     * @param out             where the model and the tools report what they do
     * @param approvalTimeout how long a run waits for a human
     */
    public AgentApp(DatabaseSettings settings, PrintStream out, Duration approvalTimeout) {
        this.db = new AgentDatabase(settings);
        db.createSchema();
        this.durable = Durable.builder()
                .jdbcUrl(settings.url(), settings.user(), settings.password())
                .schema(DURABLE_SCHEMA)
                .executorId(EXECUTOR_ID)
                .build();
        try {
            Planner planner = durable.register(Planner.class, new SimulatedModel(out));
            Tools tools = durable.register(Tools.class, new JdbcTools(db, durable, out));
            this.agent = durable.register(Agent.class, new AgentWorkflow(durable, planner, tools, approvalTimeout));
            durable.start();
        } catch (RuntimeException e) {
            durable.close();
            throw e;
        }
    }

    /**
     * Starts an agent run and returns at once; the same ID again returns the same run.
     *
     * @param runId names the run (its workflow ID)
     * @param task  what to do
     * @return a handle; its {@code result()} throws {@link ApprovalDeniedException} or
     *         {@link ApprovalTimedOutException} when the run did not get its approval
     */
    public WorkflowHandle<AgentResult> start(String runId, AgentTask task) {
        return durable.startWorkflow(runId, () -> agent.run(task));
    }

    /**
     * @param runId an agent run
     * @return its latest published status, or empty before the first one
     */
    public Optional<AgentStatus> status(String runId) {
        return durable.getEvent(runId, AgentWorkflow.STATUS_EVENT, Duration.ZERO, AgentStatus.class);
    }

    /**
     * @param runId an agent run
     * @return the plan it waits (or waited) for approval of, or empty before it has one
     */
    public Optional<PlannedAction> plan(String runId) {
        return durable.getEvent(runId, AgentWorkflow.PLAN_EVENT, Duration.ZERO, PlannedAction.class);
    }

    /**
     * Waits until the run's status reaches a stage.
     *
     * @param runId   an agent run
     * @param stage   the stage
     * @param timeout how long to wait at most
     * @return the status at that stage
     */
    public AgentStatus awaitStage(String runId, Stage stage, Duration timeout) {
        Waiting.until(runId + " to reach " + stage, timeout,
                () -> status(runId).map(s -> s.stage() == stage).orElse(false));
        return status(runId).orElseThrow();
    }

    /**
     * What the review UI does when a human clicks approve or deny: hands the decision to the run.
     *
     * @param runId          the run
     * @param decision       the answer
     * @param idempotencyKey unique per click, so a retried request is dropped
     */
    public void review(String runId, ReviewDecision decision, String idempotencyKey) {
        durable.send(runId, AgentWorkflow.APPROVAL_TOPIC, decision, idempotencyKey);
    }

    /** @return the started durable instance */
    public Durable durable() {
        return durable;
    }

    /** @return the {@code agent} table */
    public AgentDatabase database() {
        return db;
    }

    /** Stops durable; runs waiting for a human stay waiting in the database and resume at the next start. */
    @Override
    public void close() {
        durable.close();
    }
}
