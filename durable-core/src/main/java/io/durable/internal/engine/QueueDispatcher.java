package io.durable.internal.engine;

import io.durable.Queue;
import io.durable.StartOptions;
import io.durable.internal.store.DequeueRound;
import io.durable.internal.store.QueueEntry;
import io.durable.internal.store.Store;
import io.durable.internal.store.WorkflowRow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Dequeues the queues this process declares, on one daemon thread ({@code durable-queues}). A round
 * of a queue asks the store for as many ready workflows as there are free workflow threads (never
 * more) and runs what it got like recovered workflows. Rounds happen when something may have
 * changed: an enqueue here (signalled directly) or in another process (a notification), a dequeued
 * workflow finishing (frees a slot; other processes are notified when the queue has a global limit),
 * a workflow thread freeing up when a round found none, a delayed row or a rate-limit window coming
 * due (a timed wake-up), and every poll interval as the fallback for lost notifications. Idle, the
 * thread blocks until one of those.
 */
final class QueueDispatcher {
    private static final Logger log = LoggerFactory.getLogger(QueueDispatcher.class);
    /** Most workflows one round takes (one statement, one commit). */
    private static final int MAX_BATCH = 256;

    private final Engine engine;
    private final Store store;
    private final Waiters waiters;
    private final Shutdown shutdown;
    private final Map<String, Queue> queues = new LinkedHashMap<>();
    private final long pollNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    /** Queues to dequeue from at the next turn of the loop. Guarded by {@link #lock}. */
    private final Set<String> dirty = new LinkedHashSet<>();
    /** Queues whose last round found no free workflow thread: a thread freeing up marks them dirty. */
    private final Set<String> starved = ConcurrentHashMap.newKeySet();
    private final Set<String> warnedUndeclared = ConcurrentHashMap.newKeySet();
    /** When each queue asked to be looked at again (System.nanoTime). Dispatcher thread only. */
    private final Map<String, Long> wakeAt = new HashMap<>();
    private Thread thread;

    QueueDispatcher(Engine engine, Store store, Waiters waiters, Shutdown shutdown, List<Queue> declared,
                    Duration pollInterval) {
        this.engine = engine;
        this.store = store;
        this.waiters = waiters;
        this.shutdown = shutdown;
        declared.forEach(q -> queues.put(q.name(), q));
        this.pollNanos = pollInterval.toNanos();
    }

    /** The store's queue part of a start with these options, or null when they name no queue. */
    static QueueEntry entry(StartOptions options) {
        if (options == null || options.queueName() == null) {
            return null;
        }
        return new QueueEntry(options.queueName(), options.priority(), options.deduplicationId(),
                options.partitionKey(), options.delay());
    }

    void start(ClassLoader loader) {
        if (queues.isEmpty()) {
            return;
        }
        store.requireQueues();
        lock.lock();
        try {
            dirty.addAll(queues.keySet());
        } finally {
            lock.unlock();
        }
        thread = new Thread(this::loop, "durable-queues");
        thread.setDaemon(true);
        thread.setContextClassLoader(loader);
        thread.start();
        log.info("dequeuing from {}", queues.values());
    }

    void close() {
        Thread t = thread;
        if (t != null) {
            t.interrupt();
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // ---- signals --------------------------------------------------------------------------------

    /** This process enqueued on {@code queue}: dequeue here if declared, and tell the other processes. */
    void enqueued(String queue) {
        if (queues.containsKey(queue)) {
            signal(queue);
        } else if (warnedUndeclared.add(queue)) {
            log.info("enqueued on queue '{}', which this process does not declare; it runs in a process that "
                    + "declares it (Durable.builder().queue(Queue.named(\"{}\")))", queue, queue);
        }
        waiters.queueChanged(queue);
    }

    /** Something changed on {@code queue} (a notification from another process, or here). */
    void signal(String queue) {
        if (!queues.containsKey(queue)) {
            return;
        }
        lock.lock();
        try {
            dirty.add(queue);
            work.signal();
        } finally {
            lock.unlock();
        }
    }

    /**
     * A dequeued workflow of {@code queue} stopped running here (finished, failed, cancelled...): its
     * slot is free. Other processes need to know only when the slot counts across processes.
     */
    void runEnded(String queue) {
        signal(queue);
        Queue declared = queues.get(queue);
        if (declared == null || declared.hasGlobalLimit()) {
            waiters.queueChanged(queue);
        }
    }

    /** New workflow names were registered: every queue may hold rows this process can now run. */
    void namesRegistered() {
        queues.keySet().forEach(this::signal);
    }

    /** A workflow thread became free: queues that found none get another round. */
    void capacityFreed() {
        if (starved.isEmpty()) {
            return;
        }
        lock.lock();
        try {
            for (String queue : starved) {
                if (starved.remove(queue)) {
                    dirty.add(queue);
                }
            }
            work.signal();
        } finally {
            lock.unlock();
        }
    }

    // ---- the dispatcher thread -----------------------------------------------------------------------

    private void loop() {
        long lastPoll = System.nanoTime();
        while (!shutdown.isClosing() && !Thread.currentThread().isInterrupted()) {
            Set<String> due;
            lock.lock();
            try {
                long now = System.nanoTime();
                if (now - lastPoll >= pollNanos) {
                    dirty.addAll(queues.keySet());
                    lastPoll = now;
                }
                wakeAt.entrySet().removeIf(e -> {
                    if (e.getValue() - now <= 0) {
                        dirty.add(e.getKey());
                        return true;
                    }
                    return false;
                });
                if (dirty.isEmpty()) {
                    long sleep = lastPoll + pollNanos - now;
                    for (long at : wakeAt.values()) {
                        sleep = Math.min(sleep, at - now);
                    }
                    work.await(Math.max(sleep, 0), TimeUnit.NANOSECONDS);
                    continue;
                }
                due = new LinkedHashSet<>(dirty);
                dirty.clear();
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            for (String queue : due) {
                round(queues.get(queue));
            }
        }
    }

    private void round(Queue queue) {
        Set<String> names = engine.registry().workflowNames();
        if (names.isEmpty()) {
            return; // a registration signals every queue
        }
        // Marked before reading the capacity, so that a thread freed right after is not missed.
        starved.add(queue.name());
        int free = engine.freeWorkers();
        if (free <= 0) {
            return;
        }
        starved.remove(queue.name());
        DequeueRound round;
        try {
            round = store.dequeue(queue, engine.executorId(), names, Math.min(free, MAX_BATCH));
        } catch (RuntimeException e) {
            if (!shutdown.isClosing()) {
                log.warn("dequeuing from queue '{}' failed: {}; retrying at the next poll", queue.name(),
                        e.getMessage());
            }
            return;
        }
        for (WorkflowRow row : round.rows()) {
            engine.runDequeued(row, !round.withJournal().contains(row.id()));
        }
        if (round.full()) {
            signal(queue.name()); // more may be ready: go again at once (capacity permitting)
        }
        if (round.wakeIn() != null) {
            long at = System.nanoTime() + Math.max(round.wakeIn().toNanos(), TimeUnit.MILLISECONDS.toNanos(1));
            wakeAt.merge(queue.name(), at, (a, b) -> a - b <= 0 ? a : b);
        }
    }
}
