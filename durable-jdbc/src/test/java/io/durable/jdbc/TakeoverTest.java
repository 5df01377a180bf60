package io.durable.jdbc;

import io.durable.Durable;
import io.durable.Step;
import io.durable.StepInfo;
import io.durable.Workflow;
import io.durable.WorkflowHandle;
import io.durable.WorkflowInterruptedException;
import io.durable.WorkflowStatus;
import io.durable.testing.FreshDatabase;
import io.durable.testing.PostgresOnly;
import io.durable.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Takeover inside one JVM: "dead" executors (a heartbeat of an hour, so their lease only expires when
 * the test says so, or stopped cleanly) leave unfinished workflows, and a live executor with a short
 * heartbeat and lease takes them over.
 */
@PostgresOnly // takeover between executors: SQLite serves one executor
@ExtendWith(FreshDatabase.class)
class TakeoverTest {
    private static final Duration HEARTBEAT = Duration.ofMillis(100);
    private static final Duration LEASE = Duration.ofSeconds(1);
    private static final Duration WAIT = Duration.ofSeconds(20);

    /** Steps whose results name the executor that ran them. */
    public interface Steps {
        String work(String label);

        String block() throws InterruptedException;
    }

    /** In a "dead" executor, {@code block} waits for the gate (or close()); in a live one it returns at once. */
    public static final class ExecutorSteps implements Steps {
        final String executor;
        final CountDownLatch gate;
        final AtomicInteger blocked = new AtomicInteger();

        ExecutorSteps(String executor, CountDownLatch gate) {
            this.executor = executor;
            this.gate = gate;
        }

        @Step
        public String work(String label) {
            return label + "@" + executor;
        }

        @Step
        public String block() throws InterruptedException {
            blocked.incrementAndGet();
            if (gate != null) {
                gate.await();
            }
            return executor;
        }
    }

    public interface Flow {
        String run(String input) throws InterruptedException;
    }

    public record FlowImpl(Steps steps) implements Flow {
        @Workflow(name = "takeover.flow")
        public String run(String input) throws InterruptedException {
            String first = steps.work(input);
            String blocked = steps.block();
            return first + "|" + blocked + "|" + steps.work("end");
        }
    }

    public interface Other {
        String run() throws InterruptedException;
    }

    public record OtherImpl(Steps steps) implements Other {
        @Workflow(name = "takeover.other")
        public String run() throws InterruptedException {
            return steps.block();
        }
    }

    public interface Waiting {
        String run();
    }

    public record WaitingImpl(Durable durable, Steps steps) implements Waiting {
        @Workflow(name = "takeover.waiting")
        public String run() {
            String message = durable.recv("go", Duration.ofHours(1), String.class).orElse("timeout");
            return message + "|" + steps.work("after");
        }
    }

    /** A started executor and the steps it runs. */
    private record Executor(Durable durable, ExecutorSteps steps, Flow flow, Other other, Waiting waiting) {
    }

    private final List<Durable> opened = new ArrayList<>();

    @BeforeAll
    static void migrate(TestDatabase db) {
        try (Durable durable = Durables.builder(db, "takeover-migrate").build()) {
            durable.start();
        }
    }

    @BeforeEach
    void clean(TestDatabase db) {
        db.execute("TRUNCATE durable.workflows, durable.steps, durable.messages, durable.events, durable.executors");
    }

    @AfterEach
    void closeAll() {
        opened.forEach(Durable::close);
    }

    /** An executor whose lease lasts two hours: it expires only by the test's SQL or a clean stop. */
    private Executor dead(TestDatabase db, String id, String application) {
        return open(Durables.builder(db, id).application(application).heartbeatInterval(Duration.ofHours(1))
                .leaseDuration(Duration.ofHours(2)).hotWaitWindow(Duration.ZERO), id, new CountDownLatch(1), true);
    }

    private Executor live(TestDatabase db, String id, int maxRecoveryAttempts) {
        return open(liveBuilder(db, id).maxRecoveryAttempts(maxRecoveryAttempts), id, null, false);
    }

    private static Durable.Builder liveBuilder(TestDatabase db, String id) {
        return Durables.builder(db, id).heartbeatInterval(HEARTBEAT).leaseDuration(LEASE)
                .pollInterval(Duration.ofMillis(50));
    }

    private Executor open(Durable.Builder builder, String id, CountDownLatch gate, boolean withOther) {
        Durable durable = builder.shutdownTimeout(Duration.ofMillis(200)).build();
        opened.add(durable);
        ExecutorSteps steps = new ExecutorSteps(id, gate);
        Steps proxy = durable.register(Steps.class, steps);
        Flow flow = durable.register(Flow.class, new FlowImpl(proxy));
        Other other = withOther ? durable.register(Other.class, new OtherImpl(proxy)) : null;
        Waiting waiting = durable.register(Waiting.class, new WaitingImpl(durable, proxy));
        durable.start();
        return new Executor(durable, steps, flow, other, waiting);
    }

