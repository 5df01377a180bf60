package io.durable;

import io.durable.internal.engine.Engine;
import io.durable.internal.engine.EngineConfig;
import io.durable.internal.store.ConnectionSettings;
import io.durable.internal.store.StoreConfig;
import io.durable.internal.util.Sneaky;

import javax.sql.DataSource;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

import static io.durable.internal.store.ConnectionSettings.requirePositive;

/**
 * The entry point: durable workflows and steps checkpointed into the application's own database.
 *
 * <pre>{@code
 * Durable durable = Durable.builder()
 *         .jdbcUrl("jdbc:postgresql://localhost:5432/shop", "shop", "secret")
 *         .build();
 * Checkout checkout = durable.register(Checkout.class, new CheckoutImpl(payments));
 * durable.start();                       // migrate, register this executor, recover unfinished work
 * String receipt = durable.runWorkflow("order-42", () -> checkout.checkout(order));
 * durable.close();                       // unfinished workflows stay PENDING and are recovered later
 * }</pre>
 *
 * <p>Register implementations before {@link #start()} so recovery can find them (a later
 * registration recovers its own workflows when it happens). One instance per process; it is
 * thread-safe.
 */
public final class Durable implements AutoCloseable {
    private final Engine engine;

    private Durable(Engine engine) {
        this.engine = engine;
    }

    /**
     * Starts configuring an instance.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Connects, creates or migrates durable's schema, registers this process as an executor and
     * resumes this executor's unfinished workflows in the background.
     *
     * @throws DatabaseUnavailableException if the database cannot be reached (the message names the
     *                                      URL and user, never the password)
     */
    public void start() {
        engine.start();
    }

    /**
     * Stops: no new workflows, running steps may finish (up to the shutdown timeout), unfinished
     * workflows stay PENDING and are recovered by the next start. Callers waiting on results get
     * {@link WorkflowInterruptedException}.
     */
    @Override
    public void close() {
        engine.close();
    }

    /**
     * Returns a proxy of {@code iface} whose {@link Workflow} methods run durably and whose
     * {@link Step} methods are checkpointed when called inside a workflow.
     *
     * @param iface          the interface the implementation implements
     * @param implementation the object doing the work
     * @param <T>            the interface type
     * @return the proxy to call instead of the implementation
     * @throws ConfigurationException if annotations are misplaced or workflow names collide
     */
    public <T> T register(Class<T> iface, T implementation) {
        return engine.registry().register(iface, implementation);
    }

    /**
     * Runs the workflow the lambda calls under the given ID and waits for its result. Calling twice
     * with the same ID runs it once; both calls get the same result or failure.
     *
     * @param workflowId names the execution (an order ID, a request ID...)
     * @param workflow   a lambda calling one {@link Workflow} method through its proxy
     * @param <T>        the result type
     * @param <X>        a checked exception the workflow method declares, rethrown as it is
     * @return the workflow's result
     * @throws X when the workflow fails with it
     */
    @SuppressWarnings("unchecked")
    public <T, X extends Exception> T runWorkflow(String workflowId, WorkflowFunction<T, X> workflow) throws X {
        Objects.requireNonNull(workflow, "workflow");
        return (T) engine.registry().run(workflowId, workflow::call);
    }

    /**
     * Runs a workflow whose method returns {@code void}; see {@link #runWorkflow(String, WorkflowFunction)}.
     *
     * @param workflowId names the execution
     * @param workflow   a lambda calling one {@link Workflow} method through its proxy
     * @param <X>        a checked exception the workflow method declares
     * @throws X when the workflow fails with it
     */
    public <X extends Exception> void runWorkflow(String workflowId, WorkflowProcedure<X> workflow) throws X {
        Objects.requireNonNull(workflow, "workflow");
        engine.registry().run(workflowId, workflow::call);
    }

    /**
     * Starts the workflow the lambda calls under the given ID and returns at once. If the ID
     * already names an execution, returns a handle to that one instead.
     *
     * @param workflowId names the execution
     * @param workflow   a lambda calling one {@link Workflow} method through its proxy
     * @param <T>        the result type
     * @param <X>        a checked exception the workflow method declares
     * @return a handle to the execution
     */
    public <T, X extends Exception> WorkflowHandle<T> startWorkflow(String workflowId, WorkflowFunction<T, X> workflow) {
        Objects.requireNonNull(workflow, "workflow");
        return engine.registry().start(workflowId, workflow::call);
    }

    /**
     * Starts a workflow whose method returns {@code void}; see {@link #startWorkflow(String, WorkflowFunction)}.
     *
     * @param workflowId names the execution
     * @param workflow   a lambda calling one {@link Workflow} method through its proxy
     * @param <X>        a checked exception the workflow method declares
     * @return a handle to the execution
     */
    public <X extends Exception> WorkflowHandle<Void> startWorkflow(String workflowId, WorkflowProcedure<X> workflow) {
        Objects.requireNonNull(workflow, "workflow");
        return engine.registry().start(workflowId, workflow::call);
    }

    /**
     * Runs a workflow with a timeout or deadline and waits for its result; see
     * {@link #runWorkflow(String, WorkflowFunction)}. The deadline is stored with the workflow when
     * this call creates it (a second start of the same ID keeps the first one's deadline).
     *
     * <pre>{@code
     * String receipt = durable.runWorkflow("order-42", StartOptions.timeout(Duration.ofMinutes(10)),
     *         () -> checkout.checkout(order));   // WorkflowTimedOutException if it takes longer
     * }</pre>
     *
     * @param workflowId names the execution
     * @param options    its timeout or deadline
     * @param workflow   a lambda calling one {@link Workflow} method through its proxy
     * @param <T>        the result type
     * @param <X>        a checked exception the workflow method declares
     * @return the workflow's result
     * @throws X when the workflow fails with it
     * @throws WorkflowTimedOutException when its deadline passes first
     */
    @SuppressWarnings("unchecked")
    public <T, X extends Exception> T runWorkflow(String workflowId, StartOptions options,
                                                 WorkflowFunction<T, X> workflow) throws X {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(workflow, "workflow");
        return (T) engine.registry().run(workflowId, options, workflow::call);
    }

