package io.durable.internal.store;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Everything the engine needs from storage. Calls block until the write is durable; an
 * implementation may group writes from several callers into one transaction behind these calls.
 * Transient database failures are retried inside the store; once its retry window is spent it
 * throws {@link io.durable.DatabaseUnavailableException}.
 */
public interface Store extends AutoCloseable {

    /** Checks connectivity and brings the schema up to date. */
    void start();

    /**
     * Records (or refreshes) this process as the executor named in the registration.
     *
     * @param registration who is running
     * @return a description of another incarnation registered under the same executor ID whose
     *         heartbeat is younger than the registration's freshness window and that did not stop
     *         cleanly (another live process may be using the same ID), else empty
     */
    Optional<String> registerExecutor(ExecutorRegistration registration);

    /**
     * Refreshes the executor's heartbeat, if the registration is still the current one.
     *
     * @param registration the registration made at start
     * @return false when another incarnation has registered under the same executor ID since
     */
    boolean heartbeat(ExecutorRegistration registration);

    /**
     * Inserts a PENDING workflow at epoch 1, or returns the existing execution with that ID.
     *
     * @param workflow what to insert
     * @return whether it was inserted, and the row
     */
    StartResult startWorkflow(NewWorkflow workflow);

    /**
     * Records a step, only while {@code owner} holds the workflow at {@code epoch} and it is
     * PENDING. One round trip on the first attempt; never overwrites a recorded step.
     *
     * @param step  the journal entry
     * @param owner the executor writing
     * @param epoch the ownership epoch it runs under
     * @return recorded, conflict (with the winning row) or fenced
     */
    StepWrite recordStep(StepRow step, String owner, long epoch);

    /**
     * Writes the final outcome, only while the owner holds the workflow at the epoch and it is PENDING.
     *
     * @param completion the outcome
     * @return true if written; false if the workflow was fenced or already complete
     */
    boolean completeWorkflow(Completion completion);

    /**
     * @param workflowId the workflow
     * @return its journal, ordered by position
     */
    List<StepRow> loadJournal(String workflowId);

    /**
     * Claims the PENDING workflows owned by the executor whose names are in {@code names}, raising
     * each one's epoch and recovery count.
     *
     * @param executorId the executor whose workflows to claim
     * @param names      the workflow names this process can run
     * @return the claimed rows, with their new epochs
     */
    List<WorkflowRow> claimPending(String executorId, Collection<String> names);

    /**
     * Claims one PENDING workflow owned by the executor, raising its epoch and recovery count.
     *
     * @param executorId the executor that owns it
     * @param workflowId the workflow
     * @return the claimed row with its new epoch, or empty if it is not PENDING or not owned by the executor
     */
    Optional<WorkflowRow> claimWorkflow(String executorId, String workflowId);

    /**
     * Marks this incarnation of the executor as stopped cleanly, so its next start does not warn
     * about another live process.
     *
     * @param registration the registration made at start
     */
    void executorStopped(ExecutorRegistration registration);

    /**
     * @param executorId the executor
     * @return names of its PENDING workflows, with counts, for diagnostics
     */
    List<NameCount> pendingByName(String executorId);

    /**
     * @param workflowId the ID
     * @return the workflow row, if any
     */
    Optional<WorkflowRow> findWorkflow(String workflowId);

    /** Releases connections the store created. */
    @Override
    void close();

    /**
     * A workflow name with a count.
     *
     * @param name  the workflow name
     * @param count how many
     */
    record NameCount(String name, long count) {
    }
}
