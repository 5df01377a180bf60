package io.durable.internal.engine;

import io.durable.internal.store.Store;
import io.durable.internal.store.WorkflowRow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Wake-ups. Threads that wait in memory (a workflow inside its hot window, a caller of
 * {@code getEvent}) register here and are signalled directly by a send or event in this process,
 * or by a notification from another one. Workflows that parked (no thread) are resumed by the
 * waker thread, which claims them when a wake-up names them and, every poll interval, asks the
 * database which waits are over (a message arrived, an event was set, a deadline passed), so a
 * lost notification only delays a wake-up.
 */
final class Waiters {
    private static final Logger log = LoggerFactory.getLogger(Waiters.class);
    private static final int CLAIM_BATCH = 1000;
    private static final String MESSAGE = "m";
    private static final String EVENT = "e";
    private static final String RUN = "r";
    private static final String CANCEL = "c";
    private static final String QUEUE = "q";

    /** Why {@link #await} returned. */
    enum Wake { SIGNALLED, DEADLINE, HOT_WINDOW_OVER, EVICTED, CLOSING }

    /** One thread waiting in memory. */
    static final class HotWait {
        private final Thread thread = Thread.currentThread();
        private volatile boolean signalled;
        private volatile boolean evicted;
        private final String key;
        private final boolean evictable;
        /** Set by a recv waiting on this thread: senders in this process may hand a message over. */
        volatile Handoff handoff;

        private HotWait(String key, boolean evictable) {
            this.key = key;
            this.evictable = evictable;
        }

        void clear() {
            signalled = false;
        }

        boolean isSignalled() {
            return signalled;
        }

        void signal() {
            signalled = true;
            LockSupport.unpark(thread);
        }

        void evict() {
            evicted = true;
            LockSupport.unpark(thread);
        }
    }

    private final Engine engine;
    private final Store store;
    private final Shutdown shutdown;
    private final Duration pollInterval;
    private final String incarnation = UUID.randomUUID().toString();
    private final Map<String, Set<HotWait>> hot = new ConcurrentHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private final Set<String> toResume = new LinkedHashSet<>();
    /** Workflows that got a message while running here without waiting: one may be parking right now. */
    private final Set<String> missed = ConcurrentHashMap.newKeySet();
    private boolean pollSoon = true;
    /** Listening only (a client): parked workflows are not resumed here, so none are queued for it. */
    private volatile boolean listenOnly;
    private Thread waker;
    private AutoCloseable subscription;

    Waiters(Engine engine, Store store, Shutdown shutdown, Duration pollInterval) {
        this.engine = engine;
        this.store = store;
        this.shutdown = shutdown;
        this.pollInterval = pollInterval;
    }

    void start(ClassLoader loader) {
        subscription = store.subscribe(this::onNotification);
        waker = new Thread(this::wakerLoop, "durable-waker");
        waker.setDaemon(true);
        waker.setContextClassLoader(loader);
        waker.start();
    }

    /**
     * Delivers wake-ups to threads waiting in this process (a client's {@code getEvent}) without a
     * waker thread: this process resumes no parked workflows and polls no waits.
     */
    void listen() {
        listenOnly = true;
        subscription = store.subscribe(this::onNotification);
    }

