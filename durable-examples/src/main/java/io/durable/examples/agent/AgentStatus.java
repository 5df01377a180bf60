package io.durable.examples.agent;

/**
 * Where an agent run stands: the value of its {@code status} event, published with
 * {@code durable.setEvent} at each stage and readable by anyone with {@code durable.getEvent}.
 *
 * <pre>{@code
 * Optional<AgentStatus> status = durable.getEvent(runId, AgentWorkflow.STATUS_EVENT, Duration.ofSeconds(1),
 *         AgentStatus.class);
 * }</pre>
 *
 * @param stage  the stage
 * @param detail a sentence about it
 */
public record AgentStatus(Stage stage, String detail) {
    /** @return e.g. {@code WAITING_FOR_APPROVAL: Refund order 1042 in full} */
    public String describe() {
        return stage + ": " + detail;
    }

    /**
     * The stages of a run, in the order they happen.
     *
     * <pre>{@code
     * if (status.stage() == AgentStatus.Stage.WAITING_FOR_APPROVAL) { ... show the plan ... }
     * }</pre>
     */
    public enum Stage {
        /** The model is being asked for a plan. */
        PLANNING,
        /** A plan exists and waits for a human. */
        WAITING_FOR_APPROVAL,
        /** Approved; the action runs. */
        EXECUTING,
        /** The action ran; the run succeeded. */
        DONE,
        /** A reviewer denied the plan; the run failed with {@link ApprovalDeniedException}. */
        DENIED,
        /** Nobody answered in time; the run failed with {@link ApprovalTimedOutException}. */
        TIMED_OUT;

        /** @return whether the run is over */
        public boolean isFinal() {
            return this == DONE || this == DENIED || this == TIMED_OUT;
        }
    }
}
