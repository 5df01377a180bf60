package io.durable.jdbc;

import io.durable.Durable;
import io.durable.StartOptions;
import io.durable.StepInfo;
import io.durable.Workflow;
import io.durable.WorkflowCancelledException;
import io.durable.WorkflowDeadLetterException;
import io.durable.WorkflowHandle;
import io.durable.WorkflowNotFoundException;
import io.durable.WorkflowStatus;
import io.durable.WorkflowTimedOutException;
import io.durable.testing.FreshDatabase;
import io.durable.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Timeouts and deadlines, cancel, resume, fork and the dead-letter limit, in one process at a time. */
@ExtendWith(FreshDatabase.class)
class LifecycleTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    public interface Flows {
        String gated(String label) throws InterruptedException;

        String receive(String topic);

        String sleepy(long millis);

        String chain(int steps);

        String flaky();
    }

    /** Counts executions per step name; "slow" blocks until the gate opens. */
    public static final class FlowsImpl implements Flows {
        final Durable durable;
        final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
        volatile CountDownLatch gate = new CountDownLatch(0);
        volatile boolean fail;

        FlowsImpl(Durable durable) {
            this.durable = durable;
        }

        int count(String step) {
            return runs.computeIfAbsent(step, k -> new AtomicInteger()).get();
        }

        private String effect(String step) {
            runs.computeIfAbsent(step, k -> new AtomicInteger()).incrementAndGet();
            return step;
        }

        @Workflow
        public String gated(String label) throws InterruptedException {
            String a = durable.step("a", () -> effect("a"));
            String slow = durable.step("slow", () -> {
                effect("slow");
                gate.await();
                return "slow";
            });
            String b = durable.step("b", () -> effect("b"));
            return label + ":" + a + slow + b;
        }

        @Workflow
        public String receive(String topic) {
            String got = durable.recv(topic, Duration.ofHours(1), String.class).orElse("none");
            return durable.step("after", () -> effect("after") + ":" + got);
        }

        @Workflow
        public String sleepy(long millis) {
            durable.sleep(Duration.ofMillis(millis));
            return durable.step("after-sleep", () -> effect("after-sleep"));
        }

        @Workflow
        public String chain(int steps) {
            StringBuilder out = new StringBuilder();
            for (int i = 1; i <= steps; i++) {
                String name = "s" + i;
                out.append(durable.step(name, () -> effect(name)));
            }
            return out.toString();
        }

        @Workflow
        public String flaky() {
            String a = durable.step("a", () -> effect("a"));
            String f = durable.step("flaky", () -> {
                effect("flaky");
                if (fail) {
                    throw new IllegalStateException("flaky failed");
                }
                return "ok";
            });
            return a + f;
        }
    }

    private record Instance(Durable durable, FlowsImpl impl, Flows flows) {
    }

    private final List<Durable> opened = new ArrayList<>();

    @AfterEach
    void closeAll() {
        opened.forEach(Durable::close);
    }

    private Instance start(TestDatabase db, String executorId, Duration hotWindow) {
        Durables.oneExecutorOnSqlite(db, opened);
        return start(Durables.builder(db, executorId).hotWaitWindow(hotWindow).pollInterval(Duration.ofMillis(50)));
    }

    private Instance start(Durable.Builder builder) {
        Durable durable = builder.build();
        opened.add(durable);
        FlowsImpl impl = new FlowsImpl(durable);
        Flows flows = durable.register(Flows.class, impl);
        durable.start();
        return new Instance(durable, impl, flows);
    }

    private static long count(TestDatabase db, String sql) {
        return db.queryLong(sql);
    }

    private static void awaitParked(TestDatabase db, String id) {
        Await.until(id + " to wait", WAIT, () -> count(db,
                "SELECT count(*) FROM durable.workflows WHERE id = '" + id + "' AND wait_kind IS NOT NULL") == 1);
    }

    // ---- timeouts and deadlines ---------------------------------------------------------------

    @Test
    void aDeadlineThatPassedStopsTheWorkflowBeforeItsFirstStep(TestDatabase db) {
        Instance a = start(db, "lc-past", Duration.ofSeconds(1));
        Instant past = Instant.now().minusSeconds(1);
        WorkflowTimedOutException e = assertThrows(WorkflowTimedOutException.class, () -> a.durable()
                .runWorkflow("past-1", StartOptions.deadline(past), () -> a.flows().chain(3)));
        assertEquals("past-1", e.workflowId());
        assertEquals(0, a.impl().count("s1"));
        assertEquals(WorkflowStatus.TIMED_OUT, a.durable().retrieve("past-1").status());
        // Read back from the database, the same exception with its fields.
        WorkflowTimedOutException recorded = assertThrows(WorkflowTimedOutException.class,
                () -> a.durable().retrieve("past-1").result());
        assertEquals(e.getMessage(), recorded.getMessage());
        assertEquals(past.toEpochMilli(), recorded.deadline().toEpochMilli());
    }

    @Test
    void aStepRunningWhenTheDeadlinePassesFinishesAndIsRecorded(TestDatabase db) {
        Instance a = start(db, "lc-deadline-step", Duration.ofSeconds(1));
        a.impl().gate = new CountDownLatch(1);
        Instant deadline = Instant.now().plusMillis(300);
        WorkflowHandle<String> handle = a.durable().startWorkflow("dl-step-1", StartOptions.deadline(deadline),
                () -> a.flows().gated("x"));
        Await.until("the slow step to run", WAIT, () -> a.impl().count("slow") == 1);
        Await.until("the deadline to pass", WAIT, () -> Instant.now().isAfter(deadline));
        a.impl().gate.countDown();
        assertThrows(WorkflowTimedOutException.class, () -> handle.result(WAIT));
        assertEquals(List.of("a", "slow"), a.durable().steps("dl-step-1").stream().map(StepInfo::name).toList());
        assertEquals(0, a.impl().count("b"));
        assertEquals(1, count(db, "SELECT count(*) FROM durable.workflows WHERE id = 'dl-step-1'"
                + " AND status = 'TIMED_OUT' AND completed_at IS NOT NULL AND error LIKE '%WorkflowTimedOutException%'"));
    }

    @Test
    void aTimeoutWakesAHotRecvAParkedRecvAndASleep(TestDatabase db) {
        Instance hot = start(db, "lc-to-hot", Duration.ofHours(1));
        WorkflowHandle<String> hotRecv = hot.durable().startWorkflow("to-hot",
                StartOptions.timeout(Duration.ofMillis(300)), () -> hot.flows().receive("never"));
        WorkflowHandle<String> hotSleep = hot.durable().startWorkflow("to-hot-sleep",
                StartOptions.timeout(Duration.ofMillis(300)), () -> hot.flows().sleepy(3_600_000));
        assertThrows(WorkflowTimedOutException.class, () -> hotRecv.result(WAIT));
        assertThrows(WorkflowTimedOutException.class, () -> hotSleep.result(WAIT));

        Instance parked = start(db, "lc-to-parked", Duration.ZERO);
        WorkflowHandle<String> parkedRecv = parked.durable().startWorkflow("to-parked",
                StartOptions.timeout(Duration.ofMillis(300)), () -> parked.flows().receive("never"));
        WorkflowHandle<String> parkedSleep = parked.durable().startWorkflow("to-parked-sleep",
                StartOptions.timeout(Duration.ofMillis(300)), () -> parked.flows().sleepy(3_600_000));
        assertThrows(WorkflowTimedOutException.class, () -> parkedRecv.result(WAIT));
        assertThrows(WorkflowTimedOutException.class, () -> parkedSleep.result(WAIT));
        assertEquals(4, count(db, "SELECT count(*) FROM durable.workflows WHERE id LIKE 'to-%' AND status = 'TIMED_OUT'"
                + " AND wait_kind IS NULL"));
        assertEquals(0, hot.impl().count("after") + hot.impl().count("after-sleep")
                + parked.impl().count("after") + parked.impl().count("after-sleep"));
    }

    @Test
    void aDeadlineRecordedBeforeARestartIsKept(TestDatabase db) {
        Instance first = start(db, "lc-restart", Duration.ZERO);
        first.durable().startWorkflow("restart-1", StartOptions.timeout(Duration.ofMillis(500)),
                () -> first.flows().receive("never"));
        awaitParked(db, "restart-1");
        long recorded = count(db, "SELECT (extract(epoch FROM deadline_at) * 1000000)::bigint FROM durable.workflows"
                + " WHERE id = 'restart-1'");
        first.durable().close();
        // A second start of the same ID with another timeout does not move the deadline.
        Instance second = start(db, "lc-restart", Duration.ZERO);
        WorkflowHandle<String> again = second.durable().startWorkflow("restart-1",
                StartOptions.timeout(Duration.ofHours(1)), () -> second.flows().receive("never"));
        assertThrows(WorkflowTimedOutException.class, () -> again.result(WAIT));
        assertEquals(recorded, count(db, "SELECT (extract(epoch FROM deadline_at) * 1000000)::bigint"
                + " FROM durable.workflows WHERE id = 'restart-1'"));
        assertEquals(WorkflowStatus.TIMED_OUT, again.status());
    }

    // ---- cancel -------------------------------------------------------------------------------

    @Test
    void cancellingARunningWorkflowLetsItsStepFinishAndRecordsIt(TestDatabase db) {
        Instance a = start(db, "lc-cancel-running", Duration.ofSeconds(1));
        a.impl().gate = new CountDownLatch(1);
        WorkflowHandle<String> handle = a.durable().startWorkflow("cancel-run", () -> a.flows().gated("x"));
        Await.until("the slow step to run", WAIT, () -> a.impl().count("slow") == 1);
        assertTrue(a.durable().cancel("cancel-run"));
        assertEquals(WorkflowStatus.CANCELLED, handle.status());
        a.impl().gate.countDown();
        WorkflowCancelledException e = assertThrows(WorkflowCancelledException.class, () -> handle.result(WAIT));
        assertEquals("cancel-run", e.workflowId());
        Await.until("the slow step to be recorded", WAIT, () -> count(db,
                "SELECT count(*) FROM durable.steps WHERE workflow_id = 'cancel-run' AND name = 'slow'") == 1);
        assertEquals(0, a.impl().count("b"));
        assertFalse(a.durable().cancel("cancel-run"), "cancelling a finished workflow changes nothing");
        assertThrows(WorkflowCancelledException.class, () -> a.durable().retrieve("cancel-run").result(WAIT));

        // Resume continues from the last checkpoint: a and slow are replayed, b runs once.
        assertEquals("x:aslowb", a.durable().<String>resume("cancel-run").result(WAIT));
        assertEquals(1, a.impl().count("a"));
        assertEquals(1, a.impl().count("slow"));
        assertEquals(1, a.impl().count("b"));
        assertEquals(2, count(db, "SELECT epoch FROM durable.workflows WHERE id = 'cancel-run'"));
    }

    @Test
    void cancellingAParkedOrHotWaitWakesItAndConsumesNothing(TestDatabase db) {
        Instance parked = start(db, "lc-cancel-parked", Duration.ZERO);
        WorkflowHandle<String> p = parked.durable().startWorkflow("cancel-parked", () -> parked.flows().receive("t"));
        awaitParked(db, "cancel-parked");
        assertTrue(parked.durable().cancel("cancel-parked"));
        assertThrows(WorkflowCancelledException.class, () -> p.result(WAIT));

        Instance hot = start(db, "lc-cancel-hot", Duration.ofHours(1));
        WorkflowHandle<String> h = hot.durable().startWorkflow("cancel-hot", () -> hot.flows().receive("t"));
        awaitParked(db, "cancel-hot");
        assertTrue(hot.durable().cancel("cancel-hot"));
        assertThrows(WorkflowCancelledException.class, () -> h.result(WAIT));

        hot.durable().send("cancel-hot", "t", "late");
        hot.durable().send("cancel-parked", "t", "late"); // any instance may send; on SQLite parked is closed
        assertEquals(2, count(db, "SELECT count(*) FROM durable.messages WHERE destination LIKE 'cancel-%'"
                + " AND consumed_at IS NULL"));
        assertEquals(0, count(db, "SELECT count(*) FROM durable.steps WHERE workflow_id LIKE 'cancel-%'"
                + " AND workflow_id IN ('cancel-hot', 'cancel-parked')"));
        assertEquals(0, hot.impl().count("after") + parked.impl().count("after"));

        // Resumed, the parked one receives the message that came after the cancel.
        Instance resumer = db.isSqlite() ? hot : parked; // on SQLite only the newest executor is open
        assertEquals("after:late", resumer.durable().<String>resume("cancel-parked").result(WAIT));
    }

    @Test
    void aQueuedWorkflowNeverStartsOnceCancelled(TestDatabase db) {
        Instance a = start(Durables.builder(db, "lc-cancel-queued").maxConcurrentWorkflows(1));
        a.impl().gate = new CountDownLatch(1);
        WorkflowHandle<String> busy = a.durable().startWorkflow("queue-busy", () -> a.flows().gated("busy"));
        Await.until("the only thread to be busy", WAIT, () -> a.impl().count("slow") == 1);
        WorkflowHandle<String> queued = a.durable().startWorkflow("queue-waiting", () -> a.flows().chain(2));
        assertTrue(a.durable().cancel("queue-waiting"));
        // Callers learn it at once, without waiting for a thread.
        assertThrows(WorkflowCancelledException.class, () -> queued.result(WAIT));
        a.impl().gate.countDown();
        assertEquals("busy:aslowb", busy.result(WAIT));
        // The thread is free now; the cancelled workflow still does not run.
        assertEquals("s1s2", a.durable().runWorkflow("queue-after", () -> a.flows().chain(2)));
        assertEquals(1, a.impl().count("s1"));
        assertEquals(0, count(db, "SELECT count(*) FROM durable.steps WHERE workflow_id = 'queue-waiting'"));
        assertEquals(WorkflowStatus.CANCELLED, queued.status());
    }

    @Test
    void cancelWithChildrenFollowsTheParentChain(TestDatabase db) {
        Instance a = start(db, "lc-cancel-tree", Duration.ZERO);
        List<WorkflowHandle<String>> handles = new ArrayList<>();
        for (String id : List.of("tree-root", "tree-child", "tree-grandchild", "tree-other", "tree-only")) {
            handles.add(a.durable().startWorkflow(id, () -> a.flows().receive("t")));
            awaitParked(db, id);
        }
        db.execute("UPDATE durable.workflows SET parent_id = 'tree-root' WHERE id = 'tree-child'",
                "UPDATE durable.workflows SET parent_id = 'tree-child' WHERE id = 'tree-grandchild'",
                "UPDATE durable.workflows SET parent_id = 'tree-only' WHERE id = 'tree-other'");
        assertTrue(a.durable().cancel("tree-root", true));
        for (int i = 0; i < 3; i++) {
            WorkflowHandle<String> handle = handles.get(i);
            assertThrows(WorkflowCancelledException.class, () -> handle.result(WAIT));
        }
        assertEquals(WorkflowStatus.PENDING, handles.get(3).status(), "another tree is untouched");
        // Without children, only the workflow itself.
        assertTrue(a.durable().cancel("tree-only"));
        assertEquals(WorkflowStatus.PENDING, handles.get(3).status());
        assertTrue(a.durable().cancel("tree-other", true));
        assertThrows(WorkflowNotFoundException.class, () -> a.durable().cancel("tree-nobody"));
    }

    // ---- resume -----------------------------------------------------------------------------

    @Test
    void resumingAFailedWorkflowRunsItsFailedLastStepAgain(TestDatabase db) {
        Instance a = start(db, "lc-resume-failed", Duration.ofSeconds(1));
        a.impl().fail = true;
        assertThrows(IllegalStateException.class, () -> a.durable().runWorkflow("failed-1", () -> a.flows().flaky()));
        assertEquals(WorkflowStatus.FAILED, a.durable().retrieve("failed-1").status());
        a.impl().fail = false;
        assertEquals("aok", a.durable().<String>resume("failed-1").result(WAIT));
        assertEquals(1, a.impl().count("a"));
        assertEquals(2, a.impl().count("flaky"));
        assertEquals(1, count(db, "SELECT count(*) FROM durable.workflows WHERE id = 'failed-1' AND status = 'SUCCEEDED'"
                + " AND error IS NULL AND recovery_attempts = 0"));
        assertThrows(IllegalStateException.class, () -> a.durable().resume("failed-1"), "SUCCEEDED is not resumable");
        assertThrows(WorkflowNotFoundException.class, () -> a.durable().resume("failed-nobody"));
    }

    @Test
    void resumingATimedOutWorkflowClearsOrReplacesItsDeadline(TestDatabase db) {
        Instance a = start(db, "lc-resume-timeout", Duration.ofSeconds(1));
        StartOptions past = StartOptions.deadline(Instant.now().minusSeconds(1));
        assertThrows(WorkflowTimedOutException.class,
                () -> a.durable().runWorkflow("timed-1", past, () -> a.flows().chain(2)));
        assertThrows(WorkflowTimedOutException.class,
                () -> a.durable().runWorkflow("timed-2", past, () -> a.flows().chain(2)));
        assertEquals("s1s2", a.durable().<String>resume("timed-1").result(WAIT));
        assertEquals(0, count(db, "SELECT count(*) FROM durable.workflows WHERE id = 'timed-1' AND deadline_at IS NOT NULL"));
        // A new deadline that already passed: it times out again at once.
        assertThrows(WorkflowTimedOutException.class, () -> a.durable().resume("timed-2", past).result(WAIT));
    }

    @Test
    void aWorkflowRecoveredMoreOftenThanAllowedGoesToDeadLetterUntilResumed(TestDatabase db) {
        Durable.Builder builder = Durables.builder(db, "lc-dead").maxRecoveryAttempts(2)
                .shutdownTimeout(Duration.ofMillis(300));
        Instance first = start(builder);
        first.impl().gate = new CountDownLatch(1);
        first.durable().startWorkflow("dead-1", () -> first.flows().gated("d"));
        Await.until("the slow step to run", WAIT, () -> first.impl().count("slow") == 1);
        first.durable().close();   // interrupts the step: the workflow stays PENDING
        db.execute("UPDATE durable.workflows SET recovery_attempts = 2 WHERE id = 'dead-1'");
        Instance second = start(builder);
        WorkflowDeadLetterException e = assertThrows(WorkflowDeadLetterException.class,
                () -> second.durable().retrieve("dead-1").result(WAIT));
        assertEquals(3, e.recoveryAttempts());
        assertEquals(2, e.maxRecoveryAttempts());
        assertEquals(0, second.impl().count("slow"), "a dead-lettered workflow is not run");
        assertEquals("d:aslowb", second.durable().<String>resume("dead-1").result(WAIT));
        assertEquals(1, second.impl().count("slow"));
        assertEquals(0, count(db, "SELECT recovery_attempts FROM durable.workflows WHERE id = 'dead-1'"));
    }

    // ---- fork -------------------------------------------------------------------------------

    @Test
    void aForkReusesTheJournalBelowItsStepAndRunsTheRestAgain(TestDatabase db) {
        Instance a = start(db, "lc-fork", Duration.ofSeconds(1));
        assertEquals("s1s2s3s4s5", a.durable().runWorkflow("fork-src", () -> a.flows().chain(5)));
        String journalBefore = db.queryLong("SELECT count(*) FROM durable.steps WHERE workflow_id = 'fork-src'") + ":"
                + db.queryLong("SELECT sum(extract(epoch FROM completed_at) * 1000000)::bigint FROM durable.steps"
                + " WHERE workflow_id = 'fork-src'");

        WorkflowHandle<String> fork = a.durable().fork("fork-src", 3, "fork-dst");
        assertEquals("fork-dst", fork.workflowId());
        assertEquals("s1s2s3s4s5", fork.result(WAIT));
        assertEquals(List.of(1, 1, 2, 2, 2), List.of(a.impl().count("s1"), a.impl().count("s2"), a.impl().count("s3"),
                a.impl().count("s4"), a.impl().count("s5")));
        assertEquals(1, count(db, "SELECT count(*) FROM durable.workflows WHERE id = 'fork-dst'"
                + " AND forked_from = 'fork-src' AND fork_position = 3 AND status = 'SUCCEEDED'"));
        assertEquals(journalBefore, db.queryLong("SELECT count(*) FROM durable.steps WHERE workflow_id = 'fork-src'")
                + ":" + db.queryLong("SELECT sum(extract(epoch FROM completed_at) * 1000000)::bigint FROM durable.steps"
                + " WHERE workflow_id = 'fork-src'"), "the original journal is untouched");

        WorkflowHandle<String> generated = a.durable().fork("fork-src", 6);
        assertTrue(generated.workflowId().startsWith("fork-src:fork:"));
        assertEquals("s1s2s3s4s5", generated.result(WAIT));
        assertEquals(2, a.impl().count("s5"), "forking past the last step runs nothing again");

        assertThrows(IllegalArgumentException.class, () -> a.durable().fork("fork-src", 0));
        assertThrows(IllegalArgumentException.class, () -> a.durable().fork("fork-src", 7));
        assertThrows(IllegalArgumentException.class, () -> a.durable().fork("fork-src", 2, "fork-dst"));
        assertThrows(WorkflowNotFoundException.class, () -> a.durable().fork("fork-nobody", 1));
    }
}
