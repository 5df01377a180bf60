package io.durable.bench;

import com.zaxxer.hikari.HikariDataSource;
import io.durable.Durable;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

/**
 * Many waiting workflows at once. {@code --callers} threads start {@code --workflows} {@link Inbox}
 * workflows with {@code startWorkflow} (handles dropped), each waiting an hour in {@code recv}; once
 * every row shows {@code wait_kind = 'recv'} and no workflow thread is busy, the JVM's threads and its
 * heap (after a full GC) are sampled; then the same threads send one message to each, and the time
 * until all have completed (in-process count, then {@code status = 'SUCCEEDED'} in the database) is
 * taken. A warm-up runs the same cycle first with {@code --warmup} workflows. durable runs on a HikariCP
 * pool configured like its own ({@code --pool} connections) behind a statement-counting DataSource, so
 * the SQL statements each phase costs are counted too.
 */
final class Parked {
    static final String TOPIC = "bench";
    /** Far beyond the run: every wait ends by a message, never by its deadline. */
    static final long RECV_TIMEOUT_MILLIS = TimeUnit.HOURS.toMillis(1);
    private static final long PHASE_DEADLINE_NANOS = TimeUnit.MINUTES.toNanos(30);
    private static final long POLL_MILLIS = 100;

    private final AtomicInteger received = new AtomicInteger();
    private final ThreadMXBean threadBean = ManagementFactory.getThreadMXBean();
    private final MemoryMXBean memoryBean = ManagementFactory.getMemoryMXBean();

    String run(BenchDatabase db, Options options) throws Exception {
        int n = options.workflows;
        int maxConcurrent = Durable.Builder.DEFAULT_MAX_CONCURRENT_WORKFLOWS;
        CountingDataSource counter = new CountingDataSource();
        try (Connection monitor = db.connect();
             HikariDataSource hikari = new HikariDataSource(RecoveryChild.durablePoolConfig(db.url(),
                     db.server().user(), db.server().password(), options.pool));
             Durable durable = Durable.builder()
                     .dataSource(counter.wrap(hikari))
                     .executorId("bench-parked")
                     .maxConcurrentWorkflows(maxConcurrent)
                     .build()) {
            Inbox inbox = Inbox.register(durable, new Inbox.Hook() {
                @Override
                public void received() {
                    received.incrementAndGet();
                }
            });
            durable.start();
            if (options.warmup > 0) {
                park(durable, inbox, monitor, "warmup-", options.warmup, options.callers);
                wake(durable, monitor, "warmup-", options.warmup, options.callers, options.warmup);
            }
            if (options.analyze) {
                db.analyzeDurableTables();
            }

            double heapBefore = heapAfterGcMb();
            int threadsBefore = threadBean.getThreadCount();
            threadBean.resetPeakThreadCount();
            counter.reset();
            long parkNanos = park(durable, inbox, monitor, "parked-", n, options.callers);
            long parkStatements = counter.total();
            System.err.println("durable-bench parked: statements to park them: " + counter.byKind());
            int threadsParked = threadBean.getThreadCount();
            int workflowThreads = WorkflowThreads.all().size();
            System.err.println("durable-bench parked: live threads while parked, by name: " + WorkflowThreads.byName());
            double heapParked = heapAfterGcMb();
            counter.reset();
            long wakeNanos = wake(durable, monitor, "parked-", n, options.callers, options.warmup + n);
            long wakeStatements = counter.total();
            System.err.println("durable-bench parked: statements to wake them: " + counter.byKind());
            int peakThreads = threadBean.getPeakThreadCount();

            long consumed = RecoveryChild.count(monitor, "SELECT count(*) FROM durable.messages"
                    + " WHERE destination LIKE 'parked-%' AND consumed_at IS NOT NULL");
            if (consumed != n) {
                throw new IllegalStateException("expected " + n + " consumed messages, found " + consumed);
            }
            double parkSeconds = parkNanos / 1e9;
            double wakeSeconds = wakeNanos / 1e9;
            return new ResultLine("parked")
                    .add("threads", threadsParked)
                    .add("heap_mb", heapParked, 1)
                    .add("park_s", parkSeconds, 2)
                    .add("wake_all_s", wakeSeconds, 2)
                    .add("threads_before", threadsBefore)
                    .add("heap_before_mb", heapBefore, 1)
                    .add("heap_growth_mb", heapParked - heapBefore, 1)
                    .add("peak_threads", peakThreads)
                    .add("workflow_threads", workflowThreads)
                    .add("park_per_s", n / parkSeconds, 0)
                    .add("wake_per_s", n / wakeSeconds, 0)
                    .add("statements_per_park", (double) parkStatements / n, 2)
                    .add("statements_per_wake", (double) wakeStatements / n, 2)
                    .add("workflows", n)
                    .add("callers", options.callers)
                    .add("warmup", options.warmup)
                    .add("pool", options.pool)
                    .add("max_concurrent", maxConcurrent)
                    .add("analyze", options.analyze ? 1 : 0)
                    .toString();
        }
    }

