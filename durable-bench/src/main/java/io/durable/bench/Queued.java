package io.durable.bench;

import io.durable.Durable;
import io.durable.DurableClient;
import io.durable.Queue;
import io.durable.StartOptions;
import io.durable.Workflow;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Durable queues, fed by a {@link DurableClient} (by workflow name, as a producer process would) and
 * drained by an executor that declares the queue without limits. Two phases, each of
 * {@code --workflows} no-op workflows:
 * <ul>
 *   <li>latency: {@code --callers} producers each enqueue one workflow and wait for its body to start
 *       before enqueueing the next; enqueue-to-start is timed from just before {@code enqueue} to the
 *       first line of the body (the client's NOTIFY wakes the executor's dispatcher);</li>
 *   <li>drain: {@value #BACKLOG_PRODUCERS} producers enqueue the whole backlog while no executor runs, then a fresh executor
 *       starts and dequeues it; {@code drain_per_s} is the backlog over the time from the first body's
 *       start until every one of them has SUCCEEDED ({@code start_to_first_ms} is the executor's own
 *       start-up before that).</li>
 * </ul>
 * The baseline of the same run is {@link Floor}: a single-row INSERT's p50 on one connection and the
 * rows per second 16 connections insert.
 */
final class Queued {
    static final String QUEUE = "bench";
    static final String WORKFLOW = "bench.noop";
    /** Producers of the backlog (the latency phase has {@code --callers}). */
    static final int BACKLOG_PRODUCERS = 8;
    private static final long POLL_MILLIS = 10;
    private static final long DRAIN_DEADLINE_NANOS = TimeUnit.MINUTES.toNanos(10);

    /** The queued workflow; its body reports that it started and returns its number. */
    public interface Noop {
        /**
         * @param n the workflow's number in its phase
         * @return {@code n}
         */
        int run(int n);
    }

    /** Where a running body reports its start: the phase that enqueued it. */
    private static final class Starts {
        private volatile AtomicReferenceArray<CompletableFuture<Long>> pending = new AtomicReferenceArray<>(0);

        void expect(int n) {
            pending = new AtomicReferenceArray<>(n);
            for (int i = 0; i < n; i++) {
                pending.set(i, new CompletableFuture<>());
            }
        }

        CompletableFuture<Long> of(int n) {
            return pending.get(n);
        }

        /** The earliest start among the expected workflows; all of them started. */
        long first() {
            AtomicReferenceArray<CompletableFuture<Long>> current = pending;
            long first = Long.MAX_VALUE;
            for (int i = 0; i < current.length(); i++) {
                first = Math.min(first, current.get(i).getNow(Long.MAX_VALUE));
            }
            return first;
        }

        void started(int n) {
            AtomicReferenceArray<CompletableFuture<Long>> current = pending;
            if (n >= 0 && n < current.length()) {
                current.get(n).complete(System.nanoTime());
            }
        }
    }

    private static final class NoopImpl implements Noop {
        private final Starts starts;

        NoopImpl(Starts starts) {
            this.starts = starts;
        }

        @Override
        @Workflow(name = WORKFLOW)
        public int run(int n) {
            starts.started(n);
            return n;
        }
    }

    String run(BenchDatabase db, Options options) throws Exception {
        Starts starts = new Starts();
        long[] latencies = new long[options.workflows];
        long[] enqueues = new long[options.workflows];
        double drainPerSecond;
        double enqueuePerSecond;
        double startToFirstMillis;
        Durable latencyExecutor = executor(db, options, "bench-queue-latency", starts);
        latencyExecutor.start();
        // the executor created durable's schema; a client only checks that it is there
        try (DurableClient client = DurableClient.builder()
                .jdbcUrl(db.url(), db.server().user(), db.server().password())
                .poolSize(Math.max(options.callers, BACKLOG_PRODUCERS) + 1)
                .build()) {
            try (Durable durable = latencyExecutor) {
                latency(client, starts, "warmup-", new long[options.warmup], new long[options.warmup], options.callers);
                starts.expect(0);
                enqueueAll(client, "warmup-backlog-", options.warmup, BACKLOG_PRODUCERS);
                drain(db, "warmup-backlog-", options.warmup);
                if (options.analyze) {
                    db.analyzeDurableTables();
                }
                latency(client, starts, "latency-", latencies, enqueues, options.callers);
            }
            long t0 = System.nanoTime();
            enqueueAll(client, "backlog-", options.workflows, BACKLOG_PRODUCERS);
            enqueuePerSecond = options.workflows / ((System.nanoTime() - t0) / 1e9);
            starts.expect(options.workflows);
            try (Durable durable = executor(db, options, "bench-queue-drain", starts)) {
                long t1 = System.nanoTime();
                durable.start();
                long done = drain(db, "backlog-", options.workflows);
                long first = starts.first();
                startToFirstMillis = (first - t1) / 1e6;
                drainPerSecond = options.workflows / ((done - first) / 1e9);
            }
        } finally {
            latencyExecutor.close();
        }
        Floor.createTable(db);
        Floor floor = new Floor();
        double insertP50 = Stats.percentileMillis(floor.singleConnection(db, options.warmup, Floor.WARMUP_INSERTS),
                50);
        double floorRows = floor.parallel(db, Floor.CONNECTIONS);
        double p50 = Stats.percentileMillis(latencies, 50);
        return new ResultLine("queue")
                .add("enqueue_to_start_p50_ms", p50, 3)
                .add("enqueue_to_start_p99_ms", Stats.percentileMillis(latencies, 99), 3)
                .add("drain_per_s", drainPerSecond, 1)
                .add("enqueue_p50_ms", Stats.percentileMillis(enqueues, 50), 3)
                .add("enqueue_per_s", enqueuePerSecond, 1)
                .add("start_to_first_ms", startToFirstMillis, 1)
                .add("insert_p50_ms", insertP50, 3)
                .add("p50_over_insert", p50 / insertP50, 2)
                .add("insert_rows_per_s_16", Math.round(floorRows))
                .add("drain_over_floor", drainPerSecond / floorRows, 3)
                .add("workflows", options.workflows)
                .add("callers", options.callers)
                .add("warmup", options.warmup)
                .add("pool", options.pool)
                .add("max_concurrent", Durable.Builder.DEFAULT_MAX_CONCURRENT_WORKFLOWS)
                .add("analyze", options.analyze ? 1 : 0)
                .toString();
    }

    private static Durable executor(BenchDatabase db, Options options, String executorId, Starts starts) {
        Durable durable = Durable.builder()
                .jdbcUrl(db.url(), db.server().user(), db.server().password())
                .executorId(executorId)
                .poolSize(options.pool)
                .queue(Queue.named(QUEUE))
                .build();
        durable.register(Noop.class, new NoopImpl(starts));
        return durable;
    }

    /** Closed loop: each producer enqueues one workflow and waits for its body to start. */
    private static void latency(DurableClient client, Starts starts, String prefix, long[] latencies,
                                long[] enqueues, int callers) throws Exception {
        starts.expect(latencies.length);
        producers(prefix, latencies.length, callers, i -> {
            long t0 = System.nanoTime();
            client.enqueue(WORKFLOW, prefix + i, StartOptions.queue(QUEUE), i);
            enqueues[i] = System.nanoTime() - t0;
            long started = starts.of(i).get(1, TimeUnit.MINUTES);
            latencies[i] = started - t0;
        });
    }

    private static void enqueueAll(DurableClient client, String prefix, int count, int callers) throws Exception {
        producers(prefix, count, callers, i -> client.enqueue(WORKFLOW, prefix + i, StartOptions.queue(QUEUE), i));
    }

    /**
     * Waits until the {@code count} workflows enqueued under {@code prefix} have SUCCEEDED, polling
     * every {@value #POLL_MILLIS} ms (more often would load the database the drain runs on).
     *
     * @return {@link System#nanoTime()} when they had
     */
    private static long drain(BenchDatabase db, String prefix, int count) throws Exception {
        try (Connection monitor = db.connect();
             PreparedStatement finished = monitor.prepareStatement("SELECT count(*),"
                     + " count(*) FILTER (WHERE status <> 'SUCCEEDED') FROM durable.workflows"
                     + " WHERE queue_name = ? AND status NOT IN ('ENQUEUED', 'PENDING') AND starts_with(id, ?)")) {
            finished.setString(1, QUEUE);
            finished.setString(2, prefix);
            long t0 = System.nanoTime();
            while (finished(finished, prefix) < count) {
                if (System.nanoTime() - t0 > DRAIN_DEADLINE_NANOS) {
                    throw new IllegalStateException("the backlog of " + count + " was not drained within 10 minutes");
                }
                Thread.sleep(POLL_MILLIS);
            }
            return System.nanoTime();
        }
    }

    private static long finished(PreparedStatement ps, String prefix) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            if (rs.getLong(2) > 0) {
                throw new IllegalStateException(rs.getLong(2) + " workflows " + prefix + "* did not succeed");
            }
            return rs.getLong(1);
        }
    }

    @FunctionalInterface
    private interface Produce {
        void produce(int i) throws Exception;
    }

    /** Runs {@code produce(0 … count-1)} from {@code callers} threads sharing one counter. */
    private static void producers(String prefix, int count, int callers, Produce produce) throws Exception {
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(callers);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < callers; t++) {
            Thread thread = new Thread(() -> {
                try {
                    int i;
                    while (failure.get() == null && (i = next.getAndIncrement()) < count) {
                        produce.produce(i);
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                } finally {
                    done.countDown();
                }
            }, "producer-" + prefix + t);
            threads.add(thread);
        }
        threads.forEach(Thread::start);
        done.await();
        if (failure.get() != null) {
            throw new IllegalStateException("a producer failed: " + failure.get(), failure.get());
        }
    }
}
