package io.durable.internal.engine;

import io.durable.DurableException;
import io.durable.NotInWorkflowException;
import io.durable.SerializationException;
import io.durable.StepStatus;
import io.durable.internal.serial.PayloadCodec;
import io.durable.internal.store.Message;
import io.durable.internal.store.Receipt;
import io.durable.internal.store.StepRow;
import io.durable.internal.store.StepWrite;
import io.durable.internal.store.Store;
import io.durable.internal.store.Wait;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * send, recv, events and durable sleep. Inside a workflow each call takes one journal position
 * and is recorded together with its effect in one fenced write. A wait records its deadline before
 * it starts waiting (a restart finds it and never extends it), waits in memory for the hot window,
 * then parks: the workflow unwinds and is replayed once the wait is over.
 */
final class Messaging {
    private static final Duration LONGEST_DEADLINE = Duration.ofDays(365L * 1000);
    /** Beyond this, System.nanoTime arithmetic overflows; a caller's wait that long is "forever". */
    private static final Duration LONGEST_NANO_WAIT = Duration.ofDays(365L * 100);
    private static final int MAX_NAME_LENGTH = 512;

    private final Store store;
    private final PayloadCodec codec;
    private final StepRunner steps;
    private final Waiters waiters;
    private final String executorId;
    private final Duration hotWindow;
    private final Duration pollInterval;
    private final Engine engine;

    Messaging(Engine engine, Store store, PayloadCodec codec, StepRunner steps, Waiters waiters, String executorId,
              Duration hotWindow, Duration pollInterval) {
        this.engine = engine;
        this.store = store;
        this.codec = codec;
        this.steps = steps;
        this.waiters = waiters;
        this.executorId = executorId;
        this.hotWindow = hotWindow;
        this.pollInterval = pollInterval;
    }

    // ---- send ---------------------------------------------------------------------------------

    void send(String destination, String topic, Object message, String idempotencyKey) {
        requireName("workflow ID", destination);
        requireName("topic", topic);
        if (message == null) {
            throw new IllegalArgumentException("a message must not be null (send to '" + destination + "', topic '"
                    + topic + "')");
        }
        if (idempotencyKey != null) {
            requireName("idempotency key", idempotencyKey);
        }
        WorkflowContext ctx = WorkflowContext.current();
        if (ctx == null || ctx.inStep() || ctx.engine != engine) {
            String payload = codec.encode(message, destination, 0, "a message on topic '" + topic + "'");
            String key = idempotencyKey != null ? idempotencyKey : "auto:" + UUID.randomUUID();
            Message stored = new Message(destination, topic, payload, key);
            if (handOver(stored)) {
                return;
            }
            if (store.send(stored)) {
                waiters.messageSent(destination);
            }
            return;
        }
        String name = "durable.send:" + topic;
        Integer position = positionToRecord(ctx, name);
        if (position == null) {
            return;
        }
        String payload = codec.encode(message, ctx.workflowId, position, "a message on topic '" + topic + "'");
        String key = idempotencyKey != null ? idempotencyKey : ctx.workflowId + ":" + position;
        Message sent = new Message(destination, topic, payload, key);
        if (recordWithEffect(ctx, position, name, row -> store.sendFromStep(row, executorId, ctx.epoch, sent))) {
            waiters.messageSent(destination);
        }
    }

    /** The next journal position, or null when the journal already holds this call (a replay). */
    private Integer positionToRecord(WorkflowContext ctx, String name) {
        int position = steps.nextPosition(ctx);
        StepRow recorded = ctx.recorded(position);
        if (recorded != null) {
            steps.checkReplay(ctx, recorded, name);
            return null;
        }
        return position;
    }

    /**
     * Records a step whose effect (a message, an event value) the store writes in the same statement.
     *
     * @return true when this call recorded it; false when another write had recorded it first
     */
    private boolean recordWithEffect(WorkflowContext ctx, int position, String name,
                                     java.util.function.Function<StepRow, StepWrite> effect) {
        StepWrite write;
        try {
            write = effect.apply(row(ctx, position, name, Instant.now(), null));
        } catch (DurableException e) {
            throw steps.storeFailure(ctx, position, name, e);
        }
        switch (write.kind()) {
            case RECORDED:
                return true;
            case CONFLICT:
                steps.checkReplay(ctx, write.existing(), name);
                return false;
            default:
                throw steps.fenced(ctx, position);
        }
    }