    void close() {
        for (Set<HotWait> waits : hot.values()) {
            waits.forEach(HotWait::evict);
        }
        if (subscription != null) {
            try {
                subscription.close();
            } catch (Exception e) {
                log.debug("closing the notification subscription failed: {}", e.toString());
            }
        }
        if (waker != null) {
            waker.interrupt();
            try {
                waker.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // ---- waiting in memory -------------------------------------------------------------------

    /** @param evictable whether it may be asked to park so its (workflow) thread runs queued work */
    HotWait forMessages(String workflowId, boolean evictable) {
        return register(new HotWait(MESSAGE + workflowId, evictable));
    }

    HotWait forEvent(String workflowId, boolean evictable) {
        return register(new HotWait(EVENT + workflowId, evictable));
    }

    /** A recv of {@code workflowId} on {@code topic} waiting here that a sender may hand over to now. */
    Handoff claimHandoff(String workflowId, String topic) {
        Set<HotWait> waits = hot.get(MESSAGE + workflowId);
        if (waits != null) {
            for (HotWait wait : waits) {
                Handoff handoff = wait.handoff;
                if (handoff != null && handoff.claim(topic)) {
                    return handoff;
                }
            }
        }
        return null;
    }

    /** A caller waiting for a workflow's result, woken when a run of it starts in this process. */
    HotWait forRunStart(String workflowId) {
        return register(new HotWait(RUN + workflowId, false));
    }

    void runStarted(String workflowId) {
        Set<HotWait> waits = hot.get(RUN + workflowId);
        if (waits != null) {
            waits.forEach(HotWait::signal);
        }
    }

    private HotWait register(HotWait wait) {
        hot.compute(wait.key, (k, set) -> {
            Set<HotWait> waits = set != null ? set : new CopyOnWriteArraySet<>();
            waits.add(wait);
            return waits;
        });
        return wait;
    }

    void unregister(HotWait wait) {
        hot.computeIfPresent(wait.key, (k, set) -> {
            set.remove(wait);
            return set.isEmpty() ? null : set;
        });
    }

    /**
     * Waits until signalled, the deadline (null: none), the end of the hot window (null: no hot
     * window, for callers outside workflows), eviction or close.
     */
    Wake await(HotWait wait, Long deadlineNanos, Long hotUntilNanos) {
        while (true) {
            if (wait.signalled) {
                return Wake.SIGNALLED;
            }
            if (shutdown.isClosing()) {
                return Wake.CLOSING;
            }
            if (wait.evicted) {
                if (engine.hasQueuedWork()) {
                    return Wake.EVICTED;
                }
                // The workflow that asked for a thread found one meanwhile (even this one: the start that
                // evicted this wait may be its own, taken by this thread before the eviction came).
                wait.evicted = false;
                if (engine.hasQueuedWork()) {
                    wait.evicted = true;
                    return Wake.EVICTED;
                }
            }
            long now = System.nanoTime();
            if (deadlineNanos != null && now - deadlineNanos >= 0) {
                return Wake.DEADLINE;
            }
            if (hotUntilNanos != null && now - hotUntilNanos >= 0) {
                return Wake.HOT_WINDOW_OVER;
            }
            long until = Math.min(deadlineNanos == null ? Long.MAX_VALUE : deadlineNanos - now,
                    hotUntilNanos == null ? Long.MAX_VALUE : hotUntilNanos - now);
            LockSupport.parkNanos(this, Math.min(until, pollInterval.toNanos()));
        }
    }

    /** Asks one workflow waiting in memory to park, so its thread can run queued work. */
    void evictOne() {
        for (Set<HotWait> waits : hot.values()) {
            for (HotWait wait : waits) {
                if (wait.evictable && !wait.evicted) {
                    wait.evict();
                    return;
                }
            }
        }
    }

    // ---- wake-ups -----------------------------------------------------------------------------

    /** A message for {@code workflowId} was stored by this process. */
    void messageSent(String workflowId) {
        // A receiver waiting or running in this process is this executor's: no other one needs telling.
        if (!onMessage(workflowId)) {
            store.publish(MESSAGE + "|" + incarnation + "|" + workflowId);
        }
    }

    /**
     * A child of {@code parentId} finished in this process. The parent may wait for it (here, parked,
     * or in another process): it is woken as a message to it would wake it, and re-reads its children.
     */
    void childFinished(String parentId) {
        messageSent(parentId);
    }

    /** {@code workflowId} published an event value in this process. */
    void eventSet(String workflowId) {
        onEvent(workflowId);
        store.publish(EVENT + "|" + incarnation + "|" + workflowId);
    }

    /** {@code workflowId} was cancelled by this process: its run in another process must stop. */
    void cancelled(String workflowId) {
        store.publish(CANCEL + "|" + incarnation + "|" + workflowId);
    }

    /** Work was enqueued, or a slot freed, on {@code queue} in this process: other processes may dequeue. */
    void queueChanged(String queue) {
        store.publish(QUEUE + "|" + incarnation + "|" + queue);
    }

    private void onNotification(String payload) {
        String[] parts = payload.split("\\|", 3);
        if (parts.length != 3 || parts[1].equals(incarnation)) {
            return;
        }
        if (MESSAGE.equals(parts[0])) {
            onMessage(parts[2]);
        } else if (EVENT.equals(parts[0])) {
            onEvent(parts[2]);
        } else if (CANCEL.equals(parts[0])) {
            engine.lifecycle().cancelRequested(parts[2]);
        } else if (QUEUE.equals(parts[0])) {
            engine.queues().signal(parts[2]);
        }
    }

    /** @return true when the workflow waits or runs in this process (and was signalled or noted) */
    private boolean onMessage(String workflowId) {
        Set<HotWait> waits = hot.get(MESSAGE + workflowId);
        if (waits != null && !waits.isEmpty()) {
            waits.forEach(HotWait::signal);
            return true;
        }
        if (engine.runsHere(workflowId)) {
            missed.add(workflowId);
            // The run may have ended between the two checks; then runEnded missed this entry.
            if (engine.runsHere(workflowId) || !missed.remove(workflowId)) {
                return true;
            }
        }
        wakeLater(workflowId);
        return false;
    }

    /**
     * A run of {@code workflowId} in this process ended; if it parked and a message came while it
     * was unwinding, it is resumed now instead of at the next poll.
     */
    void runEnded(String workflowId, boolean parked) {
        if (missed.remove(workflowId) && parked) {
            wakeLater(workflowId);
        }
    }

    private void wakeLater(String workflowId) {
        if (listenOnly) {
            return;
        }
        lock.lock();
        try {
            toResume.add(workflowId);
            work.signal();
        } finally {
            lock.unlock();
        }
    }

    private void onEvent(String workflowId) {
        Set<HotWait> waits = hot.get(EVENT + workflowId);
        if (waits != null) {
            waits.forEach(HotWait::signal);
        }
        // Parked workflows waiting on this event are found by the next poll, brought forward.
        lock.lock();
        try {
            pollSoon = true;
            work.signal();
        } finally {
            lock.unlock();
        }
    }

    // ---- the waker thread ---------------------------------------------------------------------

    private void wakerLoop() {
        while (!shutdown.isClosing() && !Thread.currentThread().isInterrupted()) {
            List<String> named;
            boolean poll;
            lock.lock();
            try {
                if (toResume.isEmpty() && !pollSoon) {
                    pollSoon = !work.await(pollInterval.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS)
                            || pollSoon;
                }
                named = new ArrayList<>(toResume);
                toResume.clear();
                poll = pollSoon;
                pollSoon = false;
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            try {
                if (!named.isEmpty()) {
                    resume(named);
                }
                if (poll) {
                    List<String> due = store.dueWaits(engine.executorId(), engine.registry().workflowNames(),
                            CLAIM_BATCH);
                    // A full batch may have more behind it; look again at once, unless nothing moved.
                    if (resume(due) > 0 && due.size() == CLAIM_BATCH) {
                        lock.lock();
                        try {
                            pollSoon = true;
                        } finally {
                            lock.unlock();
                        }
                    }
                }
            } catch (RuntimeException e) {
                if (shutdown.isClosing()) {
                    return;
                }
                log.warn("resuming waiting workflows failed: {}; retrying in {}", e.getMessage(), pollInterval);
            }
        }
    }

    /** Signals or resumes the named workflows; returns how many were signalled or resumed. */
    private int resume(List<String> ids) {
        int moved = 0;
        List<String> claim = new ArrayList<>();
        for (String id : ids) {
            Set<HotWait> waits = hot.get(MESSAGE + id);
            if (waits != null && !waits.isEmpty()) {
                waits.forEach(HotWait::signal);
                moved++;
            } else if (!engine.runsHere(id)) {
                claim.add(id);
            }
        }
        for (int from = 0; from < claim.size(); from += CLAIM_BATCH) {
            List<String> chunk = claim.subList(from, Math.min(claim.size(), from + CLAIM_BATCH));
            for (WorkflowRow row : store.claimDueWaits(engine.executorId(), engine.registry().workflowNames(), chunk)) {
                engine.resumeIfStarted(row);
                moved++;
            }
        }
        return moved;
    }
}
