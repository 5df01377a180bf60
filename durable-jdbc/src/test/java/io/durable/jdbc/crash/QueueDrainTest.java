package io.durable.jdbc.crash;

import io.durable.Durable;
import io.durable.StartOptions;
import io.durable.testing.FreshDatabase;
import io.durable.testing.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
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
 * executor took part. The enqueues come from this JVM, which does not declare the queue, after the
 * executors are up: they learn of the work by notification.
 */
@ExtendWith(FreshDatabase.class)
class QueueDrainTest {
    private static final int TOTAL = 2_000;
    private static final Duration DRAIN_DEADLINE = Duration.ofSeconds(60);

    @BeforeAll
    static void prepare(TestDatabase db) {
        db.execute("CREATE TABLE " + QueueDrainChild.GAUGE_TABLE
                        + " (id int PRIMARY KEY, running int NOT NULL, max_running int NOT NULL)",
                "INSERT INTO " + QueueDrainChild.GAUGE_TABLE + " VALUES (1, 0, 0)",
                "CREATE TABLE " + QueueDrainChild.EFFECTS_TABLE + " (workflow_id text NOT NULL, executor_id text NOT NULL)");
    }

    @Test
    void threeExecutorsDrainTheQueueWithinTheGlobalLimitAndRunEachWorkflowOnce(TestDatabase db) throws Exception {
        List<ChildJvm> executors = new ArrayList<>();
        try (Durable client = Durable.builder().jdbcUrl(db.url(), db.user(), db.password()).executorId("drain-client")
                .poolSize(4).build()) {
            QueueDrainChild.Drain drain = client.register(QueueDrainChild.Drain.class,
                    new QueueDrainChild.DrainImpl(client, null));
            client.start();
            for (int i = 1; i <= 3; i++) {
                executors.add(ChildJvm.startMain("queue-drain-" + i, db.password(), QueueDrainChild.class, db.url(),
                        db.user(), "drain-" + i, Integer.toString(TOTAL)));
            }
            for (ChildJvm executor : executors) {
                CrashWaits.awaitCondition(executor, "the executor to start", CrashWaits.POLL_NANOS,
                        () -> executor.marker("READY").isPresent());
            }
            for (int i = 0; i < TOTAL; i++) {
                int n = i;
                client.startWorkflow("drain-" + n, StartOptions.queue(QueueDrainChild.QUEUE), () -> drain.drain(n));
            }
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
}