    /** Hands the message straight to a recv waiting for it in this process; false: send it the usual way. */
    private boolean handOver(Message message) {
        Handoff handoff = waiters.claimHandoff(message.destination(), message.topic());
        if (handoff == null) {
            return false;
        }
        Store.HandOver outcome;
        try {
            outcome = store.handOver(message, handoff.receiverStep, executorId, handoff.epoch);
        } catch (RuntimeException e) {
            handoff.released();
            throw e;
        }
        switch (outcome) {
            case DELIVERED:
                handoff.delivered(message.payload());
                waiters.messageSent(message.destination());
                return true;
            case DUPLICATE:
                handoff.released();
                return true;
            default:
                handoff.released();
                return false;
        }
    }

    // ---- recv ---------------------------------------------------------------------------------

    <T> Optional<T> recv(String topic, Duration timeout, Class<T> type) {
        requireName("topic", topic);
        requireTimeout(timeout);
        Objects.requireNonNull(type, "type");
        WorkflowContext ctx = requireWorkflow("recv(\"" + topic + "\", ...)");
        String name = "durable.recv:" + topic;
        int position = steps.nextPosition(ctx);
        StepRow recorded = ctx.recorded(position);
        if (recorded != null) {
            steps.checkReplay(ctx, recorded, name);
            return convert(recorded.output(), type, ctx, position, "the message on topic '" + topic + "'");
        }
        Instant started = Instant.now();
        Instant deadline = ctx.deadlineAt(position, deadline(started, timeout));
        String what = "the message on topic '" + topic + "'";
        Waiters.HotWait hot = waiters.forMessages(ctx.workflowId, ctx.onWorker);
        Handoff handoff = new Handoff(topic, row(ctx, position, name, started, null), ctx.epoch);
        hot.handoff = handoff;
        try {
            boolean waitRecorded = false;
            Long hotUntil = null;
            while (true) {
                hot.clear();
                String handed = handoff.beginAttempt();
                if (handed != null) {
                    return convert(handed, type, ctx, position, what);
                }
                Wait wait = waitRecorded || due(deadline) ? null
                        : new Wait(ctx.workflowId, "recv", topic, null, position, deadline);
                Receipt receipt;
                try {
                    receipt = store.receive(row(ctx, position, name, started, null), topic, executorId, ctx.epoch, wait);
                } catch (DurableException e) {
                    throw steps.storeFailure(ctx, position, name, e);
                } finally {
                    handoff.endAttempt();
                }
                switch (receipt.kind()) {
                    case RECEIVED:
                        return convert(receipt.payload(), type, ctx, position, "the message on topic '" + topic + "'");
                    case CONFLICT:
                        steps.checkReplay(ctx, receipt.existing(), name);
                        return convert(receipt.existing().output(), type, ctx, position,
                                "the message on topic '" + topic + "'");
                    case FENCED:
                        throw steps.fenced(ctx, position);
                    default:
                        break;
                }
                if (due(deadline)) {
                    handed = handoff.close();
                    if (handed != null) {
                        return convert(handed, type, ctx, position, what);
                    }
                    StepRow ended = endWait(ctx, position, name, started, null);
                    return convert(ended.output(), type, ctx, position, what);
                }
                if (!waitRecorded) {
                    // The receive above recorded the wait (the deadline was not due, so it was asked to).
                    waitRecorded = true;
                    hotUntil = System.nanoTime() + hotWindow.toNanos();
                }
                if (!keepWaiting(ctx, hot, deadline, hotUntil)) {
                    handed = handoff.close();
                    if (handed != null) {
                        return convert(handed, type, ctx, position, what);
                    }
                    throw StepRunner.park(ctx);
                }
            }
        } finally {
            handoff.close();
            waiters.unregister(hot);
        }
    }

    // ---- sleep --------------------------------------------------------------------------------

    void sleep(Duration duration) {
        requireTimeout(duration);
        WorkflowContext ctx = requireWorkflow("sleep(...)");
        String name = "durable.sleep";
        Integer position = positionToRecord(ctx, name);
        if (position == null) {
            return;
        }
        Instant started = Instant.now();
        Instant deadline = ctx.deadlineAt(position, deadline(started, duration));
        Waiters.HotWait hot = waiters.forMessages(ctx.workflowId, ctx.onWorker);
        try {
            boolean waitRecorded = false;
            Long hotUntil = null;
            while (!due(deadline)) {
                if (!waitRecorded) {
                    recordWait(ctx, new Wait(ctx.workflowId, "sleep", null, null, position, deadline), name);
                    waitRecorded = true;
                    hotUntil = System.nanoTime() + hotWindow.toNanos();
                }
                hot.clear();
                if (!keepWaiting(ctx, hot, deadline, hotUntil)) {
                    throw StepRunner.park(ctx);
                }
            }
            endWait(ctx, position, name, started, null);
        } finally {
            waiters.unregister(hot);
        }
    }

