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
     * Checks connectivity and that durable's schema exists and is up to date, changing nothing: for
     * a client that runs no workflows and leaves the schema to the application's executors.
     *
     * @throws io.durable.ConfigurationException when the tables are missing or older than this library
     */
    void startWithoutMigration();

    /**
     * Records (or refreshes) this process as the executor named in the registration.
     *
     * @param registration who is running
     * Sets its lease to expire the registration's lease duration from now (database clock).
     *
     * @param registration who is running
     * @return a description of another incarnation registered under the same executor ID whose
     *         lease has not expired and that did not stop cleanly (another live process may be using
     *         the same ID), else empty
     */
    Optional<String> registerExecutor(ExecutorRegistration registration);

    /**
     * Refreshes the executor's heartbeat and extends its lease by the registration's lease duration
     * from now (database clock), if the registration is still the current one.
     *
     * @param registration the registration made at start
     * @return false when another incarnation has registered under the same executor ID since
     */
    boolean heartbeat(ExecutorRegistration registration);

    /**
     * Inserts a PENDING workflow at epoch 1, or returns the existing execution with that ID. With
     * {@link NewWorkflow#queue()} set it enqueues instead: the row is ENQUEUED, owned by nobody, ordered
     * behind the queue's earlier rows of its priority, and not dequeued before its delay has passed.
     * Needs no engine: a client that runs no workflows enqueues through this method alone.
     *
     * @param workflow what to insert
     * @return whether it was inserted, and the row
     * @throws io.durable.DeduplicationConflictException when the queue already holds an ENQUEUED or PENDING
     *                                                   workflow with the same deduplication ID (nothing stored)
     */
    StartResult startWorkflow(NewWorkflow workflow);

    /**
     * Checks that this store provides durable queues, called at start when the process declares queues.
     *
     * @throws io.durable.UnsupportedFeatureException when it does not (nothing was recorded)
     */
    default void requireQueues() {
    }

    /**
     * One dequeue round: moves up to {@code maxRows} ready ENQUEUED workflows of the queue with one of
     * {@code names} to PENDING under {@code executorId} (epoch + 1, {@code dequeued_at} set), in priority
     * then enqueue order, within the queue's limits as {@code queue} declares them. Rows locked by a
     * concurrent round are skipped; a queue with a global limit is dequeued by one round at a time.
     *
     * @return what was taken, and when to look again
     */
    DequeueRound dequeue(io.durable.Queue queue, String executorId, Collection<String> names, int maxRows);

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

    /** @return the SQL of transactional steps, run on connections of the application's transactions */
    TransactionalSteps transactionalSteps();

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
     * Takes over unfinished workflows of other executors of {@code application} whose lease has
     * expired on the database clock (or that stopped cleanly), in one statement that re-checks the
     * expiry and skips rows another executor is claiming at the same moment: each claimed row gets
     * {@code owner = executorId} and its epoch raised; a runnable one (not waiting) also gets its
     * recovery count raised. Only workflows with one of {@code names} are taken.
     *
     * @param executorId    the executor taking over
     * @param application   its application
     * @param names         the workflow names this process can run
     * @param runnableLimit most runnable (not waiting) workflows to take, 0 for none
     * @param parkedLimit   most waiting workflows to take (they are only re-owned, not run)
     * @return what was taken, with the executor it was taken from
     */
    List<TakenOver> takeOver(String executorId, String application, Collection<String> names, int runnableLimit,
                             int parkedLimit);

    /**
     * Marks this incarnation of the executor as stopped cleanly, so its next start does not warn
     * about another live process, and its lease counts as expired at once (its unfinished workflows
     * may be taken over by other executors of its application).
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

    // ---- management ----------------------------------------------------------------------

    /**
     * One page of the workflow listing, newest first ({@code created_at DESC, id DESC}), starting after
     * the query's cursor.
     *
     * @param query filters, page size and cursor
     * @return up to {@code query.limit() + 1} rows: one more than the page holds tells that another follows
     */
    List<WorkflowRow> listWorkflows(io.durable.WorkflowQuery query);

    /**
     * Counts executions by name and status.
     *
     * @param createdFrom   inclusive lower bound of the creation time, or null
     * @param createdBefore exclusive upper bound of the creation time, or null
     * @return one entry per (name, status) present, ordered by name then status
     */
    List<io.durable.WorkflowCount> countWorkflows(java.time.Instant createdFrom, java.time.Instant createdBefore);


    // ---- waits, messages and events ------------------------------------------------------

    /**
     * Records that the workflow waits, only while {@code owner} holds it at {@code epoch}.
     *
     * @return false when fenced
     */
    boolean recordWait(Wait wait, String owner, long epoch);

    /**
     * Records a step that ends a wait (a timeout, a sleep, an event read) and clears the wait, in
     * one fenced write.
     */
    StepWrite recordWaitEnd(StepRow step, String owner, long epoch);

    /**
     * Consumes the oldest unconsumed message for (the step's workflow, topic), records it as the
     * step's output and clears the wait, atomically and fenced. When there is none and
     * {@code waitIfNone} is given, records that wait instead, in the same round trip.
     *
     * @param step       the step to record; its output is replaced by the message
     * @param topic      the topic
     * @param waitIfNone the wait to record when no message is there, or null
     * @return RECEIVED, NONE (with the wait recorded if one was given), CONFLICT or FENCED
     */
    Receipt receive(StepRow step, String topic, String owner, long epoch, Wait waitIfNone);

    /**
     * Stores a message from outside any workflow.
     *
     * @return false when a message with the same idempotency key was already stored for that destination
     */
    boolean send(Message message);

    /** How a direct hand-over ended. */
    enum HandOver { DELIVERED, DUPLICATE, NOT_DELIVERED }

    /**
     * Stores a message already consumed by a waiting recv: the message and the receiver's journal
     * entry (its output the message) in one statement, fenced by the receiver's ownership, only if
     * the receiver still waits at that position on that topic and no older message is waiting.
     *
     * @return DELIVERED; DUPLICATE when the idempotency key was taken (nothing stored); NOT_DELIVERED
     *         when the receiver could not take it this way (nothing stored: send it the usual way)
     */
    HandOver handOver(Message message, StepRow receiverStep, String owner, long epoch);

    /** Records a step that sends a message, and stores the message, in one fenced write. */
    StepWrite sendFromStep(StepRow step, String owner, long epoch, Message message);

    /** Records a step that publishes an event value, and stores the value, in one fenced write. */
    StepWrite setEvent(StepRow step, String owner, long epoch, String key, String value);

    /**
     * @return the current value of a workflow's event, if it was ever set
     */
    Optional<String> latestEvent(String workflowId, String key);

    /**
     * @return IDs of the executor's waiting workflows with one of {@code names} whose wait is over: a
     *         message or event they wait for is there, or their deadline has passed (at most {@code limit})
     */
    List<String> dueWaits(String owner, Collection<String> names, int limit);

    /**
     * Claims waiting workflows of the executor among {@code ids}, with one of {@code names}, whose
     * wait is over: clears their wait and raises their epoch.
     *
     * @return the claimed rows
     */
    List<WorkflowRow> claimDueWaits(String owner, Collection<String> names, Collection<String> ids);

    // ---- child workflows -----------------------------------------------------------------------

    /**
     * Starts a child workflow from its parent's journal position in one fenced write: inserts the
     * child row (PENDING, epoch 1, or ENQUEUED without owner when {@code child.queue()} is set; {@code parent_id}/{@code parent_position} from {@code parentStep},
     * the parent's {@code deadline_at} copied) unless its ID exists, and records {@code parentStep}
     * (which names the child) in the parent's journal, only while {@code owner} holds the parent at
     * {@code epoch}. Nothing is written when the parent is fenced, the position is taken or the ID
     * names a workflow of another name.
     *
     * @param child      the child to insert
     * @param parentStep the parent's journal entry for the start
     * @return what happened
     * @throws io.durable.DeduplicationConflictException when an enqueued child's deduplication ID is taken
     *                                                   (nothing written)
     */
    ChildStart startChild(NewWorkflow child, StepRow parentStep, String owner, long epoch);

    /**
     * @param ids workflow IDs
     * @return the rows of those that exist, in no particular order
     */
    List<WorkflowRow> findWorkflows(Collection<String> ids);

    /**
     * Records that the workflow waits until one ({@code all} false) or all of {@code childIds} have
     * finished, only while {@code owner} holds it at {@code epoch}. The wait has no deadline and is
     * cleared by {@link #recordWaitEnd}.
     *
     * @return false when fenced
     */
    boolean recordChildWait(String workflowId, int position, boolean all, List<String> childIds, String owner,
                            long epoch);

    /**
     * Publishes a wake-up to other processes, off the caller's path (may be dropped; waiters poll).
     *
     * @param payload what changed
     */
    void publish(String payload);

    /**
     * Delivers wake-ups published by any process to {@code listener} on a thread of the store, until
     * the returned handle is closed. A store without notifications returns a handle that does nothing.
     */
    AutoCloseable subscribe(java.util.function.Consumer<String> listener);

    // ---- cancellation, resume and fork ------------------------------------------------------

    /**
     * Marks the workflow (and with {@code withChildren} every workflow whose {@code parent_id} chain
     * leads to it) CANCELLED, where it is still ENQUEUED or PENDING: sets its error and completion time and
     * clears its wait. Owner and epoch stay, so a step that is running when the cancel lands can still
     * be recorded with {@link #recordStepAfterCancel}.
     *
     * @param errorFor the encoded error to record for a workflow ID
     * @return the workflows this call cancelled
     */
    List<String> cancel(String workflowId, boolean withChildren, java.util.function.Function<String, String> errorFor);

    /**
     * Records a step whose workflow was cancelled while the step ran: accepted only while the workflow
     * is CANCELLED and still held by {@code owner} at {@code epoch} (a resume raises the epoch).
     */
    StepWrite recordStepAfterCancel(StepRow step, String owner, long epoch);

    /**
     * Sets a CANCELLED, TIMED_OUT, FAILED or DEAD_LETTER workflow back to PENDING under {@code owner}
     * — or, if it was enqueued on a queue, back to ENQUEUED without owner at the end of its priority:
     * raises its epoch, resets its recovery count, clears its outcome and wait. Its deadline becomes
     * {@code deadline} when {@code replaceDeadline}, else is cleared if it had TIMED_OUT and kept
     * otherwise. A FAILED workflow whose last journal entry is a failed step loses that entry, so the
     * step runs again.
     *
     * @return the row as resumed, and the position of a removed failed step (0: none); empty when
     *         the workflow is not in one of those statuses
     */
    Optional<Resumed> resume(String workflowId, String owner, boolean replaceDeadline, java.time.Instant deadline);

    /**
     * Creates {@code newId} as a PENDING workflow of {@code owner} with the name and inputs of
     * {@code originalId}, its journal (and published events) up to but excluding {@code fromPosition},
     * and records where it was forked from; the original is not changed.
     *
     * @return the new row; empty when {@code newId} is taken or the original does not exist
     */
    Optional<WorkflowRow> fork(String originalId, String newId, int fromPosition, String owner);

    /**
     * A workflow set back to PENDING by {@link #resume}.
     *
     * @param row                 the row now in the database
     * @param removedFailedStep   the position of the failed last step removed so it runs again, 0 for none
     */
    record Resumed(WorkflowRow row, int removedFailedStep) {
    }

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
