package io.durable.jdbc.crash;

import io.durable.DurableClient;
import io.durable.StartOptions;
import io.durable.testing.FreshDatabase;
import io.durable.testing.PostgresOnly;
import io.durable.testing.TestDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three executors, each its own JVM, drain a queue of 2,000 workflows with a global concurrency of 10.
 * The workflows measure how many of them run at once in a table (raised at the first step, lowered at
 * the last): never more than 10. Each workflow completes exactly once (one side effect each), and every
 * executor took part. The enqueues come from a {@link DurableClient} in this JVM, by workflow name,
 * after the executors are up: they learn of the work by notification. A second test kills one of
 * the executors mid-drain.
 */
@PostgresOnly // queues and several executors need PostgreSQL
@ExtendWith(FreshDatabase.class)
class QueueDrainTest {
    private static final int TOTAL = 2_000;
    private static final Duration DRAIN_DEADLINE = Duration.ofSeconds(60);

    @BeforeEach
    void prepare(TestDatabase db) {
        db.execute("DROP TABLE IF EXISTS " + QueueDrainChild.GAUGE_TABLE, "DROP TABLE IF EXISTS "
                + QueueDrainChild.EFFECTS_TABLE, "DROP SCHEMA IF EXISTS durable CASCADE");
        db.execute("CREATE TABLE " + QueueDrainChild.GAUGE_TABLE
                        + " (id int PRIMARY KEY, running int NOT NULL, max_running int NOT NULL)",
                "INSERT INTO " + QueueDrainChild.GAUGE_TABLE + " VALUES (1, 0, 0)",
                "CREATE TABLE " + QueueDrainChild.EFFECTS_TABLE + " (workflow_id text NOT NULL, executor_id text NOT NULL)");
    }