    /**
     * Runs a {@code void} workflow with a timeout or deadline; see {@link #runWorkflow(String, StartOptions, WorkflowFunction)}.
     *
     * <pre>{@code
     * durable.runWorkflow("nightly-2030-01-01", StartOptions.deadline(sixAm), () -> batch.run(day));
     * }</pre>
     *
     * @param workflowId names the execution
     * @param options    its timeout or deadline
     * @param workflow   a lambda calling one {@link Workflow} method through its proxy
     * @param <X>        a checked exception the workflow method declares
     * @throws X when the workflow fails with it
     */
    public <X extends Exception> void runWorkflow(String workflowId, StartOptions options,
                                                  WorkflowProcedure<X> workflow) throws X {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(workflow, "workflow");
        engine.registry().run(workflowId, options, workflow::call);
    }

    /**
     * Starts a workflow with a timeout or deadline and returns at once; see
     * {@link #startWorkflow(String, WorkflowFunction)} and {@link StartOptions}. With a queue in the
     * options ({@link StartOptions#queue(String)}) the workflow is enqueued instead: stored
     * {@link WorkflowStatus#ENQUEUED} and run by a process that declares the queue; inside workflow code
     * the enqueue is checkpointed like a child start. See {@code docs/queues.md}.
     *
     * <pre>{@code
     * WorkflowHandle<String> h = durable.startWorkflow("order-42", StartOptions.timeout(Duration.ofHours(1)),
     *         () -> checkout.checkout(order));
     * durable.startWorkflow("welcome-42", StartOptions.queue("emails").withDeduplicationId("user-42"),
     *         () -> mail.welcome(user));   // DeduplicationConflictException while another is active
     * }</pre>
     *
     * @param workflowId names the execution
     * @param options    its timeout or deadline
     * @param workflow   a lambda calling one {@link Workflow} method through its proxy
     * @param <T>        the result type
     * @param <X>        a checked exception the workflow method declares
     * @return a handle to the execution
     */
    public <T, X extends Exception> WorkflowHandle<T> startWorkflow(String workflowId, StartOptions options,
                                                                    WorkflowFunction<T, X> workflow) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(workflow, "workflow");
        return engine.registry().start(workflowId, options, workflow::call);
    }

    /**
     * Starts a {@code void} workflow with a timeout or deadline; see {@link #startWorkflow(String, StartOptions, WorkflowFunction)}.
     *
     * <pre>{@code
     * durable.startWorkflow("cleanup-7", StartOptions.timeout(Duration.ofMinutes(30)), () -> jobs.cleanup(7));
     * }</pre>
     *
     * @param workflowId names the execution
     * @param options    its timeout or deadline
     * @param workflow   a lambda calling one {@link Workflow} method through its proxy
     * @param <X>        a checked exception the workflow method declares
     * @return a handle to the execution
     */
    public <X extends Exception> WorkflowHandle<Void> startWorkflow(String workflowId, StartOptions options,
                                                                   WorkflowProcedure<X> workflow) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(workflow, "workflow");
        return engine.registry().start(workflowId, options, workflow::call);
    }

    // ---- cancel, resume, fork ---------------------------------------------------------------

    /**
     * Cancels a workflow: marks it {@link WorkflowStatus#CANCELLED} in the database at once, from any
     * process. A run waiting ({@code recv}, {@code sleep}, {@code getEvent}) is woken and stops; a
     * run executing a step lets that step finish, records its result, and stops before the next one;
     * a run still queued for a thread never starts, and an {@link WorkflowStatus#ENQUEUED} workflow is never
     * dequeued. {@link WorkflowHandle#result()} then throws
     * {@link WorkflowCancelledException}. Workflows it started as children keep running; see
     * {@link #cancel(String, boolean)}.
     *
     * <pre>{@code
     * if (durable.cancel("order-42")) { ... it was running and is now cancelled ... }
     * }</pre>
     *
     * @param workflowId the workflow
     * @return true if this call cancelled it; false if it had already finished (any status other than
     *         ENQUEUED or PENDING), which is left as it is
     * @throws WorkflowNotFoundException if no workflow has that ID
     */
    public boolean cancel(String workflowId) {
        return engine.cancel(workflowId, false);
    }

    /**
     * Cancels a workflow and, with {@code withChildren}, every unfinished workflow below it (its
     * children, their children, and so on); see {@link #cancel(String)}.
     *
     * <pre>{@code
     * durable.cancel("order-42", true);   // the order and every child it started
     * }</pre>
     *
     * @param workflowId   the workflow
     * @param withChildren also cancel the workflows it started, transitively
     * @return true if this call cancelled {@code workflowId} itself (its descendants are cancelled
     *         where unfinished even when it had already finished)
     * @throws WorkflowNotFoundException if no workflow has that ID
     */
    public boolean cancel(String workflowId, boolean withChildren) {
        return engine.cancel(workflowId, withChildren);
    }

    /**
     * Continues a CANCELLED, TIMED_OUT, FAILED or DEAD_LETTER workflow from its last checkpoint, in
     * this process: it becomes PENDING again (under a new ownership epoch, with its recovery count
     * reset and its recorded outcome cleared) and replays its journal; recorded steps are not run
     * again. A FAILED workflow whose last journal entry is a failed step has that entry removed, so
     * the step runs again (earlier failed steps the workflow caught stay recorded). A TIMED_OUT
     * workflow loses its deadline; the others keep theirs (see {@link #resume(String, StartOptions)}).
     * A workflow that was enqueued on a queue goes back on it instead ({@link WorkflowStatus#ENQUEUED}, at
     * the end of its priority) and continues when dequeued, under the queue's limits.
     * An ENQUEUED or PENDING workflow is left alone (the handle is returned).
     *
     * <pre>{@code
     * String receipt = durable.<String>resume("order-42").result();
     * }</pre>
     *
     * @param workflowId the workflow
     * @param <T>        its result type
     * @return a handle to the resumed execution
     * @throws WorkflowNotFoundException if no workflow has that ID
     * @throws IllegalStateException     if it SUCCEEDED, or its workflow is not registered in this process
     */
    public <T> WorkflowHandle<T> resume(String workflowId) {
        return engine.resume(workflowId, null);
    }

    /**
     * Like {@link #resume(String)}, giving the workflow a new timeout (measured from now) or
     * deadline, or none with {@link StartOptions#defaults()}.
     *
     * <pre>{@code
     * durable.resume("report-7", StartOptions.timeout(Duration.ofHours(1)));
     * }</pre>
     *
     * @param workflowId the workflow
     * @param options    its new timeout or deadline
     * @param <T>        its result type
     * @return a handle to the resumed execution
     */
    public <T> WorkflowHandle<T> resume(String workflowId, StartOptions options) {
        Objects.requireNonNull(options, "options");
        return engine.resume(workflowId, options);
    }

    /**
     * Starts a new execution of the same workflow with the same arguments whose journal is a copy of
     * {@code workflowId}'s steps at positions below {@code fromStep}; those replay, and the steps from
     * {@code fromStep} on run again (with the code deployed now, e.g. after a fix). The original
     * execution and its journal are not changed. The new ID is generated
     * ({@code <workflowId>:fork:<uuid>}); the new execution has no deadline and runs in this process.
     *
     * <pre>{@code
     * WorkflowHandle<String> again = durable.fork("order-42", 3);   // steps 1-2 reused, 3.. run again
     * String receipt = again.result();
     * }</pre>
     *
     * @param workflowId the execution to fork
     * @param fromStep   the first position to run again, from 1 to (its last recorded position + 1)
     * @param <T>        the result type
     * @return a handle to the new execution
     * @throws IllegalArgumentException  if {@code fromStep} is out of range
     * @throws WorkflowNotFoundException if no workflow has that ID
     */
    public <T> WorkflowHandle<T> fork(String workflowId, int fromStep) {
        return engine.fork(workflowId, fromStep, null);
    }

    /**
     * Like {@link #fork(String, int)}, under a workflow ID of the caller's choice.
     *
     * <pre>{@code
     * durable.fork("order-42", 3, "order-42-retry-1");
     * }</pre>
     *
     * @param workflowId    the execution to fork
     * @param fromStep      the first position to run again
     * @param newWorkflowId the new execution's ID; must not be taken
     * @param <T>           the result type
     * @return a handle to the new execution
     * @throws IllegalArgumentException if {@code fromStep} is out of range or the ID is taken
     */
    public <T> WorkflowHandle<T> fork(String workflowId, int fromStep, String newWorkflowId) {
        Objects.requireNonNull(newWorkflowId, "newWorkflowId");
        return engine.fork(workflowId, fromStep, newWorkflowId);
    }

    /**
     * Starts the workflow the lambda calls under a derived ID. Inside workflow code it starts a
     * <em>child</em> whose ID is {@code <parentId>/<position>} (the start is checkpointed: a replay
     * returns the same child and never starts a second one); elsewhere the ID is a random UUID.
     * {@link #startWorkflow(String, WorkflowFunction)} inside workflow code starts a child under the
     * given ID instead. See {@code docs/children.md}.
     *
     * <pre>{@code
     * WorkflowHandle<Receipt> child = durable.startWorkflow(() -> shipping.ship(item));
     * Receipt receipt = child.result();   // inside a workflow: a durable wait that parks
     * }</pre>
     *
     * @param workflow a lambda calling one {@link Workflow} method through its proxy
     * @param <T>      the result type
     * @param <X>      a checked exception the workflow method declares
     * @return a handle to the execution
     */
    public <T, X extends Exception> WorkflowHandle<T> startWorkflow(WorkflowFunction<T, X> workflow) {
        Objects.requireNonNull(workflow, "workflow");
        return engine.registry().start(workflow::call);
    }

    /**
     * Starts a workflow whose method returns {@code void} under a derived ID; see
     * {@link #startWorkflow(WorkflowFunction)}.
     *
     * @param workflow a lambda calling one {@link Workflow} method through its proxy
     * @param <X>      a checked exception the workflow method declares
     * @return a handle to the execution
     */
    public <X extends Exception> WorkflowHandle<Void> startWorkflow(WorkflowProcedure<X> workflow) {
        Objects.requireNonNull(workflow, "workflow");
        return engine.registry().start(workflow::call);
    }

    /**
     * Waits until every workflow has finished and returns their results in the order given. Inside
     * workflow code this is one durable wait (it parks like {@link #recv} after the hot window) and
     * each result is recorded in the journal, so a replay returns them without waiting again.
     *
     * <pre>{@code
     * List<WorkflowHandle<Integer>> parts = new ArrayList<>();
     * for (Item item : order.items()) {
     *     parts.add(durable.startWorkflow(() -> packing.pack(item)));
     * }
     * int total = durable.awaitAll(parts).stream().mapToInt(Integer::intValue).sum();
     * }</pre>
     *
     * @param handles the workflows, e.g. children this workflow started
     * @param <T>     their result type
     * @return their results, in the order of {@code handles}
     * @throws WorkflowFailedException (or the unchecked exception itself) for the first workflow, in
     *                                 list order, that failed
     */
    @SuppressWarnings("unchecked")
    public <T> List<T> awaitAll(List<? extends WorkflowHandle<? extends T>> handles) {
        return (List<T>) engine.awaitAll(ids(handles));
    }

    /**
     * Waits until one of the workflows has finished and returns which one, with its outcome. Inside
     * workflow code the choice is recorded: a replay returns the same workflow even if others
     * finished meanwhile; the wait parks like {@link #recv} after the hot window.
     *
     * <pre>{@code
     * FirstFinished<Quote> first = durable.awaitAny(List.of(supplierA, supplierB));
     * Quote quote = first.result();
     * }</pre>
     *
     * @param handles the workflows (at least one)
     * @param <T>     their result type
     * @return the first to finish (the earliest completion; ties go to the first in the list)
     */
    public <T> FirstFinished<T> awaitAny(List<? extends WorkflowHandle<? extends T>> handles) {
        if (handles.isEmpty()) {
            throw new IllegalArgumentException("awaitAny needs at least one workflow handle");
        }
        return engine.awaitAny(ids(handles));
    }

    private static List<String> ids(List<? extends WorkflowHandle<?>> handles) {
        Objects.requireNonNull(handles, "handles");
        return handles.stream().map(h -> Objects.requireNonNull(h, "a workflow handle").workflowId()).toList();
    }

    /**
     * A handle to an existing execution, started by this or any other process.
     *
     * @param workflowId the execution's ID
     * @param <T>        the result type the caller expects
     * @return a handle
     * @throws WorkflowNotFoundException if no execution has that ID
     */
    public <T> WorkflowHandle<T> retrieve(String workflowId) {
        return engine.retrieve(workflowId);
    }

    /**
     * Runs an inline step: inside a workflow its result (or exception) is checkpointed and replay
     * returns the recorded outcome; outside a workflow or inside another step it simply runs.
     *
     * @param name a name stable across deployments, checked on replay
     * @param body the work
     * @param <T>  the result type
     * @param <X>  a checked exception the body may throw
     * @return the result
     * @throws X when the step fails with it
     */
    public <T, X extends Exception> T step(String name, StepFunction<T, X> body) throws X {
        return step(name, StepOptions.defaults(), body);
    }

    /**
     * Runs an inline step with retry options; see {@link #step(String, StepFunction)}.
     *
     * @param name    a name stable across deployments
     * @param options attempts and backoff
     * @param body    the work
     * @param <T>     the result type
     * @param <X>     a checked exception the body may throw
     * @return the result
     * @throws X when the last attempt fails with it
     */
    @SuppressWarnings("unchecked")
    public <T, X extends Exception> T step(String name, StepOptions options, StepFunction<T, X> body) throws X {
        requireStepArguments(name, options, body);
        try {
            return (T) engine.step(name, options, body::run);
        } catch (Throwable t) {
            throw Sneaky.<X>rethrow(t);
        }
    }

    /**
     * Runs an inline step that returns nothing; see {@link #step(String, StepFunction)}.
     *
     * @param name a name stable across deployments
     * @param body the work
     * @param <X>  a checked exception the body may throw
     * @throws X when the step fails with it
     */
    public <X extends Exception> void step(String name, StepProcedure<X> body) throws X {
        step(name, StepOptions.defaults(), body);
    }

    /**
     * Runs an inline step that returns nothing, with retry options.
     *
     * @param name    a name stable across deployments
     * @param options attempts and backoff
     * @param body    the work
     * @param <X>     a checked exception the body may throw
     * @throws X when the last attempt fails with it
     */
    public <X extends Exception> void step(String name, StepOptions options, StepProcedure<X> body) throws X {
        requireStepArguments(name, options, body);
        try {
            engine.step(name, options, () -> {
                body.run();
                return null;
            });
        } catch (Throwable t) {
            throw Sneaky.<X>rethrow(t);
        }
    }

    /**
     * Runs a transactional step: {@code body} does its JDBC work on a connection of the application's
     * database inside a transaction, and durable records the step's checkpoint on the same connection
     * before committing, so the work is applied exactly once. On replay the recorded result is
     * returned and the body does not run; after a crash before the commit it runs again, after a
     * crash after the commit never again. A failing body rolls back and leaves nothing behind; it is
     * retried like any step ({@link StepOptions}). Serialization failures and deadlocks (SQLSTATE
     * 40001, 40P01) run the whole transaction again with backoff, without counting as attempts.
     *
     * <p>Outside a workflow or inside another step it is a plain transaction with no checkpoint. The
     * connection comes from {@link Builder#transactionDataSource}, by default durable's own.
     *
     * <pre>{@code
     * Reservation r = durable.transaction("reserve-inventory", connection -> inventory.reserve(connection, sku, 1));
     * }</pre>
     *
     * @param name a name stable across deployments, checked on replay
     * @param body the work; it must not commit, roll back or close the connection
     * @param <T>  the result type
     * @param <X>  a checked exception the body may throw
     * @return the result
     * @throws X when the step fails with it
     */
    public <T, X extends Exception> T transaction(String name, TransactionBody<T, X> body) throws X {
        return transaction(name, StepOptions.defaults(), body);
    }

    /**
     * Runs a transactional step with retry options; see {@link #transaction(String, TransactionBody)}.
     *
     * @param name    a name stable across deployments
     * @param options attempts and backoff after failures of the body
     * @param body    the work
     * @param <T>     the result type
     * @param <X>     a checked exception the body may throw
     * @return the result
     * @throws X when the last attempt fails with it
     */
    @SuppressWarnings("unchecked")
    public <T, X extends Exception> T transaction(String name, StepOptions options, TransactionBody<T, X> body)
            throws X {
        requireStepArguments(name, options, body);
        try {
            return (T) engine.transaction(name, options, body);
        } catch (Throwable t) {
            throw Sneaky.<X>rethrow(t);
        }
    }

    /**
     * The current time, recorded inside a workflow so replay sees the same instant.
     *
     * @return the recorded instant inside a workflow, {@link Instant#now()} outside
     */
    public Instant now() {
        return engine.now();
    }

    /**
     * A random UUID, recorded inside a workflow so replay sees the same one.
     *
     * @return the recorded UUID inside a workflow, a fresh one outside
     */
    public UUID randomUUID() {
        return engine.randomUUID();
    }

    /**
     * A key that is the same every time the running step is executed for this workflow (first run,
     * retry or re-execution after a crash), and different for every other step: pass it to payment
     * providers and other external APIs so a repeated call is recognised.
     *
     * @return {@code workflowId + ":" + position}
     * @throws NotInWorkflowException outside a step
     */
    public String idempotencyKey() {
        return engine.idempotencyKey();
    }

    // ---- messages, events and durable timers ----------------------------------------------

    /**
     * Sends a message to a workflow, to be consumed by its {@link #recv} on {@code topic}. Inside a
     * workflow the send is checkpointed: a replay does not send it again. Outside one, use
     * {@link #send(String, String, Object, String)} with an idempotency key when the caller itself
     * may retry (a webhook delivered twice).
     *
     * <p>The destination need not exist yet: the message is stored and a workflow started later
     * under that ID receives it. Messages are never dropped; {@link #workflow(String)} tells
     * whether an ID names an execution.
     *
     * <pre>{@code
     * durable.send("order-42", "payment", new PaymentResult("paid", "ch_1"));
     * }</pre>
     *
     * @param workflowId the receiving workflow's ID
     * @param topic      the topic it receives on
     * @param message    any value durable can record (not null)
     */
    public void send(String workflowId, String topic, Object message) {
        engine.send(workflowId, topic, message, null);
    }

    /**
     * Sends a message at most once per {@code idempotencyKey} and destination: a second send with
     * the same key is dropped silently (the first one stands).
     *
     * <pre>{@code
     * durable.send("order-42", "payment", result, webhook.eventId());
     * }</pre>
     *
     * @param workflowId     the receiving workflow's ID
     * @param topic          the topic it receives on
     * @param message        any value durable can record (not null)
     * @param idempotencyKey unique per message for this destination, e.g. the webhook's event ID
     */
    public void send(String workflowId, String topic, Object message, String idempotencyKey) {
        Objects.requireNonNull(idempotencyKey, "idempotencyKey");
        engine.send(workflowId, topic, message, idempotencyKey);
    }

    /**
     * Inside a workflow: consumes the oldest message sent to this workflow on {@code topic}, waiting
     * up to {@code timeout} for one. The message is consumed exactly once, in the same transaction
     * that records it in the journal; a replay returns the same message. The deadline is fixed the
     * first time this call runs: a restart does not extend it. A long wait releases the thread
     * (see {@link Builder#hotWaitWindow(Duration)}).
     *
     * <pre>{@code
     * Optional<Approval> answer = durable.recv("approval", Duration.ofDays(7), Approval.class);
     * if (answer.isEmpty()) { ... timed out ... }
     * }</pre>
     *
     * @param topic   the topic
     * @param timeout how long to wait; zero only takes a message that is already there
     * @param type    the message's class (a recorded value of another type is converted if it can be)
     * @return the message, or empty on timeout
     * @throws NotInWorkflowException outside a workflow, or inside a step
     */
    public <T> Optional<T> recv(String topic, Duration timeout, Class<T> type) {
        return engine.recv(topic, timeout, type);
    }

    /**
     * Inside a workflow: publishes {@code value} under {@code key}, checkpointed. Anyone can read
     * the latest value with {@link #getEvent}; earlier values are kept in the database as history.
     *
     * <pre>{@code
     * durable.setEvent("status", "waiting-for-approval");
     * }</pre>
     *
     * @param key   the event key
     * @param value any value durable can record (not null)
     * @throws NotInWorkflowException outside a workflow, or inside a step
     */
    public void setEvent(String key, Object value) {
        engine.setEvent(key, value);
    }

    /**
     * The latest value a workflow published under {@code key}, waiting up to {@code timeout} until
     * it is set. Callable from anywhere; inside a workflow the value read is checkpointed (replay
     * sees the same one) and a long wait releases the thread like {@link #recv}.
     *
     * <pre>{@code
     * Optional<String> status = durable.getEvent("agent-7", "status", Duration.ofSeconds(5), String.class);
     * }</pre>
     *
     * @param workflowId the publishing workflow
     * @param key        the event key
     * @param timeout    how long to wait for a first value
     * @param type       the value's class
     * @return the latest value, or empty if none was set in time
     */
    public <T> Optional<T> getEvent(String workflowId, String key, Duration timeout, Class<T> type) {
        return engine.getEvent(workflowId, key, timeout, type);
    }

    /**
     * Inside a workflow: a durable timer. The wake-up time is recorded when the sleep first runs, so
     * a restart neither extends nor repeats it; a long sleep releases the thread.
     *
     * <pre>{@code
     * durable.sleep(Duration.ofDays(3)); // then send the reminder
     * }</pre>
     *
     * @param duration how long to sleep
     * @throws NotInWorkflowException outside a workflow, or inside a step
     */
    public void sleep(Duration duration) {
        engine.sleep(duration);
    }

    /**
     * @return the ID of the workflow running on this thread, or empty outside a workflow
     */
    public Optional<String> currentWorkflowId() {
        return engine.currentWorkflowId();
    }

    /**
     * What the database holds about an execution: status, name, inputs, output or error,
     * timestamps and owning executor.
     *
     * @param workflowId the execution's ID
     * @return the record, or empty if there is none
     */
    public Optional<WorkflowInfo> workflow(String workflowId) {
        return engine.workflow(workflowId);
    }

    /**
     * The journal of an execution: one entry per recorded step, in position order, with its name,
     * outcome (value or exception), attempts, duration and the child workflow it started.
     *
     * <pre>{@code
     * for (StepInfo s : durable.steps("order-42")) {
     *     System.out.println(s.position() + " " + s.name() + " " + s.status() + " " + s.duration()
     *             + s.childWorkflowId().map(c -> " -> " + c).orElse(""));
     * }
     * }</pre>
     *
     * @param workflowId the execution's ID
     * @return the recorded steps (empty if none or unknown)
     */
    public List<StepInfo> steps(String workflowId) {
        return engine.steps(workflowId);
    }

    /**
     * Lists executions newest first, filtered and paged; see {@link WorkflowQuery}. Served by indexes
     * (see docs/management.md), so a page costs about the same on a table of any size.
     *
     * <pre>{@code
     * WorkflowQuery stuck = WorkflowQuery.all().status(WorkflowStatus.PENDING).name("checkout").limit(20);
     * WorkflowPage page = durable.listWorkflows(stuck);
     * page.items().forEach(w -> System.out.println(w.id() + " since " + w.createdAt()));
     * if (page.hasMore()) {
     *     page = durable.listWorkflows(stuck.after(page.nextCursor().get()));
     * }
     * }</pre>
     *
     * @param query filters, page size and the cursor of the previous page
     * @return at most {@code query.limit()} executions, and a cursor when more follow
     */
    public WorkflowPage listWorkflows(WorkflowQuery query) {
        return engine.listWorkflows(query);
    }

    /**
     * Counts every execution by workflow name and status, for a dashboard. It reads the whole table:
     * on a large one, prefer {@link #countWorkflows(Instant, Instant)} with a recent time range.
     *
     * <pre>{@code
     * durable.countWorkflows().forEach(c -> System.out.println(c.name() + " " + c.status() + " " + c.count()));
     * }</pre>
     *
     * @return one entry per (name, status) present, ordered by name then status
     */
    public List<WorkflowCount> countWorkflows() {
        return engine.countWorkflows(null, null);
    }

    /**
     * Counts the executions created in {@code [from, before)} by workflow name and status.
     *
     * <pre>{@code
     * Instant now = Instant.now();
     * List<WorkflowCount> lastHour = durable.countWorkflows(now.minus(Duration.ofHours(1)), now);
     * }</pre>
     *
     * @param from   inclusive lower bound of the creation time (database clock)
     * @param before exclusive upper bound
     * @return one entry per (name, status) present, ordered by name then status
     * @throws IllegalArgumentException if {@code from} is not before {@code before}
     */
    public List<WorkflowCount> countWorkflows(Instant from, Instant before) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(before, "before");
        return engine.countWorkflows(from, before);
    }

    /** @return this process's executor ID */
    public String executorId() {
        return engine.executorId();
    }

    private static void requireStepArguments(String name, StepOptions options, Object body) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("step name must not be null or blank");
        }
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(body, "body");
    }

    /**
     * Configures a {@link Durable}. Every setting has a default ({@code DEFAULT_*}); {@link #build()}
     * validates them and names what to change when something is wrong.
     *
     * <pre>{@code
     * Durable durable = Durable.builder()
     *         .dataSource(appDataSource)          // or .jdbcUrl(url, user, password)
     *         .schema("durable")                  // where durable's tables live
     *         .executorId("checkout-1")           // stable across restarts of this process
     *         .application("checkout")            // executors of one application take over each other's work
     *         .maxConcurrentWorkflows(64)
     *         .build();
     * }</pre>
     */
    public static final class Builder {
        /** Schema holding durable's tables. */
        public static final String DEFAULT_SCHEMA = "durable";
        /** Workflows that run at once in this process (one thread each). */
        public static final int DEFAULT_MAX_CONCURRENT_WORKFLOWS = 64;
        /** Connections in the pool durable creates for {@link #jdbcUrl}. */
        public static final int DEFAULT_POOL_SIZE = 16;
        /** How long to wait for a connection from durable's own pool, at start and after. */
        public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
        /** How long a write is retried through connection failures before the workflow is interrupted. */
        public static final Duration DEFAULT_DATABASE_RETRY_TIMEOUT = Duration.ofSeconds(60);
        /** How often this executor refreshes its heartbeat row. */
        public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(5);
        /** Default for {@link #leaseDuration(Duration)}. */
        public static final Duration DEFAULT_LEASE_DURATION = Duration.ofSeconds(30);
        /** Default for {@link #application(String)} when {@value #APPLICATION_ENV} is not set. */
        public static final String DEFAULT_APPLICATION = "default";
        /** How long close() lets running steps finish. */
        public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);
        /** Largest serialized argument, result or exception. */
        public static final long DEFAULT_MAX_PAYLOAD_BYTES = 16L * 1024 * 1024;
        /** Batches of checkpoints written at once (each on its own connection). */
        public static final int DEFAULT_CHECKPOINT_WRITERS = 2;
        /** Most checkpoints (starts, steps, completions of any workflows) committed in one batch. */
        public static final int DEFAULT_CHECKPOINT_BATCH_SIZE = 512;
        /** Default for {@link #hotWaitWindow(Duration)}. */
        public static final Duration DEFAULT_HOT_WAIT_WINDOW = Duration.ofSeconds(1);
        /** Default for {@link #pollInterval(Duration)}. */
        public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(1);
        /** Default for {@link #maxRecoveryAttempts(int)}. */
        public static final int DEFAULT_MAX_RECOVERY_ATTEMPTS = 100;
        /** Environment variable naming this process's executor ID. */
        public static final String EXECUTOR_ID_ENV = "DURABLE_EXECUTOR_ID";
        /** Environment variable naming this process's application. */
        public static final String APPLICATION_ENV = "DURABLE_APPLICATION";
        /** Environment variable with a JDBC URL, used when neither a DataSource nor a URL is set. */
        public static final String DATABASE_URL_ENV = ConnectionSettings.DATABASE_URL_ENV;
        /** Environment variable with the user for {@link #DATABASE_URL_ENV}. */
        public static final String DATABASE_USER_ENV = ConnectionSettings.DATABASE_USER_ENV;
        /** Environment variable with the password for {@link #DATABASE_URL_ENV}. */
        public static final String DATABASE_PASSWORD_ENV = ConnectionSettings.DATABASE_PASSWORD_ENV;

        private final ConnectionSettings connection = new ConnectionSettings(DEFAULT_SCHEMA, DEFAULT_POOL_SIZE,
                DEFAULT_CONNECT_TIMEOUT, DEFAULT_DATABASE_RETRY_TIMEOUT, DEFAULT_MAX_PAYLOAD_BYTES);
        private String executorId;
        private String application;
        private int maxConcurrentWorkflows = DEFAULT_MAX_CONCURRENT_WORKFLOWS;
        private Duration heartbeatInterval = DEFAULT_HEARTBEAT_INTERVAL;
        private Duration leaseDuration = DEFAULT_LEASE_DURATION;
        private Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;
        private Integer checkpointWriters;
        private DataSource transactionDataSource;
        private int checkpointBatchSize = DEFAULT_CHECKPOINT_BATCH_SIZE;
        private Duration hotWaitWindow = DEFAULT_HOT_WAIT_WINDOW;
        private Duration pollInterval = DEFAULT_POLL_INTERVAL;
        private int maxRecoveryAttempts = DEFAULT_MAX_RECOVERY_ATTEMPTS;
        private final List<Queue> queues = new java.util.ArrayList<>();

        private Builder() {
        }

        /**
         * Use the application's DataSource (durable does not close it). Typically a pool such as HikariCP.
         *
         * @param dataSource the DataSource
         * @return this builder
         */
        public Builder dataSource(DataSource dataSource) {
            connection.dataSource(dataSource);
            return this;
        }

        /**
         * Connect to this JDBC URL through a pool durable creates (and closes).
         *
         * @param url      e.g. {@code jdbc:postgresql://localhost:5432/app}
         * @param user     database user
         * @param password password, may be null; never logged
         * @return this builder
         */
        public Builder jdbcUrl(String url, String user, String password) {
            connection.jdbcUrl(url, user, password);
            return this;
        }

        /**
         * Keep durable's tables in an embedded SQLite file (created if missing): the default, at
         * {@value io.durable.internal.store.ConnectionSettings#DEFAULT_SQLITE_FILE} in the working
         * directory, when no DataSource, JDBC URL or {@value ConnectionSettings#DATABASE_URL_ENV} is set.
         * One process runs workflows from a file at a time; use PostgreSQL for several instances and
         * for queues. See {@code docs/stores.md}.
         *
         * @param file the database file, e.g. {@code Path.of("orders.db")}
         * @return this builder
         */
        public Builder sqlite(java.nio.file.Path file) {
            connection.sqlite(file);
            return this;
        }

        /**
         * @param schema schema for durable's tables; lower-case letters, digits and underscores
         * @return this builder
         */
        public Builder schema(String schema) {
            connection.schema(schema);
            return this;
        }

        /**
         * @param executorId this process's ID, stable across its restarts so it recovers its own work
         *                   (default: {@code $DURABLE_EXECUTOR_ID}, else the host name)
         * @return this builder
         */
        public Builder executorId(String executorId) {
            this.executorId = executorId;
            return this;
        }

        /**
         * The application this process belongs to. When an executor's lease expires, a live executor of
         * the same application takes over its unfinished workflows; executors of other applications
         * sharing the database never touch them.
         *
         * <pre>{@code
         * Durable.builder().application("checkout")
         * }</pre>
         *
         * @param application 1 to 128 characters (default: {@code $DURABLE_APPLICATION}, else
         *                    {@value #DEFAULT_APPLICATION})
         * @return this builder
         */
        public Builder application(String application) {
            this.application = application;
            return this;
        }

        /**
         * @param maxConcurrentWorkflows workflows running at once in this process; more wait their turn
         * @return this builder
         */
        public Builder maxConcurrentWorkflows(int maxConcurrentWorkflows) {
            this.maxConcurrentWorkflows = maxConcurrentWorkflows;
            return this;
        }

        /**
         * @param poolSize connections in the pool durable creates for {@link #jdbcUrl}, at least 2; ignored with a
         *                 DataSource
         * @return this builder
         */
        public Builder poolSize(int poolSize) {
            connection.poolSize(poolSize);
            return this;
        }

        /**
         * @param connectTimeout how long to wait for a connection from the pool durable creates for
         *                       {@link #jdbcUrl}, at start and after; a DataSource you pass brings its own
         * @return this builder
         */
        public Builder connectTimeout(Duration connectTimeout) {
            connection.connectTimeout(connectTimeout);
            return this;
        }

        /**
         * @param databaseRetryTimeout how long writes are retried through connection failures
         * @return this builder
         */
        public Builder databaseRetryTimeout(Duration databaseRetryTimeout) {
            connection.databaseRetryTimeout(databaseRetryTimeout);
            return this;
        }

        /**
         * @param heartbeatInterval how often this executor refreshes its heartbeat and lease, and looks
         *                          for expired executors whose workflows it takes over (default
         *                          {@link #DEFAULT_HEARTBEAT_INTERVAL})
         * @return this builder
         */
        public Builder heartbeatInterval(Duration heartbeatInterval) {
            this.heartbeatInterval = heartbeatInterval;
            return this;
        }

        /**
         * How long after its last heartbeat this executor still counts as alive, judged on the
         * database clock. Once it has expired, another executor of the same application takes over its
         * unfinished workflows; a process that stopped cleanly counts as expired at once. A dead
         * executor's workflows resume elsewhere at worst about lease + heartbeat interval after its
         * last heartbeat. Must be at least twice the heartbeat interval, so one late heartbeat does
         * not cost a live executor its work.
         *
         * <pre>{@code
         * Durable.builder().heartbeatInterval(Duration.ofSeconds(2)).leaseDuration(Duration.ofSeconds(10))
         * }</pre>
         *
         * @param leaseDuration the lease (default {@link #DEFAULT_LEASE_DURATION})
         * @return this builder
         */
        public Builder leaseDuration(Duration leaseDuration) {
            this.leaseDuration = leaseDuration;
            return this;
        }

        /**
         * How long a waiting workflow ({@code recv}, {@code sleep}, {@code getEvent}) keeps its thread,
         * woken in memory, before it parks: it then holds no thread and is resumed by replay when the
         * wait is over. Waits park at once while other workflows queue for a thread. Zero parks
         * every wait at once.
         *
         * @param hotWaitWindow the window (default {@link #DEFAULT_HOT_WAIT_WINDOW})
         * @return this builder
         */
        public Builder hotWaitWindow(Duration hotWaitWindow) {
            this.hotWaitWindow = hotWaitWindow;
            return this;
        }

        /**
         * How often the database is asked which parked waits are over, the fallback when a wake-up
         * notification is lost, and the precision of parked timeouts and sleeps.
         *
         * @param pollInterval the interval (default {@link #DEFAULT_POLL_INTERVAL}, at least 10 ms)
         * @return this builder
         */
        public Builder pollInterval(Duration pollInterval) {
            this.pollInterval = pollInterval;
            return this;
        }

        /**
         * How many times one workflow may be claimed for recovery (after a crash or a restart with it
         * unfinished) before it is moved to {@link WorkflowStatus#DEAD_LETTER} instead of being run
         * again, with one warning: a workflow that crashes its process stops doing so at every
         * restart. {@link Durable#resume(String)} resets its count.
         *
         * <pre>{@code
         * Durable.builder().maxRecoveryAttempts(5)
         * }</pre>
         *
         * @param maxRecoveryAttempts at least 1 (default {@link #DEFAULT_MAX_RECOVERY_ATTEMPTS})
         * @return this builder
         */
        public Builder maxRecoveryAttempts(int maxRecoveryAttempts) {
            this.maxRecoveryAttempts = maxRecoveryAttempts;
            return this;
        }

        /**
         * Declares a queue this process dequeues from: it runs the workflows enqueued on it
         * ({@link StartOptions#queue(String)}) whose names it has registered, within the queue's limits.
         * A process may enqueue on any queue; only processes that declare it run its workflows. Declare
         * the same limits in every process. See {@code docs/queues.md}.
         *
         * <pre>{@code
         * Durable.builder().queue(Queue.named("emails").concurrency(10).rateLimit(100, Duration.ofMinutes(1)))
         * }</pre>
         *
         * @param queue the queue and its limits (checked by {@link #build()})
         * @return this builder
         */
        public Builder queue(Queue queue) {
            queues.add(Objects.requireNonNull(queue, "queue"));
            return this;
        }

        /**
         * @param shutdownTimeout how long close() lets running steps finish
         * @return this builder
         */
        public Builder shutdownTimeout(Duration shutdownTimeout) {
            this.shutdownTimeout = shutdownTimeout;
            return this;
        }

        /**
         * @param maxPayloadBytes largest serialized argument, result or exception accepted
         * @return this builder
         */
        public Builder maxPayloadBytes(long maxPayloadBytes) {
            connection.maxPayloadBytes(maxPayloadBytes);
            return this;
        }

        /**
         * Where {@link Durable#transaction transactional steps} run their work. By default they use
         * durable's own connections: the DataSource given to {@link #dataSource}, or the pool durable
         * creates for {@link #jdbcUrl}, so the work and its checkpoint share the database of the
         * journal. A DataSource of another database works too: durable then keeps each transactional
         * step's checkpoint in a table of that database ({@code durable_transaction_checkpoints},
         * created on first use) and copies it into the journal after the commit.
         *
         * @param dataSource the application's DataSource (durable does not close it)
         * @return this builder
         */
        public Builder transactionDataSource(DataSource dataSource) {
            this.transactionDataSource = Objects.requireNonNull(dataSource, "transactionDataSource");
            return this;
        }

        /**
         * Group commit: how many batches of checkpoints may be in flight at once. With one writer, the
         * checkpoints that arrive while a batch commits all go into the next batch.
         *
         * @param checkpointWriters concurrent batch writers, at least 1 and below poolSize (default
         *                          {@link #DEFAULT_CHECKPOINT_WRITERS}, lowered to poolSize - 1 for a pool of 2)
         * @return this builder
         */
        public Builder checkpointWriters(int checkpointWriters) {
            this.checkpointWriters = checkpointWriters;
            return this;
        }

        /**
         * Group commit: the most checkpoints written in one batch (one statement, one commit).
         *
         * @param checkpointBatchSize at least 1
         * @return this builder
         */
        public Builder checkpointBatchSize(int checkpointBatchSize) {
            this.checkpointBatchSize = checkpointBatchSize;
            return this;
        }

        /**
         * @param classLoader where recorded classes are loaded on replay (default: the context class
         *                    loader of the thread calling build())
         * @return this builder
         */
        public Builder classLoader(ClassLoader classLoader) {
            connection.classLoader(classLoader);
            return this;
        }

        /**
         * Validates the settings and creates the instance (nothing is connected until {@link Durable#start()}).
         *
         * @return the instance
         * @throws ConfigurationException naming the setting to change
         */
        public Durable build() {
            StoreConfig storeConfig = connection.validate(2, "schema migration at start holds two connections at once",
                    effectiveCheckpointWriters(), checkpointBatchSize);
            requirePositive("maxConcurrentWorkflows", maxConcurrentWorkflows);
            requirePositive("checkpointBatchSize", checkpointBatchSize);
            requirePositive("maxRecoveryAttempts", maxRecoveryAttempts);
            if (checkpointWriters != null) {
                requirePositive("checkpointWriters", checkpointWriters);
                if (!connection.usesDataSource() && checkpointWriters >= connection.poolSize()) {
                    throw new ConfigurationException("checkpointWriters (" + checkpointWriters + ") must be below "
                            + "poolSize (" + connection.poolSize() + ") so that reads still find a connection");
                }
            }
            requirePositive("heartbeatInterval", heartbeatInterval);
            requirePositive("leaseDuration", leaseDuration);
            if (leaseDuration.compareTo(heartbeatInterval.multipliedBy(2)) < 0) {
                throw new ConfigurationException("leaseDuration (" + leaseDuration + ") must be at least twice "
                        + "heartbeatInterval (" + heartbeatInterval + "), or one late heartbeat lets other executors "
                        + "take this one's workflows: raise leaseDuration or lower heartbeatInterval");
            }
            requirePositive("shutdownTimeout", shutdownTimeout);
            if (hotWaitWindow == null || hotWaitWindow.isNegative()) {
                throw new ConfigurationException("hotWaitWindow must be zero or positive, got " + hotWaitWindow);
            }
            if (pollInterval == null || pollInterval.compareTo(Duration.ofMillis(10)) < 0) {
                throw new ConfigurationException("pollInterval must be at least 10 ms, got " + pollInterval);
            }
            java.util.Set<String> queueNames = new java.util.HashSet<>();
            for (Queue queue : queues) {
                queue.validate();
                if (!queueNames.add(queue.name())) {
                    throw new ConfigurationException("queue '" + queue.name() + "' is declared twice; declare each "
                            + "queue once, with all its limits");
                }
            }
            EngineConfig engineConfig = new EngineConfig(resolveExecutorId(), resolveApplication(),
                    maxConcurrentWorkflows, heartbeatInterval, leaseDuration, shutdownTimeout,
                    connection.maxPayloadBytes(), connection.resolveClassLoader(Durable.class), hotWaitWindow,
                    pollInterval, maxRecoveryAttempts, List.copyOf(queues), transactionDataSource);
            return new Durable(new Engine(engineConfig, ConnectionSettings.createStore(storeConfig)));
        }

        private int effectiveCheckpointWriters() {
            if (checkpointWriters != null) {
                return checkpointWriters;
            }
            return connection.usesDataSource() ? DEFAULT_CHECKPOINT_WRITERS
                    : Math.min(DEFAULT_CHECKPOINT_WRITERS, connection.poolSize() - 1);
        }

        private String resolveExecutorId() {
            String id = executorId;
            if (id == null) {
                id = System.getenv(EXECUTOR_ID_ENV);
            }
            if (id == null || id.isBlank()) {
                try {
                    id = InetAddress.getLocalHost().getHostName();
                } catch (Exception e) {
                    id = "local";
                }
            }
            if (id.isBlank() || id.length() > 128) {
                throw new ConfigurationException("executorId must be 1 to 128 characters, got '" + id + "'");
            }
            return id;
        }

        private String resolveApplication() {
            String name = application;
            if (name == null) {
                name = System.getenv(APPLICATION_ENV);
            }
            if (name == null) {
                name = DEFAULT_APPLICATION;
            }
            if (name.isBlank() || name.length() > 128) {
                throw new ConfigurationException("application must be 1 to 128 characters, not blank, got '" + name
                        + "'" + (application == null ? " from " + APPLICATION_ENV : ""));
            }
            return name;
        }
    }
}