    /** Starts the flow on the executor and waits until its second step blocks there. */
    private static WorkflowHandle<String> startBlocked(Executor executor, String workflowId, int blockedBefore) {
        WorkflowHandle<String> handle = executor.durable().startWorkflow(workflowId, () -> executor.flow().run("x"));
        Await.until(workflowId + " to block in executor " + executor.steps().executor, WAIT,
                () -> executor.steps().blocked.get() > blockedBefore);
        return handle;
    }

    @Test
    void leaseExpiryIsJudgedOnTheDatabaseClockAndTheStaleOwnerRecordsNothing(TestDatabase db) throws Exception {
        Executor a = dead(db, "a", "default");
        WorkflowHandle<String> seenByA = startBlocked(a, "lease-1", 0);
        Executor b = live(db, "b", 100);

        // A's lease runs for hours on the database clock: B leaves its workflow alone.
        awaitTakeoverRounds(db, "b");
        assertEquals("a/1", ownerAndEpoch(db, "lease-1"));

        db.execute("UPDATE durable.executors SET lease_expires_at = now() - interval '1 millisecond' WHERE id = 'a'");
        assertEquals("x@a|b|end@b", b.durable().<String>retrieve("lease-1").result(WAIT));
        assertEquals("b/2", ownerAndEpoch(db, "lease-1"));
        assertEquals(1, db.queryLong("SELECT recovery_attempts FROM durable.workflows WHERE id = 'lease-1'"));

        // A's step now finishes: its checkpoint is refused, and its caller learns who holds the workflow.
        a.steps().gate.countDown();
        WorkflowInterruptedException lost = assertThrows(WorkflowInterruptedException.class,
                () -> seenByA.result(WAIT));
        assertTrue(lost.getMessage().contains("executor 'b' at epoch 2"), lost.getMessage());
        List<StepInfo> journal = b.durable().steps("lease-1");
        assertEquals(3, journal.size());
        assertEquals("b", journal.get(1).output(), "the journal holds what b ran, not a's late result");
        assertEquals(WorkflowStatus.SUCCEEDED, b.durable().retrieve("lease-1").status());
    }

    @Test
    void aCleanlyStoppedExecutorsPendingWorkflowsAreTakenOverWithoutWaitingForItsLease(TestDatabase db) {
        Executor a = dead(db, "a", "default");
        startBlocked(a, "stopped-1", 0);
        a.durable().close();
        assertEquals(WorkflowStatus.PENDING, workflowStatus(db, "stopped-1"));

        Executor b = live(db, "b", 100);
        assertEquals("x@a|b|end@b", b.durable().<String>retrieve("stopped-1").result(WAIT));
        assertEquals("b/2", ownerAndEpoch(db, "stopped-1"));
        assertEquals(1, db.queryLong("SELECT recovery_attempts FROM durable.workflows WHERE id = 'stopped-1'"));
    }

    @Test
    void onlyWorkflowsOfTheSameApplicationWithNamesRegisteredHereAreTakenOver(TestDatabase db) {
        Executor a = dead(db, "a", "default");
        startBlocked(a, "named-flow", 0);
        a.durable().startWorkflow("named-other", () -> a.other().run());
        Await.until("named-other to block", WAIT, () -> a.steps().blocked.get() == 2);
        a.durable().close();
        Executor d = dead(db, "d", "billing");
        startBlocked(d, "billing-flow", 0);
        d.durable().close();

        Executor b = live(db, "b", 100);
        assertEquals("x@a|b|end@b", b.durable().<String>retrieve("named-flow").result(WAIT));
        awaitTakeoverRounds(db, "b");
        assertEquals("a/1", ownerAndEpoch(db, "named-other"), "b does not run takeover.other");
        assertEquals("d/1", ownerAndEpoch(db, "billing-flow"), "d belongs to another application");
        assertEquals(WorkflowStatus.PENDING, workflowStatus(db, "named-other"));
        assertEquals(WorkflowStatus.PENDING, workflowStatus(db, "billing-flow"));
    }

