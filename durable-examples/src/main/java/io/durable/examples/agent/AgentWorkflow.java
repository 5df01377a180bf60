package io.durable.examples.agent;

import io.durable.Durable;
import io.durable.Workflow;
import io.durable.examples.agent.AgentStatus.Stage;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The agent's workflow function: plan, ask, act. The plan and the action are steps, the human's
 * answer a message received with {@code recv}, the status an event; so when the run resumes after
 * the wait (or a crash) it replays the recorded plan and goes on with the same one.
 *
 * <pre>{@code
 * Agent agent = durable.register(Agent.class,
 *         new AgentWorkflow(durable, planner, tools, AgentWorkflow.DEFAULT_APPROVAL_TIMEOUT));
 * }</pre>
 */
public final class AgentWorkflow implements Agent {
    /** How long a run waits for a human. */
    public static final Duration DEFAULT_APPROVAL_TIMEOUT = Duration.ofHours(1);
    /** The topic the human's {@link ReviewDecision} is sent on. */
    public static final String APPROVAL_TOPIC = "approval";
    /** The event holding the run's {@link AgentStatus}. */
    public static final String STATUS_EVENT = "status";
    /** The event holding the {@link PlannedAction} waiting for approval. */
    public static final String PLAN_EVENT = "plan";

    private final Durable durable;
    private final Planner planner;
    private final Tools tools;
    private final Duration approvalTimeout;

    /**
     * @param durable         the instance running this workflow
     * @param planner         the step proxy from {@code durable.register(Planner.class, ...)}
     * @param tools           the step proxy from {@code durable.register(Tools.class, ...)}
     * @param approvalTimeout how long to wait for a human ({@link #DEFAULT_APPROVAL_TIMEOUT} in production)
     */
    public AgentWorkflow(Durable durable, Planner planner, Tools tools, Duration approvalTimeout) {
        this.durable = Objects.requireNonNull(durable, "durable");
        this.planner = Objects.requireNonNull(planner, "planner");
        this.tools = Objects.requireNonNull(tools, "tools");
        this.approvalTimeout = Objects.requireNonNull(approvalTimeout, "approvalTimeout");
    }

    @Workflow(name = "agent-run")
    @Override
    public AgentResult run(AgentTask task) {
        String runId = durable.currentWorkflowId().orElseThrow();
        report(Stage.PLANNING, "asking the model how to: " + task.goal());
        PlannedAction action = planner.plan(task.goal());
        durable.setEvent(PLAN_EVENT, action);
        report(Stage.WAITING_FOR_APPROVAL, action.summary());
        Optional<ReviewDecision> answer = durable.recv(APPROVAL_TOPIC, approvalTimeout, ReviewDecision.class);
        if (answer.isEmpty()) {
            ApprovalTimedOutException timedOut = new ApprovalTimedOutException(runId, approvalTimeout, action);
            report(Stage.TIMED_OUT, timedOut.getMessage());
            throw timedOut;
        }
        ReviewDecision review = answer.get();
        if (!review.approved()) {
            ApprovalDeniedException denied = new ApprovalDeniedException(runId, review.reviewer(), review.comment());
            report(Stage.DENIED, denied.getMessage());
            throw denied;
        }
        report(Stage.EXECUTING, action.summary() + " (approved by " + review.reviewer() + ")");
        String outcome = tools.execute(runId, action);
        report(Stage.DONE, outcome);
        return new AgentResult(runId, action, review.reviewer(), outcome);
    }

    private void report(Stage stage, String detail) {
        durable.setEvent(STATUS_EVENT, new AgentStatus(stage, detail));
    }
}
