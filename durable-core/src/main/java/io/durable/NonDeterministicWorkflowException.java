package io.durable;

/**
 * Replay reached a position where the journal records a different step than the code now calls
 * (or the code finished before reaching recorded steps). The workflow is failed rather than
 * continued on a history that no longer matches the code.
 *
 * <pre>{@code
 * catch (NonDeterministicWorkflowException e) {
 *     log.error("{} at {}: recorded {} but code called {}", e.workflowId(), e.position(), e.recordedStep(), e.attemptedStep());
 * }
 * }</pre>
 */
public class NonDeterministicWorkflowException extends DurableException {
    private static final long serialVersionUID = 1L;

    private final String recordedStep;
    private final String attemptedStep;

    /**
     * @param workflowId    the workflow being replayed
     * @param position      the 1-based position where history and code diverge
     * @param recordedStep  the step name in the journal at that position, or null if none
     * @param attemptedStep the step the code called there, or null if it returned instead
     */
    public NonDeterministicWorkflowException(String workflowId, int position, String recordedStep,
                                             String attemptedStep) {
        this(workflowId, position, recordedStep, attemptedStep, null);
    }

    /**
     * @param workflowId    the workflow being replayed
     * @param position      the 1-based position where history and code diverge
     * @param recordedStep  the step name in the journal at that position
     * @param attemptedStep the step the code called there, or null if it returned or threw instead
     * @param cause         the exception the workflow threw instead of reaching the recorded step, or null
     */
    public NonDeterministicWorkflowException(String workflowId, int position, String recordedStep,
                                             String attemptedStep, Throwable cause) {
        super(describe(workflowId, position, recordedStep, attemptedStep, cause), cause, workflowId, position);
        this.recordedStep = recordedStep;
        this.attemptedStep = attemptedStep;
    }

    private static String describe(String workflowId, int position, String recorded, String attempted,
                                   Throwable thrown) {
        String ended = thrown == null ? "returned" : "threw " + thrown;
        String what = attempted == null
                ? "the workflow " + ended + ", but the journal records step '" + recorded + "' there"
                : "the journal records step '" + recorded + "' but the code now calls '" + attempted + "'";
        return "workflow '" + workflowId + "' is not deterministic at step position " + position + ": " + what
                + ". The code changed under a running workflow or depends on time, randomness or I/O "
                + "outside steps; keep the old code for running workflows or move the varying part into a step.";
    }

    /** @return the step name recorded at the position, or null */
    public String recordedStep() {
        return recordedStep;
    }

    /** @return the step name the code called at the position, or null if the workflow returned or threw instead */
    public String attemptedStep() {
        return attemptedStep;
    }
}