    @Test
    void aParkedWaitIsOnlyReOwnedAndThenResumedByItsNewOwner(TestDatabase db) {
        Executor a = dead(db, "a", "default");
        a.durable().startWorkflow("parked-1", () -> a.waiting().run());
        Await.until("parked-1 to park", WAIT, () -> db.queryLong("SELECT count(*) FROM durable.workflows"
                + " WHERE id = 'parked-1' AND wait_kind = 'recv'") == 1);
        a.durable().close();
        long epoch = db.queryLong("SELECT epoch FROM durable.workflows WHERE id = 'parked-1'");

        Executor b = live(db, "b", 100);
        Await.until("b to own parked-1", WAIT, () -> ownerAndEpoch(db, "parked-1").startsWith("b/"));
        awaitTakeoverRounds(db, "b");
        assertEquals("b/" + (epoch + 1), ownerAndEpoch(db, "parked-1"));
        assertEquals(1, db.queryLong("SELECT count(*) FROM durable.workflows WHERE id = 'parked-1'"
                + " AND wait_kind = 'recv' AND status = 'PENDING' AND recovery_attempts = 0"),
                "still parked, and a wait that was not running is no recovery");

        b.durable().send("parked-1", "go", "hello");
        assertEquals("hello|after@b", b.durable().<String>retrieve("parked-1").result(WAIT));
    }

    @Test
    void aTakerClaimsNoMoreRunnableWorkflowsThanItHasFreeWorkflowThreads(TestDatabase db) {
        Executor a = dead(db, "a", "default");
        for (int i = 0; i < 5; i++) {
            startBlocked(a, "room-" + i, i);
        }
        a.durable().close();

        // b has two workflow threads, and its own steps block too: it takes two and has no room left.
        Executor b = open(liveBuilder(db, "b").maxConcurrentWorkflows(2), "b", new CountDownLatch(1), false);
        Await.until("b to run two of them", WAIT, () -> b.steps().blocked.get() == 2);
        awaitTakeoverRounds(db, "b");
        assertEquals(2, db.queryLong("SELECT count(*) FROM durable.workflows WHERE owner = 'b'"));
        assertEquals(3, db.queryLong("SELECT count(*) FROM durable.workflows WHERE owner = 'a'"));

        // c has room: it takes the other three; b keeps its two.
        Executor c = live(db, "c", 100);
        Await.until("c to finish three", WAIT, () -> db.queryLong("SELECT count(*) FROM durable.workflows"
                + " WHERE owner = 'c' AND status = 'SUCCEEDED'") == 3);
        assertEquals(2, db.queryLong("SELECT count(*) FROM durable.workflows WHERE owner = 'b' AND status = 'PENDING'"));
        b.steps().gate.countDown();
        Await.until("b to finish its two", WAIT, () -> db.queryLong("SELECT count(*) FROM durable.workflows"
                + " WHERE owner = 'b' AND status = 'SUCCEEDED'") == 2);
        assertEquals(3, c.steps().blocked.get());
    }

    @Test
    void aTakeoverCountsAsARecoveryTowardsTheDeadLetterLimit(TestDatabase db) {
        Executor a = dead(db, "a", "default");
        startBlocked(a, "dead-letter-1", 0);
        a.durable().close();
        db.execute("UPDATE durable.workflows SET recovery_attempts = 2 WHERE id = 'dead-letter-1'");

        live(db, "b", 2);
        Await.until("dead-letter-1 to go to DEAD_LETTER", WAIT,
                () -> workflowStatus(db, "dead-letter-1") == WorkflowStatus.DEAD_LETTER);
        assertEquals(3, db.queryLong("SELECT recovery_attempts FROM durable.workflows WHERE id = 'dead-letter-1'"));
        assertEquals("b/2", ownerAndEpoch(db, "dead-letter-1"));
    }

    /**
     * Waits until the executor's heartbeat moved twice: the takeover that follows the first of those
     * heartbeats had finished before the second one, so it ran entirely after this call began.
     */
    private static void awaitTakeoverRounds(TestDatabase db, String executorId) {
        for (int round = 0; round < 2; round++) {
            long before = heartbeatMicros(db, executorId);
            Await.until("a heartbeat of " + executorId, WAIT, () -> heartbeatMicros(db, executorId) > before);
        }
    }

    private static long heartbeatMicros(TestDatabase db, String executorId) {
        return db.queryLong("SELECT (extract(epoch FROM heartbeat_at) * 1000000)::bigint FROM durable.executors"
                + " WHERE id = '" + executorId + "'");
    }

    private static String ownerAndEpoch(TestDatabase db, String workflowId) {
        return queryString(db, "SELECT owner || '/' || epoch FROM durable.workflows WHERE id = '" + workflowId + "'");
    }

    private static WorkflowStatus workflowStatus(TestDatabase db, String workflowId) {
        return WorkflowStatus.valueOf(queryString(db, "SELECT status FROM durable.workflows WHERE id = '"
                + workflowId + "'"));
    }

    private static String queryString(TestDatabase db, String sql) {
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            if (!rs.next()) {
                throw new AssertionError("no row for " + sql);
            }
            return rs.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }
}