    /**
     * Starts {@code count} workflows and waits until all are parked.
     *
     * @return nanoseconds from releasing the callers until every workflow is parked
     */
    private long park(Durable durable, Inbox inbox, Connection monitor, String prefix, int count, int callers)
            throws Exception {
        long t0 = System.nanoTime();
        fanOut(callers, count, "starter-", i -> {
            String id = prefix + i;
            durable.startWorkflow(id, () -> inbox.await(TOPIC, RECV_TIMEOUT_MILLIS));
        });
        String waiting = "SELECT count(*) FROM durable.workflows WHERE status = 'PENDING' AND wait_kind = 'recv'";
        long deadline = t0 + PHASE_DEADLINE_NANOS;
        while (true) {
            long parked = RecoveryChild.count(monitor, waiting);
            if (parked > count) {
                throw new IllegalStateException("expected " + count + " from " + waiting + ", found " + parked);
            }
            // The last workflows to start wait their hot window (nothing queued any more) and then park.
            if (parked == count && WorkflowThreads.busy() == 0) {
                long elapsed = System.nanoTime() - t0;
                System.err.println("durable-bench parked: " + count + " workflows (" + prefix + "*) parked in "
                        + Stats.fixed(elapsed / 1e9, 2) + " s");
                return elapsed;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("timed out waiting for " + count + " workflows to park: " + parked
                        + " wait in recv, " + WorkflowThreads.busy() + " workflow threads busy");
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    /**
     * Sends one message to each of the {@code count} workflows and waits until all have completed.
     *
     * @param receivedTotal what the in-process count of received messages reaches when all are done
     * @return nanoseconds from releasing the senders until the database shows every workflow SUCCEEDED
     */
    private long wake(Durable durable, Connection monitor, String prefix, int count, int callers, int receivedTotal)
            throws Exception {
        long t0 = System.nanoTime();
        fanOut(callers, count, "sender-", i -> durable.send(prefix + i, TOPIC, "message-" + i));
        long deadline = t0 + PHASE_DEADLINE_NANOS;
        while (received.get() < receivedTotal) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("timed out waiting for " + count + " workflows to receive: "
                        + (received.get() - (receivedTotal - count)) + " did");
            }
            Thread.sleep(1);
        }
        String done = "SELECT count(*) FROM durable.workflows WHERE status = 'SUCCEEDED'";
        while (true) {
            long succeeded = RecoveryChild.count(monitor, done);
            if (succeeded == receivedTotal) {
                long elapsed = System.nanoTime() - t0;
                System.err.println("durable-bench parked: " + count + " workflows (" + prefix + "*) woken and done in "
                        + Stats.fixed(elapsed / 1e9, 2) + " s");
                return elapsed;
            }
            if (succeeded > receivedTotal) {
                throw new IllegalStateException("expected " + receivedTotal + " from " + done + ", found " + succeeded);
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("timed out waiting for " + count + " workflows to succeed: "
                        + succeeded + " of " + receivedTotal + " (warm-up included)");
            }
            Thread.sleep(1);
        }
    }

    /** Runs {@code work(i)} for i in [0, count) from {@code threads} threads and waits for them. */
    private static void fanOut(int threads, int count, String name, IntConsumer work) throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> started = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread thread = new Thread(() -> {
                try {
                    int i;
                    while (failure.get() == null && (i = next.getAndIncrement()) < count) {
                        work.accept(i);
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, name + t);
            started.add(thread);
            thread.start();
        }
        for (Thread thread : started) {
            thread.join();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("a " + name + "thread failed: " + failure.get(), failure.get());
        }
    }

    /** Heap in use after a full collection, in MB (2^20 bytes). */
    private double heapAfterGcMb() {
        System.gc();
        System.gc();
        return memoryBean.getHeapMemoryUsage().getUsed() / (1024.0 * 1024.0);
    }
}