    // ---- events -------------------------------------------------------------------------------

    void setEvent(String key, Object value) {
        requireName("event key", key);
        if (value == null) {
            throw new IllegalArgumentException("an event value must not be null (key '" + key + "')");
        }
        WorkflowContext ctx = requireWorkflow("setEvent(\"" + key + "\", ...)");
        String name = "durable.setEvent:" + key;
        Integer position = positionToRecord(ctx, name);
        if (position == null) {
            return;
        }
        String encoded = codec.encode(value, ctx.workflowId, position, "the value of event '" + key + "'");
        if (recordWithEffect(ctx, position, name, row -> store.setEvent(row, executorId, ctx.epoch, key, encoded))) {
            waiters.eventSet(ctx.workflowId);
        }
    }

    <T> Optional<T> getEvent(String workflowId, String key, Duration timeout, Class<T> type) {
        requireName("workflow ID", workflowId);
        requireName("event key", key);
        requireTimeout(timeout);
        Objects.requireNonNull(type, "type");
        WorkflowContext ctx = WorkflowContext.current();
        if (ctx == null || ctx.inStep() || ctx.engine != engine) {
            return getEventOutside(workflowId, key, timeout, type);
        }
        String name = "durable.getEvent:" + workflowId + ":" + key;
        String what = "event '" + key + "' of workflow '" + workflowId + "'";
        int position = steps.nextPosition(ctx);
        StepRow recorded = ctx.recorded(position);
        if (recorded != null) {
            steps.checkReplay(ctx, recorded, name);
            return convert(recorded.output(), type, ctx, position, what);
        }
        Instant started = Instant.now();
        Instant deadline = ctx.deadlineAt(position, deadline(started, timeout));
        Waiters.HotWait hot = waiters.forEvent(workflowId, ctx.onWorker);
        try {
            boolean waitRecorded = false;
            Long hotUntil = null;
            while (true) {
                hot.clear();
                Optional<String> value = latestEvent(ctx, position, name, workflowId, key);
                if (value.isPresent() || due(deadline)) {
                    StepRow ended = endWait(ctx, position, name, started, value.orElse(null));
                    return convert(ended.output(), type, ctx, position, what);
                }
                if (!waitRecorded) {
                    recordWait(ctx, new Wait(ctx.workflowId, "event", key, workflowId, position, deadline), name);
                    waitRecorded = true;
                    hotUntil = System.nanoTime() + hotWindow.toNanos();
                }
                if (!keepWaiting(ctx, hot, deadline, hotUntil)) {
                    throw StepRunner.park(ctx);
                }
            }
        } finally {
            waiters.unregister(hot);
        }
    }

    private <T> Optional<T> getEventOutside(String workflowId, String key, Duration timeout, Class<T> type) {
        long deadline = System.nanoTime() + (timeout.compareTo(LONGEST_NANO_WAIT) > 0 ? LONGEST_NANO_WAIT : timeout).toNanos();
        Waiters.HotWait hot = waiters.forEvent(workflowId, false);
        try {
            while (true) {
                hot.clear();
                Optional<String> value = store.latestEvent(workflowId, key);
                if (value.isPresent()) {
                    return convert(value.get(), type, null, 0, "event '" + key + "' of workflow '" + workflowId + "'");
                }
                if (System.nanoTime() - deadline >= 0) {
                    return Optional.empty();
                }
                // No hot window for a caller's own thread: it waits the whole timeout, re-reading every poll interval.
                Waiters.Wake wake = waiters.await(hot, deadline, System.nanoTime() + pollInterval.toNanos());
                if (wake == Waiters.Wake.CLOSING) {
                    throw new DurableException("durable is closing; stopped waiting for event '" + key
                            + "' of workflow '" + workflowId + "'");
                }
            }
        } finally {
            waiters.unregister(hot);
        }
    }

    // ---- helpers ------------------------------------------------------------------------------

    private Optional<String> latestEvent(WorkflowContext ctx, int position, String name, String workflowId,
                                         String key) {
        try {
            return store.latestEvent(workflowId, key);
        } catch (DurableException e) {
            throw steps.storeFailure(ctx, position, name, e);
        }
    }

    /**
     * Waits in memory while the hot window lasts; false means park now. A cancel, or the workflow's
     * own deadline, ends the wait and stops the workflow.
     */
    boolean keepWaiting(WorkflowContext ctx, Waiters.HotWait hot, Instant deadline, Long hotUntil) {
        Lifecycle lifecycle = engine.lifecycle();
        lifecycle.watch(ctx, hot);
        try {
            boolean keep = awaitWake(ctx, hot, lifecycle.earliest(ctx, deadline), hotUntil);
            lifecycle.atBoundary(ctx);
            return keep;
        } finally {
            lifecycle.unwatch(ctx);
        }
    }

