package io.durable.internal.engine;

import io.durable.DurableException;
import io.durable.ErrorInfo;
import io.durable.NonDeterministicWorkflowException;
import io.durable.NotInWorkflowException;
import io.durable.ResultTimeoutException;
import io.durable.StartOptions;
import io.durable.StepInfo;
import io.durable.StepOptions;
import io.durable.WorkflowFailedException;
import io.durable.WorkflowHandle;
import io.durable.WorkflowIdConflictException;
import io.durable.WorkflowCount;
import io.durable.WorkflowInfo;
import io.durable.WorkflowInterruptedException;
import io.durable.WorkflowNotFoundException;
import io.durable.WorkflowPage;
import io.durable.WorkflowQuery;
import io.durable.WorkflowStatus;
import io.durable.internal.serial.ErrorCodec;
import io.durable.internal.serial.PayloadCodec;
import io.durable.internal.store.Completion;
import io.durable.internal.store.ExecutorRegistration;
import io.durable.internal.store.NewWorkflow;
import io.durable.internal.store.StartResult;
import io.durable.internal.store.StepRow;
import io.durable.internal.store.Store;
import io.durable.internal.store.WorkflowRow;
import io.durable.internal.util.NamedThreadFactory;
import io.durable.internal.util.Sneaky;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The workflow engine: starts executions, runs them on named worker threads, recovers this
 * executor's unfinished ones at start, takes over those of expired executors after each heartbeat,
 * dequeues from the queues it declares, and answers inspection calls. One per {@code Durable}, or per
 * {@code DurableClient} started with {@link #startClient()} (then it runs nothing).
 */
public final class Engine {
    private static final Logger log = LoggerFactory.getLogger(Engine.class);
    private static final String MDC_WORKFLOW_ID = "workflowId";
    private static final int MAX_WORKFLOW_ID_LENGTH = 512;
    private static final Duration MAX_POLL = Duration.ofMillis(200);
    /** Outcome of a placeholder run that turned out not to execute in this process. */
    private static final Object NOT_RUN_HERE = new Object();

    private enum State { NEW, STARTED, CLOSED }

    private final EngineConfig config;
    private final Store store;
    private final PayloadCodec codec;
    private final ErrorCodec errors;
    private final Registry registry;
    private final StepRunner steps;
    private final TransactionRunner transactions;
    private final Waiters waiters;
    private final Messaging messaging;
    private final Inspection inspection;
    private final Lifecycle lifecycle;
    private final Children children;
    private final QueueDispatcher queues;
    private final Takeover takeover;
    private final Shutdown shutdown = new Shutdown();
    private final Map<String, WorkflowRun> runs = new ConcurrentHashMap<>();
    private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
    private final ThreadPoolExecutor workers;
    /** Workflow threads running a workflow (waiting hot included), as opposed to idle in the pool. */
    private final AtomicInteger busyWorkers = new AtomicInteger();
    /** Runs handed to the workflow threads and not finished yet, queued ones included. */
    private final AtomicInteger pooledRuns = new AtomicInteger();
    private ScheduledExecutorService heartbeat;
    private volatile ExecutorRegistration registration;
    private volatile boolean heartbeatLost;

    /**
     * @param config settings
     * @param store  storage, not yet started
     */
    public Engine(EngineConfig config, Store store) {
        this.config = config;
        this.store = store;
        this.codec = new PayloadCodec(config.classLoader(), config.maxPayloadBytes());
        this.errors = new ErrorCodec(codec.mapper(), config.classLoader(), config.maxPayloadBytes());
        this.registry = new Registry(this);
        this.steps = new StepRunner(store, codec, errors, config.executorId(), shutdown);
        this.transactions = new TransactionRunner(store, steps, codec, errors, config.executorId(), shutdown,
                config.transactionDataSource(), () -> registration == null ? "" : registration.incarnation());
        this.waiters = new Waiters(this, store, shutdown, config.pollInterval());
        this.messaging = new Messaging(this, store, codec, steps, waiters, config.executorId(), config.hotWaitWindow(),
                config.pollInterval());
        this.inspection = new Inspection(store, codec, errors);
        this.lifecycle = new Lifecycle(this, store, errors, steps, waiters, config);
        this.children = new Children(this, store, codec, errors, steps, waiters, messaging, config.executorId(),
                config.hotWaitWindow());
        this.queues = new QueueDispatcher(this, store, waiters, shutdown, config.queues(), config.pollInterval());
        this.takeover = new Takeover(this, store, config);
        this.workers = new ThreadPoolExecutor(config.maxConcurrentWorkflows(), config.maxConcurrentWorkflows(),
                10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                new NamedThreadFactory("durable-workflow", false, config.classLoader()));
        this.workers.allowCoreThreadTimeOut(true);
    }

    // ---- lifecycle -------------------------------------------------------------------------

    /** Connects, migrates, registers this executor, and recovers its unfinished workflows. */
    public void start() {
        if (!state.compareAndSet(State.NEW, State.STARTED)) {
            throw new IllegalStateException("durable was already " + (state.get() == State.CLOSED
                    ? "closed; build a new instance" : "started"));
        }
        try {
            store.start();
            registerExecutor();
            heartbeat = Executors.newSingleThreadScheduledExecutor(
                    new NamedThreadFactory("durable-heartbeat", true, config.classLoader()));
            long every = config.heartbeatInterval().toMillis();
            heartbeat.scheduleWithFixedDelay(this::beat, every, every, TimeUnit.MILLISECONDS);
            recover(registry.workflowNames());
            waiters.start(config.classLoader());
            queues.start(config.classLoader());
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Connects for a client that runs no workflows: checks (does not migrate) the schema and listens
     * for wake-ups of its own waits. No executor is registered, nothing is recovered, no waits are
     * polled and no workflow thread is started.
     */
    public void startClient() {
        if (!state.compareAndSet(State.NEW, State.STARTED)) {
            throw new IllegalStateException("this engine was already started or closed");
        }
        try {
            store.startWithoutMigration();
            waiters.listen();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Stops taking work, lets running steps finish, and leaves unfinished workflows PENDING. */
    public void close() {
        State previous = state.getAndSet(State.CLOSED);
        if (previous == State.CLOSED) {
            return;
        }
        shutdown.begin();
        queues.close();
        waiters.close();
        workers.shutdown();
        if (heartbeat != null) {
            heartbeat.shutdownNow();
        }
        try {
            if (!workers.awaitTermination(config.shutdownTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("{} workflow threads still busy after {}; interrupting them", workers.getActiveCount(),
                        config.shutdownTimeout());
                workers.shutdownNow();
                workers.awaitTermination(config.shutdownTimeout().toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            workers.shutdownNow();
            Thread.currentThread().interrupt();
        }
        for (WorkflowRun run : runs.values()) {
            run.outcome.completeExceptionally(shutdown.interruption(run.workflowId));
        }
        runs.clear();
        if (registration != null) {
            try {
                store.executorStopped(registration);
            } catch (RuntimeException e) {
                log.debug("could not mark executor '{}' stopped: {}", config.executorId(), e.getMessage());
            }
        }
        store.close();
        if (registration != null) {
            log.info("durable executor '{}' closed", config.executorId());
        }
    }

    private void registerExecutor() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "unknown";
        }
        long pid = ProcessHandle.current().pid();
        registration = new ExecutorRegistration(config.executorId(), UUID.randomUUID().toString(), host, pid,
                config.application(), config.leaseDuration());
        store.registerExecutor(registration)
                .ifPresent(other -> log.warn("executor ID '{}' was heartbeating recently from another process ({}); "
                        + "if that process is still alive, give each process its own ID (DURABLE_EXECUTOR_ID), "
                        + "or both will recover each other's workflows", config.executorId(), other));
        log.info("durable executor '{}' of application '{}' started (pid {}, {} workflow threads, {} workflows "
                + "registered, heartbeat {}, lease {})", config.executorId(), config.application(), pid,
                config.maxConcurrentWorkflows(), registry.workflowNames().size(), config.heartbeatInterval(),
                config.leaseDuration());
    }

    private void beat() {
        try {
            if (!store.heartbeat(registration) && !heartbeatLost) {
                heartbeatLost = true;
                log.warn("another process registered executor ID '{}' after this one started; both now recover the "
                        + "same workflows. Give each process its own ID (DURABLE_EXECUTOR_ID).", config.executorId());
            }
        } catch (RuntimeException e) {
            log.warn("heartbeat of executor '{}' failed: {}", config.executorId(), e.getMessage());
            return;
        }
        try {
            // Half an interval at most: the next heartbeat must not be late because of a large takeover.
            takeover.run(System.nanoTime() + config.heartbeatInterval().toNanos() / 2);
        } catch (RuntimeException e) {
            log.warn("executor '{}' could not take over workflows of expired executors: {}; retrying at the next "
                    + "heartbeat", config.executorId(), e.getMessage());
        }
    }

    /**
     * Claims and resumes this executor's PENDING workflows with the given names.
     *
     * @param names workflow names to recover
     */
    void recover(Collection<String> names) {
        if (state.get() != State.STARTED) {
            return;
        }
        for (Store.NameCount unknown : store.pendingByName(config.executorId())) {
            if (!registry.workflowNames().contains(unknown.name())) {
                log.warn("{} PENDING workflow(s) named '{}' of executor '{}' have no registered implementation; they "
                        + "stay PENDING until a process registers it", unknown.count(), unknown.name(),
                        config.executorId());
            }
        }
        if (names.isEmpty()) {
            return;
        }
        queues.namesRegistered();
        List<WorkflowRow> claimed = store.claimPending(config.executorId(), names);
        if (!claimed.isEmpty()) {
            log.info("recovering {} unfinished workflow(s) of executor '{}'", claimed.size(), config.executorId());
        }
        for (WorkflowRow row : claimed) {
            resume(row);
        }
    }

    private void resume(WorkflowRow row) {
        resume(row, null);
    }

    /** @param journal the journal when it is known (empty for a dequeued workflow that never ran), else null */
    private void resume(WorkflowRow row, List<StepRow> journal) {
        if (!lifecycle.admit(row)) {
            return;
        }
        RegisteredWorkflow workflow = registry.workflow(row.name());
        Object[] arguments;
        try {
            arguments = codec.decodeArguments(row.inputs());
        } catch (RuntimeException e) {
            log.error("cannot recover workflow '{}' ({}): its recorded arguments cannot be read: {}; it stays PENDING",
                    row.id(), row.name(), e.getMessage(), e);
            return;
        }
        WorkflowRun run = new WorkflowRun(row.id(), workflow, arguments);
        run.epoch = row.epoch();
        run.waitPosition = row.waitPosition();
        run.wakeAt = row.wakeAt();
        run.deadlineAt = row.deadlineAt();
        run.parentId = row.parentId();
        run.queueName = row.queueName();
        run.journal = journal;
        if (runs.putIfAbsent(row.id(), run) == null) {
            submit(run);
            waiters.runStarted(row.id());
        }
    }

    /**
     * Resumes a workflow this executor just claimed in the background (its wait is over, or it was
     * taken over from an expired executor), unless it is closing.
     */
    void resumeIfStarted(WorkflowRow row) {
        if (state.get() == State.STARTED) {
            resume(row);
        }
    }

    /**
     * Runs a workflow the queue dispatcher just dequeued (PENDING under this executor).
     *
     * @param neverRan true when it has no journal entries, which spares reading them
     */
    void runDequeued(WorkflowRow row, boolean neverRan) {
        if (state.get() == State.STARTED) {
            resume(row, neverRan ? List.of() : null);
        }
    }

    /** @return workflow threads not taken by a run, queued ones included: what a dequeue round or a takeover may fill */
    int freeWorkers() {
        return Math.max(0, config.maxConcurrentWorkflows() - pooledRuns.get());
    }

    QueueDispatcher queues() {
        return queues;
    }

    /** Whether the engine is started and not closing. */
    boolean isRunning() {
        return state.get() == State.STARTED && !shutdown.isClosing();
    }

    /** Runs a workflow this executor just took over (resumed or forked by an operator). */
    void resumeClaimed(WorkflowRow row) {
        requireStarted();
        resume(row);
    }

    boolean runsHere(String workflowId) {
        return runs.containsKey(workflowId);
    }

    WorkflowRun runHere(String workflowId) {
        return runs.get(workflowId);
    }

    Lifecycle lifecycle() {
        return lifecycle;
    }

    /**
     * Whether workflows are queued while every workflow thread is busy: then waiting workflows park.
     * A queue that is not empty alone says nothing: a task handed to the pool sits there until an
     * idle thread takes it.
     */
    boolean hasQueuedWork() {
        return !workers.getQueue().isEmpty() && busyWorkers.get() >= config.maxConcurrentWorkflows();
    }

    RuntimeException closingFailure(String workflowId) {
        return shutdown.interruption(workflowId);
    }

    // ---- starting -------------------------------------------------------------------------

    /** @return the registry of implementations */
    public Registry registry() {
        return registry;
    }

    /**
     * Starts (or joins) the execution named by {@code workflowId}.
     *
     * @param workflowId the execution's ID
     * @param workflow   what to run
     * @param arguments  its arguments
     * @return a handle to the execution
     */
    <T> WorkflowHandle<T> start(String workflowId, RegisteredWorkflow workflow, Object[] arguments) {
        return start(workflowId, workflow, arguments, false);
    }

    /**
     * Starts (or joins) the execution; with {@code onCallerThread}, a newly inserted execution runs
     * right here instead of on a workflow thread, sparing two thread hand-offs for callers that wait
     * for the result anyway.
     */
    <T> WorkflowHandle<T> start(String workflowId, RegisteredWorkflow workflow, Object[] arguments,
                                boolean onCallerThread) {
        return start(workflowId, workflow, arguments, onCallerThread, StartOptions.defaults());
    }

    /** Starts (or joins) the execution; the options apply only when this call creates it. */
    <T> WorkflowHandle<T> start(String workflowId, RegisteredWorkflow workflow, Object[] arguments,
                                boolean onCallerThread, StartOptions options) {
        requireStarted();
        validateWorkflowId(workflowId);
        if (options.queueName() != null) {
            return enqueue(workflowId, workflow, arguments, options);
        }
        WorkflowRun local = runs.get(workflowId);
        if (local != null) {
            return joinLocal(local, workflow);
        }
        String inputs = codec.encodeArguments(arguments, workflowId, workflow.name());
        WorkflowRun run = new WorkflowRun(workflowId, workflow, arguments);
        WorkflowRun raced = runs.putIfAbsent(workflowId, run);
        if (raced != null) {
            return joinLocal(raced, workflow);
        }
        WorkflowRun executing = null;
        try {
            run.deadlineAt = Deadlines.forNewWorkflow(options, null, Instant.now());
            StartResult result = store.startWorkflow(new NewWorkflow(workflowId, workflow.name(), inputs,
                    config.executorId(), run.deadlineAt));
            if (result.inserted()) {
                run.epoch = result.row().epoch();
                run.journal = List.of();
                executing = run;
                if (onCallerThread) {
                    execute(run, false);
                } else {
                    submit(run);
                }
            } else {
                executing = continueExisting(run, result.row());
            }
            return new EngineHandle<>(this, workflowId, executing);
        } finally {
            if (executing != run) {
                if (executing == null) {
                    runs.remove(workflowId, run);
                }
                // Callers that joined this placeholder go back to the database (or the resumed run).
                run.outcome.complete(NOT_RUN_HERE);
            }
        }
    }

    /**
     * Stores the workflow ENQUEUED on the options' queue; a process declaring the queue runs it. A
     * workflow ID that already names an execution is joined as by any start.
     */
    private <T> WorkflowHandle<T> enqueue(String workflowId, RegisteredWorkflow workflow, Object[] arguments,
                                          StartOptions options) {
        WorkflowRun local = runs.get(workflowId);
        if (local != null) {
            return joinLocal(local, workflow);
        }
        String inputs = codec.encodeArguments(arguments, workflowId, workflow.name());
        Instant deadline = Deadlines.forNewWorkflow(options, null, Instant.now());
        StartResult result = store.startWorkflow(new NewWorkflow(workflowId, workflow.name(), inputs, null, deadline,
                QueueDispatcher.entry(options)));
        if (!result.inserted()) {
            // The ID is taken: join it exactly as a direct start does (name check, resume if ours and idle).
            return start(workflowId, workflow, arguments, false, StartOptions.defaults());
        }
        queues.enqueued(options.queueName());
        return new EngineHandle<>(this, workflowId);
    }

    /**
     * Enqueues a workflow by name for a {@code DurableClient}, which registers no implementations:
     * the arguments are encoded as recorded, the row is inserted ENQUEUED and the processes that
     * declare the queue are notified.
     */
    public <T> WorkflowHandle<T> enqueueByName(String workflowName, String workflowId, StartOptions options,
                                               Object[] arguments) {
        requireStarted();
        validateWorkflowId(workflowId);
        if (workflowName == null || workflowName.isBlank()) {
            throw new IllegalArgumentException("workflow name must not be null or blank");
        }
        if (options == null || options.queueName() == null) {
            throw new IllegalArgumentException("enqueue of '" + workflowId + "' needs options that name a queue, "
                    + "e.g. StartOptions.queue(\"orders\"): no executor would run a workflow started without one");
        }
        String inputs = codec.encodeArguments(arguments == null ? new Object[0] : arguments, workflowId, workflowName);
        Instant deadline = Deadlines.forNewWorkflow(options, null, Instant.now());
        StartResult result = store.startWorkflow(new NewWorkflow(workflowId, workflowName, inputs, null, deadline,
                QueueDispatcher.entry(options)));
        if (result.inserted()) {
            waiters.queueChanged(options.queueName());
        } else if (!result.row().name().equals(workflowName)) {
            throw new WorkflowIdConflictException(workflowId, result.row().name(), workflowName);
        }
        return new EngineHandle<>(this, workflowId);
    }

    /** Runs a child whose row {@link Children} has just inserted (epoch 1, nothing recorded yet). */
    <T> WorkflowHandle<T> runChild(String childId, RegisteredWorkflow workflow, Object[] arguments, String parentId,
                                   Instant deadlineAt) {
        WorkflowRun run = new WorkflowRun(childId, workflow, arguments);
        run.epoch = 1;
        run.journal = List.of();
        run.parentId = parentId;
        run.deadlineAt = deadlineAt;
        if (runs.putIfAbsent(childId, run) != null) {
            return new EngineHandle<>(this, childId); // a start of the same ID from elsewhere got here first
        }
        submit(run);
        return new EngineHandle<>(this, childId, run);
    }

    Children children() {
        return children;
    }

    private <T> WorkflowHandle<T> joinLocal(WorkflowRun run, RegisteredWorkflow requested) {
        if (!run.workflow.name().equals(requested.name())) {
            throw new WorkflowIdConflictException(run.workflowId, run.workflow.name(), requested.name());
        }
        return new EngineHandle<>(this, run.workflowId);
    }

    /**
     * The ID already names an execution: resume it if it is ours and runs nowhere in this process.
     *
     * @return the run now executing it here, or null when it is finished or runs elsewhere
     */
    private WorkflowRun continueExisting(WorkflowRun run, WorkflowRow existing) {
        if (!existing.name().equals(run.workflow.name())) {
            throw new WorkflowIdConflictException(existing.id(), existing.name(), run.workflow.name());
        }
        if (existing.status() != WorkflowStatus.PENDING || !config.executorId().equals(existing.owner())) {
            return null;
        }
        Optional<WorkflowRow> claimed = store.claimWorkflow(config.executorId(), existing.id());
        if (claimed.isEmpty() || !lifecycle.admit(claimed.get())) {
            return null;
        }
        WorkflowRun resumed = new WorkflowRun(existing.id(), run.workflow, codec.decodeArguments(claimed.get().inputs()));
        resumed.epoch = claimed.get().epoch();
        resumed.waitPosition = claimed.get().waitPosition();
        resumed.wakeAt = claimed.get().wakeAt();
        resumed.deadlineAt = claimed.get().deadlineAt();
        resumed.parentId = claimed.get().parentId();
        resumed.queueName = claimed.get().queueName();
        runs.replace(existing.id(), run, resumed);
        submit(resumed);
        waiters.runStarted(existing.id());
        return resumed;
    }

    private void submit(WorkflowRun run) {
        pooledRuns.incrementAndGet();
        try {
            workers.execute(() -> {
                busyWorkers.incrementAndGet();
                // Whichever comes last, a start that queued a workflow or this thread turning busy, sees
                // that the queued workflow has no thread left and asks a hot wait to give up its own.
                if (hasQueuedWork()) {
                    waiters.evictOne();
                }
                try {
                    execute(run, true);
                } finally {
                    busyWorkers.decrementAndGet();
                    pooledRuns.decrementAndGet();
                    queues.capacityFreed();
                }
            });
            if (hasQueuedWork()) {
                waiters.evictOne();
            }
        } catch (java.util.concurrent.RejectedExecutionException e) {
            pooledRuns.decrementAndGet();
            run.outcome.completeExceptionally(shutdown.interruption(run.workflowId));
            runs.remove(run.workflowId, run);
            throw shutdown.interruption(run.workflowId);
        }
    }

    // ---- executing ------------------------------------------------------------------------

    /** @param onWorker whether this is a workflow thread (a caller's thread frees none by parking) */
    private void execute(WorkflowRun run, boolean onWorker) {
        boolean parked = false;
        WorkflowContext outer = WorkflowContext.current();
        String outerMdc = MDC.get(MDC_WORKFLOW_ID);
        MDC.put(MDC_WORKFLOW_ID, run.workflowId);
        WorkflowContext ctx = null;
        try {
            if (shutdown.isClosing()) {
                throw new UnwindSignal("closing", shutdown.interruption(run.workflowId));
            }
            lifecycle.beforeRun(run);
            List<StepRow> journal = run.journal != null ? run.journal : store.loadJournal(run.workflowId);
            ctx = new WorkflowContext(this, run.workflowId, run.epoch, journal, run.waitPosition, run.wakeAt);
            ctx.run = run;
            ctx.onWorker = onWorker;
            ctx.attach();
            Object value;
            Throwable failure = null;
            try {
                value = Invocations.invoke(run.workflow.method(), run.workflow.target(), run.arguments);
            } catch (UnwindSignal signal) {
                throw signal;
            } catch (Error error) {
                throw error;
            } catch (Throwable t) {
                value = null;
                failure = t;
            }
            finish(run, ctx, value, failure);
        } catch (UnwindSignal signal) {
            if (signal.isParked()) {
                log.debug("workflow '{}' parked", run.workflowId);
                parked = true;
                run.outcome.complete(NOT_RUN_HERE);
            } else {
                run.outcome.completeExceptionally(signal.callerFailure());
            }
        } catch (DurableException e) {
            // The store failed loading the journal or recording the outcome: not the workflow's outcome.
            log.warn("workflow '{}' stopped without an outcome; it stays PENDING and is recovered: {}",
                    run.workflowId, e.getMessage());
            run.outcome.completeExceptionally(e);
        } catch (Throwable t) {
            log.error("workflow '{}' stopped by {}; it stays PENDING and is recovered at the next start",
                    run.workflowId, t.toString(), t);
            run.outcome.completeExceptionally(new WorkflowInterruptedException(run.workflowId, t.toString()));
        } finally {
            WorkflowContext.restore(outer);
            if (outerMdc == null) {
                MDC.remove(MDC_WORKFLOW_ID);
            } else {
                MDC.put(MDC_WORKFLOW_ID, outerMdc);
            }
            runs.remove(run.workflowId, run);
            waiters.runEnded(run.workflowId, parked);
            if (!parked && run.queueName != null) {
                queues.runEnded(run.queueName);
            }
        }
    }

    private void finish(WorkflowRun run, WorkflowContext ctx, Object value, Throwable failure) {
        if (ctx.unwound != null) {
            log.warn("workflow '{}' caught durable's internal unwinding signal ({}) and went on; its outcome is not "
                    + "recorded. Do not catch Throwable or Error around durable calls.", run.workflowId,
                    ctx.unwound.getMessage());
            throw ctx.unwound;
        }
        if (ctx.divergence != null) {
            failure = ctx.divergence;
        } else if (ctx.replaying()) {
            // It returned or threw before reaching steps it recorded last time: the code took another path.
            StepRow next = ctx.nextRecordedAfterPosition();
            failure = new NonDeterministicWorkflowException(run.workflowId, next.position(), next.name(), null, failure);
        }
        String output = null;
        if (failure == null) {
            try {
                output = codec.encode(value, run.workflowId, 0, "the result of workflow '" + run.workflow.name() + "'");
            } catch (DurableException e) {
                failure = e;
            }
        }
        Completion completion = failure == null
                ? new Completion(run.workflowId, config.executorId(), run.epoch, WorkflowStatus.SUCCEEDED, output, null)
                : new Completion(run.workflowId, config.executorId(), run.epoch, WorkflowStatus.FAILED, null,
                        errors.encode(failure));
        if (!store.completeWorkflow(completion)) {
            deliverRecorded(run);
            return;
        }
        if (run.parentId != null) {
            waiters.childFinished(run.parentId);
        }
        if (failure == null) {
            run.outcome.complete(value);
        } else {
            log.debug("workflow '{}' failed: {}", run.workflowId, failure.toString());
            run.outcome.completeExceptionally(failure);
        }
    }

    /**
     * Our completion was refused: another executor took the workflow over (it may have finished it
     * since), or an operator stopped it while this run held it.
     */
    private void deliverRecorded(WorkflowRun run) {
        WorkflowRow row = store.findWorkflow(run.workflowId).orElseThrow(() -> new WorkflowNotFoundException(run.workflowId));
        boolean lost = Fencing.lost(row, config.executorId(), run.epoch);
        if (lost || !row.status().isTerminal()) {
            RuntimeException abandoned = Fencing.abandon(run.workflowId, config.executorId(), run.epoch,
                    "its completion", row);
            if (!row.status().isTerminal()) {
                run.outcome.completeExceptionally(abandoned);
                return;
            }
        }
        try {
            run.outcome.complete(recordedOutcome(row));
        } catch (Throwable t) {
            run.outcome.completeExceptionally(t);
        }
    }

    // ---- steps ----------------------------------------------------------------------------

    /**
     * Runs a step body: checkpointed inside a workflow, a plain call elsewhere.
     *
     * @param name    the step name
     * @param options retry settings
     * @param body    the work
     * @return its result
     * @throws Throwable whatever the body throws
     */
    public Object step(String name, StepOptions options, StepBody body) throws Throwable {
        WorkflowContext ctx = WorkflowContext.current();
        if (ctx == null || ctx.inStep() || ctx.engine != this) {
            return body.run();
        }
        return steps.run(ctx, name, options, body);
    }

    /**
     * Runs a transactional step: inside a workflow its work and checkpoint commit in one transaction;
     * outside a workflow or inside another step it is a plain transaction.
     *
     * @param name    the step name
     * @param options retry settings
     * @param body    the work, given the transaction's connection
     * @return its result
     * @throws Throwable whatever the body throws
     */
    public Object transaction(String name, StepOptions options, io.durable.TransactionBody<?, ?> body)
            throws Throwable {
        WorkflowContext ctx = WorkflowContext.current();
        if (ctx == null || ctx.inStep() || ctx.engine != this) {
            return transactions.runPlain(body);
        }
        return transactions.run(ctx, name, options, body);
    }

    /**
     * @return the recorded current time inside a workflow, the clock outside
     */
    public Instant now() {
        try {
            return (Instant) step("durable.now", StepOptions.defaults(), Instant::now);
        } catch (Throwable t) {
            throw Sneaky.rethrow(t);
        }
    }

    /**
     * @return a recorded random UUID inside a workflow, a fresh one outside
     */
    public UUID randomUUID() {
        try {
            return (UUID) step("durable.randomUUID", StepOptions.defaults(), UUID::randomUUID);
        } catch (Throwable t) {
            throw Sneaky.rethrow(t);
        }
    }

    /**
     * @return the idempotency key of the running step
     */
    public String idempotencyKey() {
        WorkflowContext ctx = WorkflowContext.current();
        if (ctx == null || !ctx.inStep()) {
            throw new NotInWorkflowException("idempotencyKey()", "inside a step of a running workflow");
        }
        return ctx.workflowId + ":" + ctx.stepPosition;
    }

    // ---- messages, events and timers --------------------------------------------------------

    /** See {@code Durable.send}. */
    public void send(String workflowId, String topic, Object message, String idempotencyKey) {
        requireStarted();
        messaging.send(workflowId, topic, message, idempotencyKey);
    }

    /** See {@code Durable.recv}. */
    public <T> Optional<T> recv(String topic, Duration timeout, Class<T> type) {
        return messaging.recv(topic, timeout, type);
    }

    /** See {@code Durable.sleep}. */
    public void sleep(Duration duration) {
        messaging.sleep(duration);
    }

    /** See {@code Durable.setEvent}. */
    public void setEvent(String key, Object value) {
        messaging.setEvent(key, value);
    }

    /** See {@code Durable.getEvent}. */
    public <T> Optional<T> getEvent(String workflowId, String key, Duration timeout, Class<T> type) {
        requireStarted();
        return messaging.getEvent(workflowId, key, timeout, type);
    }

    // ---- child workflows ---------------------------------------------------------------------

    /** See {@code Durable.awaitAll}. */
    public List<Object> awaitAll(List<String> workflowIds) {
        requireStarted();
        return children.awaitAll(workflowIds);
    }

    /** See {@code Durable.awaitAny}. */
    public <T> io.durable.FirstFinished<T> awaitAny(List<String> workflowIds) {
        requireStarted();
        return children.awaitAny(workflowIds);
    }

    /**
     * @return the ID of the workflow running on this thread, if any
     */
    public Optional<String> currentWorkflowId() {
        WorkflowContext ctx = WorkflowContext.current();
        return ctx == null ? Optional.empty() : Optional.of(ctx.workflowId);
    }

    boolean insideWorkflow() {
        return WorkflowContext.current() != null;
    }

    // ---- results and inspection -------------------------------------------------------------

    Object awaitResult(String workflowId, Duration timeout, WorkflowRun known) {
        requireStarted();
        long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
        if (known != null) {
            Object outcome = awaitLocal(known, deadline, timeout);
            if (outcome != NOT_RUN_HERE) {
                return outcome;
            }
        }
        Duration poll = Duration.ofMillis(2);
        while (true) {
            WorkflowRun local = runs.get(workflowId);
            if (local != null) {
                Object outcome = awaitLocal(local, deadline, timeout);
                if (outcome != NOT_RUN_HERE) {
                    return outcome;
                }
                continue;
            }
            WorkflowRow row = store.findWorkflow(workflowId).orElseThrow(() -> new WorkflowNotFoundException(workflowId));
            if (row.status().isTerminal()) {
                return deliver(workflowId, () -> recordedOutcome(row));
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new ResultTimeoutException(workflowId, timeout);
            }
            // Poll the database (another executor may run it), but wake at once when a run of it
            // starts here: a parked workflow resumed by its message, say.
            Waiters.HotWait started = waiters.forRunStart(workflowId);
            try {
                if (!runs.containsKey(workflowId) && waiters.await(started, null,
                        System.nanoTime() + Math.min(left, poll.toNanos())) == Waiters.Wake.CLOSING) {
                    throw shutdown.interruption(workflowId);
                }
            } finally {
                waiters.unregister(started);
            }
            poll = poll.multipliedBy(2).compareTo(MAX_POLL) > 0 ? MAX_POLL : poll.multipliedBy(2);
        }
    }

    private Object awaitLocal(WorkflowRun run, long deadline, Duration timeout) {
        CompletableFuture<Object> outcome = run.outcome;
        return deliver(run.workflowId, () -> {
            try {
                return deadline == Long.MAX_VALUE ? outcome.get()
                        : outcome.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (ExecutionException e) {
                throw Sneaky.rethrow(e.getCause());
            } catch (TimeoutException e) {
                throw new ResultTimeoutException(run.workflowId, timeout);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DurableException("interrupted while waiting for workflow '" + run.workflowId + "'", e,
                        run.workflowId, 0);
            } catch (CancellationException e) {
                throw shutdown.interruption(run.workflowId);
            }
        });
    }

    /** Hands a workflow's failure to a caller: unchecked as it is, checked wrapped. */
    static Object deliver(String workflowId, Supplier<Object> outcome) {
        try {
            return outcome.get();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable checked) {
            throw new WorkflowFailedException(workflowId, checked);
        }
    }

    private Object recordedOutcome(WorkflowRow row) {
        if (row.status() != WorkflowStatus.SUCCEEDED) {
            if (row.error() == null) {
                throw new DurableException("workflow '" + row.id() + "' is " + row.status() + " without a recorded error",
                        null, row.id(), 0);
            }
            throw Sneaky.rethrow(errors.rebuild(row.error(), row.id(), 0));
        }
        return codec.decodeResult(row.output(), row.id(), "the result of workflow '" + row.id() + "' (" + row.name() + ")");
    }

    /**
     * @param workflowId an existing execution's ID
     * @return its status now
     * @throws WorkflowNotFoundException if there is none
     */
    public WorkflowStatus status(String workflowId) {
        requireStarted();
        return store.findWorkflow(workflowId).map(WorkflowRow::status)
                .orElseThrow(() -> new WorkflowNotFoundException(workflowId));
    }

    /**
     * @param workflowId an existing execution's ID
     * @return a handle to it
     */
    public <T> WorkflowHandle<T> retrieve(String workflowId) {
        requireStarted();
        if (!runs.containsKey(workflowId) && store.findWorkflow(workflowId).isEmpty()) {
            throw new WorkflowNotFoundException(workflowId);
        }
        return new EngineHandle<>(this, workflowId);
    }

    /**
     * @param workflowId the ID
     * @return what the database holds about the workflow
     */
    public Optional<WorkflowInfo> workflow(String workflowId) {
        requireStarted();
        return inspection.workflow(workflowId);
    }

    /**
     * @param workflowId the ID
     * @return the workflow's journal in position order (empty if unknown)
     */
    public List<StepInfo> steps(String workflowId) {
        requireStarted();
        return inspection.journal(workflowId);
    }

    /**
     * @param query filters, page size and cursor
     * @return one page of executions, newest first
     */
    public WorkflowPage listWorkflows(WorkflowQuery query) {
        requireStarted();
        return inspection.list(query);
    }

    /**
     * @param createdFrom   inclusive lower bound of the creation time, or null
     * @param createdBefore exclusive upper bound, or null
     * @return counts by workflow name and status
     */
    public List<WorkflowCount> countWorkflows(Instant createdFrom, Instant createdBefore) {
        requireStarted();
        return inspection.counts(createdFrom, createdBefore);
    }

    // ---- cancel, resume, fork ---------------------------------------------------------------

    /** See {@code Durable.cancel}. */
    public boolean cancel(String workflowId, boolean withChildren) {
        requireStarted();
        return lifecycle.cancel(workflowId, withChildren);
    }

    /** See {@code Durable.resume}; {@code options} null keeps the deadline (cleared after a timeout). */
    public <T> WorkflowHandle<T> resume(String workflowId, StartOptions options) {
        requireStarted();
        return lifecycle.resume(workflowId, options);
    }

    /** See {@code Durable.fork}; {@code newWorkflowId} null generates one. */
    public <T> WorkflowHandle<T> fork(String workflowId, int fromStep, String newWorkflowId) {
        requireStarted();
        return lifecycle.fork(workflowId, fromStep, newWorkflowId);
    }

    // ---- helpers --------------------------------------------------------------------------

    /** @return the executor ID */
    public String executorId() {
        return config.executorId();
    }

    void requireStarted() {
        State now = state.get();
        if (now == State.NEW) {
            throw new IllegalStateException("call durable.start() before starting or inspecting workflows");
        }
        if (now == State.CLOSED) {
            throw new IllegalStateException("durable is closed; build and start a new instance");
        }
    }

    static void validateWorkflowId(String workflowId) {
        if (workflowId == null || workflowId.isBlank()) {
            throw new IllegalArgumentException("workflow ID must not be null or blank");
        }
        if (workflowId.length() > MAX_WORKFLOW_ID_LENGTH) {
            throw new IllegalArgumentException("workflow ID is " + workflowId.length() + " characters; at most "
                    + MAX_WORKFLOW_ID_LENGTH + " are allowed");
        }
    }
}
