package io.durable.bench;

import io.durable.Durable;
import io.durable.WorkflowHandle;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * send→recv wake-up latency, one workflow at a time. Each iteration starts an {@link Inbox} workflow,
 * waits until it is waiting hot in its {@code recv} (see {@link #awaitWait}), then times {@code send}
 * until {@code handle.result()} returns the message; then it times one single-row autocommit INSERT of
 * {@link Floor} on the benchmark's own connection, so the floor is sampled at the same moments of the run.
 *
 * <p>A workflow that parks before the benchmark could send (it should not: the hot window is a second)
 * is not timed: it gets its message untimed, is counted in {@code parked_before_send}, and the
 * iteration is repeated with a new workflow.
 */
final class Recv {
    static final String TOPIC = "bench";
    /** Far beyond the hot window: the workflow waits in memory, woken by the send of this process. */
    static final long RECV_TIMEOUT_MILLIS = 60_000;
    /** Attempts per iteration to catch a workflow waiting hot before giving up. */
    static final int ATTEMPTS = 10;
    private static final long READY_DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final Duration RESULT_TIMEOUT = Duration.ofSeconds(60);

    /** How a started workflow was found waiting. */
    private enum Waiting { HOT, PARKED }

    /** The thread of the workflow that last reached its {@code recv}. */
    private final AtomicReference<Thread> receiver = new AtomicReference<>();
    /** System.nanoTime() when the workflow's {@code recv} last returned a message. */
    private volatile long receivedAt;
    private final Floor floor = new Floor();
    private int parkedBeforeSend;

    String run(BenchDatabase db, Options options) throws Exception {
        Floor.createTable(db);
        try (Connection c = db.connect();
             PreparedStatement insert = c.prepareStatement(Floor.INSERT);
             PreparedStatement waitKind = c.prepareStatement("SELECT wait_kind FROM durable.workflows WHERE id = ?");
             Durable durable = Durable.builder()
                     .jdbcUrl(db.url(), db.server().user(), db.server().password())
                     .executorId("bench-recv")
                     .poolSize(options.pool)
                     .build()) {
            c.setAutoCommit(true);
            Inbox inbox = Inbox.register(durable, new Inbox.Hook() {
                @Override
                public void beforeRecv() {
                    receiver.set(Thread.currentThread());
                }

                @Override
                public void received() {
                    receivedAt = System.nanoTime();
                }
            });
            durable.start();
            for (int i = 0; i < Floor.WARMUP_INSERTS; i++) {
                floor.insert(insert);
            }
            for (int i = 0; i < options.warmup; i++) {
                roundTrip(durable, inbox, "warmup-" + i, waitKind);
                floor.insert(insert);
            }
            if (options.analyze) {
                db.analyzeDurableTables();
            }
            int parkedInWarmup = parkedBeforeSend;
            parkedBeforeSend = 0;
            long[] latencies = new long[options.workflows];
            long[] sends = new long[options.workflows];
            long[] receives = new long[options.workflows];
            long[] inserts = new long[options.workflows];
            for (int i = 0; i < options.workflows; i++) {
                long[] times = roundTrip(durable, inbox, "recv-" + i, waitKind);
                latencies[i] = times[0];
                sends[i] = times[1];
                receives[i] = times[2];
                long t0 = System.nanoTime();
                floor.insert(insert);
                inserts[i] = System.nanoTime() - t0;
            }
            if (parkedInWarmup + parkedBeforeSend > 0) {
                System.err.println("durable-bench recv: " + (parkedInWarmup + parkedBeforeSend) + " workflows parked"
                        + " before the send (" + parkedInWarmup + " in the warm-up), although the hot window is "
                        + Durable.Builder.DEFAULT_HOT_WAIT_WINDOW.toMillis() + " ms; each was repeated under a new ID");
            }
            double p50 = Stats.percentileMillis(latencies, 50);
            double insertP50 = Stats.percentileMillis(inserts, 50);
            return new ResultLine("recv")
                    .add("p50_ms", p50, 3)
                    .add("p99_ms", Stats.percentileMillis(latencies, 99), 3)
                    .add("insert_p50_ms", insertP50, 3)
                    .add("p50_over_insert", p50 / insertP50, 2)
                    .add("max_ms", Stats.percentileMillis(latencies, 100), 3)
                    .add("send_p50_ms", Stats.percentileMillis(sends, 50), 3)
                    .add("received_p50_ms", Stats.percentileMillis(receives, 50), 3)
                    .add("insert_p99_ms", Stats.percentileMillis(inserts, 99), 3)
                    .add("parked_before_send", parkedBeforeSend)
                    .add("workflows", options.workflows)
                    .add("warmup", options.warmup)
                    .add("pool", options.pool)
                    .add("hot_window_ms", Durable.Builder.DEFAULT_HOT_WAIT_WINDOW.toMillis())
                    .add("analyze", options.analyze ? 1 : 0)
                    .toString();
        }
    }

    /**
     * @return nanoseconds from calling {@code send} until the workflow's result is in the caller's hands,
     * until {@code send} returned, and until the workflow's {@code recv} returned the message
     */
    private long[] roundTrip(Durable durable, Inbox inbox, String id, PreparedStatement waitKind) throws Exception {
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            String workflowId = attempt == 1 ? id : id + "-attempt-" + attempt;
            receiver.set(null);
            WorkflowHandle<String> handle = durable.startWorkflow(workflowId,
                    () -> inbox.await(TOPIC, RECV_TIMEOUT_MILLIS));
            Waiting waiting = awaitWait(workflowId, waitKind);
            String message = "message-" + workflowId;
            long t0 = System.nanoTime();
            durable.send(workflowId, TOPIC, message);
            long sent = System.nanoTime();
            String result = handle.result(RESULT_TIMEOUT);
            long elapsed = System.nanoTime() - t0;
            if (!message.equals(result)) {
                throw new IllegalStateException("workflow " + workflowId + " returned '" + result + "', expected '"
                        + message + "'");
            }
            if (waiting == Waiting.HOT) {
                return new long[] {elapsed, sent - t0, receivedAt - t0};
            }
            parkedBeforeSend++;
        }
        throw new IllegalStateException("workflow " + id + " parked before the send " + ATTEMPTS + " times in a row");
    }

    /**
     * Returns once the workflow waits in its {@code recv}: {@link Waiting#HOT} when its thread (recorded by
     * the hook just before {@code recv}) sleeps in durable's hot wait, {@link Waiting#PARKED} when that
     * thread is back idle in its pool (the workflow parked: it holds no thread); in both cases its row
     * shows {@code wait_kind = 'recv'}. durable records the wait only after its first attempt to receive
     * found no message, so the send that follows is a wake-up, never a message that is already there.
     */
    private Waiting awaitWait(String id, PreparedStatement waitKind) throws SQLException {
        long deadline = System.nanoTime() + READY_DEADLINE_NANOS;
        while (true) {
            Thread thread = receiver.get();
            if (thread != null) {
                Waiting waiting = WorkflowThreads.inHotWait(thread) ? Waiting.HOT
                        : WorkflowThreads.idleInPool(thread) ? Waiting.PARKED : null;
                if (waiting != null && "recv".equals(waitKind(waitKind, id))) {
                    return waiting;
                }
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("workflow " + id + " was not waiting in recv within "
                        + TimeUnit.NANOSECONDS.toSeconds(READY_DEADLINE_NANOS) + " s (thread " + thread
                        + (thread == null ? "" : ", " + thread.getState()) + ", wait_kind " + waitKind(waitKind, id)
                        + ")");
            }
            LockSupport.parkNanos(50_000);
        }
    }

    private static String waitKind(PreparedStatement ps, String id) throws SQLException {
        ps.setString(1, id);
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getString(1) : null;
        }
    }
}