    private boolean awaitWake(WorkflowContext ctx, Waiters.HotWait hot, Instant deadline, Long hotUntil) {
        if (ctx.onWorker && engine.hasQueuedWork()) {
            return hot.isSignalled();
        }
        Long deadlineNanos = deadline == null ? null
                : System.nanoTime() + Math.max(0, Duration.between(Instant.now(), deadline).toNanos());
        Waiters.Wake wake = waiters.await(hot, deadlineNanos, hotUntil);
        switch (wake) {
            case SIGNALLED:
            case DEADLINE:
                return true;
            case CLOSING:
                throw StepRunner.unwind(ctx, engine.closingFailure(ctx.workflowId));
            default:
                return hot.isSignalled();
        }
    }

    private void recordWait(WorkflowContext ctx, Wait wait, String name) {
        boolean recorded;
        try {
            recorded = store.recordWait(wait, executorId, ctx.epoch);
        } catch (DurableException e) {
            throw steps.storeFailure(ctx, wait.position(), name, e);
        }
        if (!recorded) {
            throw steps.fenced(ctx, wait.position());
        }
    }

    /** Records the end of a wait; returns the row that holds the position (ours, or the one that won). */
    private StepRow endWait(WorkflowContext ctx, int position, String name, Instant started, String output) {
        return endWait(ctx, row(ctx, position, name, started, output));
    }

    /** Records {@code row} as the end of a wait; returns the row that holds its position (ours, or the one that won). */
    StepRow endWait(WorkflowContext ctx, StepRow row) {
        int position = row.position();
        String name = row.name();
        StepWrite write;
        try {
            write = store.recordWaitEnd(row, executorId, ctx.epoch);
        } catch (DurableException e) {
            throw steps.storeFailure(ctx, position, name, e);
        }
        switch (write.kind()) {
            case RECORDED:
                return row;
            case CONFLICT:
                steps.checkReplay(ctx, write.existing(), name);
                return write.existing();
            default:
                throw steps.fenced(ctx, position);
        }
    }

    private <T> Optional<T> convert(String payload, Class<T> type, WorkflowContext ctx, int position, String what) {
        if (payload == null) {
            return Optional.empty();
        }
        Object value = codec.decode(payload);
        Class<?> boxed = box(type);
        if (boxed.isInstance(value)) {
            @SuppressWarnings("unchecked")
            T cast = (T) boxed.cast(value);
            return Optional.of(cast);
        }
        try {
            return Optional.of(codec.mapper().convertValue(value, type));
        } catch (IllegalArgumentException e) {
            String workflowId = ctx == null ? null : ctx.workflowId;
            throw new SerializationException(what + " is a " + value.getClass().getName() + " and cannot be read as "
                    + type.getName() + ": " + e.getMessage(), e, workflowId, position, value.getClass().getName());
        }
    }

    private static Class<?> box(Class<?> type) {
        if (!type.isPrimitive()) {
            return type;
        }
        return java.lang.invoke.MethodType.methodType(type).wrap().returnType();
    }

    private static StepRow row(WorkflowContext ctx, int position, String name, Instant started, String output) {
        return new StepRow(ctx.workflowId, position, name, StepStatus.SUCCEEDED, output, null, 1, started,
                Instant.now());
    }

    private WorkflowContext requireWorkflow(String operation) {
        WorkflowContext ctx = WorkflowContext.current();
        if (ctx == null || ctx.engine != engine) {
            throw new NotInWorkflowException(operation, "inside a running workflow");
        }
        if (ctx.inStep()) {
            throw new NotInWorkflowException(operation, "in the workflow itself, not inside a step");
        }
        return ctx;
    }

    private static Instant deadline(Instant started, Duration timeout) {
        return timeout.compareTo(LONGEST_DEADLINE) > 0 ? null : started.plus(timeout);
    }

    private static boolean due(Instant deadline) {
        return deadline != null && !Instant.now().isBefore(deadline);
    }

    private static void requireTimeout(Duration timeout) {
        if (timeout == null || timeout.isNegative()) {
            throw new IllegalArgumentException("a timeout must be zero or positive, not " + timeout);
        }
    }

    private static void requireName(String what, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("the " + what + " must not be null or blank");
        }
        if (value.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("the " + what + " is " + value.length() + " characters; at most "
                    + MAX_NAME_LENGTH + " are allowed");
        }
    }
}