    @Test
    void threeExecutorsDrainTheQueueWithinTheGlobalLimitAndRunEachWorkflowOnce(TestDatabase db) throws Exception {
        List<ChildJvm> executors = new ArrayList<>();
        try (DurableClient client = startExecutorsAndClient(db, executors)) {
            enqueueAll(client);
            for (ChildJvm executor : executors) {
                assertEquals(0, executor.awaitExit(DRAIN_DEADLINE, "drain the queue"), executor.logs());
            }
        } finally {
            executors.forEach(ChildJvm::destroy);
        }

        long maxRunning = db.queryLong("SELECT max_running FROM " + QueueDrainChild.GAUGE_TABLE);
        assertTrue(maxRunning >= 1 && maxRunning <= QueueDrainChild.CONCURRENCY,
                "at most " + QueueDrainChild.CONCURRENCY + " may run at once; measured " + maxRunning);
        assertEquals(0, db.queryLong("SELECT running FROM " + QueueDrainChild.GAUGE_TABLE));
        try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password())) {
            assertEquals(TOTAL, QueueDrainChild.effects(c, ""));
            assertEquals(TOTAL, db.queryLong("SELECT count(DISTINCT workflow_id) FROM " + QueueDrainChild.EFFECTS_TABLE));
            long sum = 0;
            for (ChildJvm executor : executors) {
                long ran = Long.parseLong(executor.marker("RESULT").orElseThrow());
                assertTrue(ran > 0, executor + " ran no workflow" + executor.logs());
                sum += ran;
            }
            assertEquals(TOTAL, sum);
        }
        assertEquals(TOTAL, db.queryLong("SELECT count(*) FROM durable.workflows WHERE queue_name = '"
                + QueueDrainChild.QUEUE + "' AND status = 'SUCCEEDED'"));
        assertEquals(TOTAL, db.queryLong("SELECT count(*) FROM durable.steps WHERE name = 'effect'"));
        for (ChildJvm executor : executors) {
            assertTrue(executor.warnings().isEmpty(), executor + " logged warnings: " + executor.warnings());
        }
    }

    /**
     * SIGKILL of one of the three executors mid-drain: the workflows it had dequeued stay PENDING under
     * it until its lease expires; then the other two take them over (bounded: lease + one heartbeat +
     * slack for the statement and two shared cores), and every workflow completes exactly once.
     * Side effects may repeat only for steps that were running at the kill (at most one per workflow
     * the killed executor was running, so at most {@link QueueDrainChild#CONCURRENCY}).
     */
    @Test
    void whenAnExecutorIsKilledMidDrainTheOthersTakeOverItsDequeuedWorkflows(TestDatabase db) throws Exception {
        List<ChildJvm> executors = new ArrayList<>();
        Duration bound = QueueDrainChild.LEASE.plus(QueueDrainChild.HEARTBEAT).plus(Duration.ofSeconds(3));
        try (DurableClient client = startExecutorsAndClient(db, executors);
             Connection c = DriverManager.getConnection(db.url(), db.user(), db.password())) {
            enqueueAll(client);
            ChildJvm killed = executors.get(0);
            CrashWaits.awaitCondition(killed, "a quarter of the queue to be drained", CrashWaits.POLL_NANOS,
                    () -> QueueDrainChild.succeeded(c) >= TOTAL / 4 && ownedPending(db) > 0);
            long killedAt = System.nanoTime();
            assertEquals(ChildJvm.SIGKILL_EXIT, killed.kill(Duration.ofSeconds(10)));
            long stranded = ownedPending(db);
            CrashWaits.awaitCondition(executors.get(1), "the killed executor's workflows to be taken over",
                    CrashWaits.POLL_NANOS, () -> ownedPending(db) == 0);
            Duration takenOverAfter = Duration.ofNanos(System.nanoTime() - killedAt);
            System.out.println("QueueDrainTest: " + stranded + " dequeued workflow(s) of drain-1 taken over "
                    + takenOverAfter.toMillis() + " ms after the SIGKILL (bound " + bound.toMillis() + " ms)");
            assertTrue(takenOverAfter.compareTo(bound) <= 0, "taken over after " + takenOverAfter.toMillis()
                    + " ms; bound lease + heartbeat + slack = " + bound.toMillis() + " ms");
            for (ChildJvm survivor : executors.subList(1, 3)) {
                assertEquals(0, survivor.awaitExit(DRAIN_DEADLINE, "drain the queue"), survivor.logs());
            }
            assertEquals(TOTAL, QueueDrainChild.succeeded(c));
        } finally {
            executors.forEach(ChildJvm::destroy);
        }
        assertEquals(TOTAL, db.queryLong("SELECT count(DISTINCT workflow_id) FROM " + QueueDrainChild.EFFECTS_TABLE));
        long effects = db.queryLong("SELECT count(*) FROM " + QueueDrainChild.EFFECTS_TABLE);
        assertTrue(effects <= TOTAL + QueueDrainChild.CONCURRENCY, effects + " side effects for " + TOTAL
                + " workflows: only steps running at the kill may repeat");
        assertEquals(TOTAL, db.queryLong("SELECT count(*) FROM durable.steps WHERE name = 'effect'"),
                "one journal entry per workflow and step");
        assertEquals(0, db.queryLong("SELECT count(*) FROM durable.workflows WHERE owner = 'drain-1'"
                + " AND status <> 'SUCCEEDED'"));
    }

    private static long ownedPending(TestDatabase db) {
        return db.queryLong("SELECT count(*) FROM durable.workflows WHERE owner = 'drain-1' AND status = 'PENDING'");
    }

    /**
     * Starts the three executors and waits until they are up (the first creates durable's schema), then
     * opens the client.
     */
    private static DurableClient startExecutorsAndClient(TestDatabase db, List<ChildJvm> executors)
            throws Exception {
        for (int i = 1; i <= 3; i++) {
            executors.add(ChildJvm.startMain("queue-drain-" + i, db.password(), QueueDrainChild.class, db.url(),
                    db.user(), "drain-" + i, Integer.toString(TOTAL)));
        }
        for (ChildJvm executor : executors) {
            CrashWaits.awaitCondition(executor, "the executor to start", CrashWaits.POLL_NANOS,
                    () -> executor.marker("READY").isPresent());
        }
        return DurableClient.builder().jdbcUrl(db.url(), db.user(), db.password()).build();
    }

    /** Enqueues the workflows by name: the executors learn of them by notification. */
    private static void enqueueAll(DurableClient client) {
        for (int i = 0; i < TOTAL; i++) {
            client.enqueue("drain.item", "drain-" + i, StartOptions.queue(QueueDrainChild.QUEUE), i);
        }
    }
}
