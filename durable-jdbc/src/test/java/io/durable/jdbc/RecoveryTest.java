package io.durable.jdbc;

import io.durable.Durable;
import io.durable.Step;
import io.durable.StepInfo;
import io.durable.Workflow;
import io.durable.WorkflowHandle;
import io.durable.WorkflowInfo;
import io.durable.WorkflowInterruptedException;
import io.durable.WorkflowStatus;
import io.durable.testing.FreshDatabase;
import io.durable.testing.PostgresOnly;
import io.durable.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Recovery at start: an unfinished workflow resumes, recorded steps are not executed again. */
@ExtendWith(FreshDatabase.class)
class RecoveryTest {
    public interface Steps {
        String a(String s);

        String b(String s);

        void hold() throws InterruptedException;

        String c(String s);
    }

    public static final class CountingSteps implements Steps {
        final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

        int calls(String step) {
            return calls.getOrDefault(step, new AtomicInteger()).get();
        }

        private void count(String step) {
            calls.computeIfAbsent(step, k -> new AtomicInteger()).incrementAndGet();
        }

        @Step
        public String a(String s) {
            count("a");
            return s + "-a";
        }

        @Step
        public String b(String s) {
            count("b");
            return s + "-b";
        }

        @Step
        public void hold() throws InterruptedException {
            count("hold");
            Hold.here();
        }

        @Step
        public String c(String s) {
            count("c");
            return s + "-c";
        }
    }

    public interface Flow {
        String run(String input) throws InterruptedException;
    }

    public record FlowImpl(Steps steps) implements Flow {
        @Workflow
        public String run(String input) throws InterruptedException {
            String v = steps.b(steps.a(input));
            steps.hold();
            return steps.c(v);
        }
    }

    private final List<Durable> opened = new java.util.ArrayList<>();

    @AfterEach
    void closeAll() {
        Hold.release();
        opened.forEach(Durable::close);
    }

    private Durable open(TestDatabase db, String executorId, CountingSteps steps, boolean start) {
        return open(db, executorId, Durable.Builder.DEFAULT_APPLICATION, steps, start);
    }

    private Durable open(TestDatabase db, String executorId, String application, CountingSteps steps, boolean start) {
        Durables.oneExecutorOnSqlite(db, opened);
        Durable durable = Durables.builder(db, executorId).application(application)
                .shutdownTimeout(Duration.ofMillis(300)).build();
        opened.add(durable);
        Steps proxy = durable.register(Steps.class, steps);
        durable.register(Flow.class, new FlowImpl(proxy));
        if (start) {
            durable.start();
        }
        return durable;
    }

    /** First life: runs until step 3 is in flight, then the executor closes. */
    private void leavePending(TestDatabase db, String executorId, String workflowId) throws Exception {
        Hold.block();
        CountingSteps first = new CountingSteps();
        Durable life1 = Durables.builder(db, executorId).shutdownTimeout(Duration.ofMillis(300)).build();
        Flow flow = life1.register(Flow.class, new FlowImpl(life1.register(Steps.class, first)));
        life1.start();
        Flow started = flow;
        WorkflowHandle<String> handle = life1.startWorkflow(workflowId, () -> started.run("x"));
        Await.until("step 'hold' to be running", Duration.ofSeconds(30), () -> first.calls("hold") == 1);
        CompletableFuture<Throwable> seenByWaiter = new CompletableFuture<>();
        Thread waiter = new Thread(() -> {
            try {
                handle.result(Duration.ofSeconds(30));
                seenByWaiter.complete(null);
            } catch (Throwable t) {
                seenByWaiter.complete(t);
            }
        });
        waiter.start();
        Await.until("the caller to wait on the result", Duration.ofSeconds(10),
                () -> waiter.getState() == Thread.State.TIMED_WAITING);
        life1.close();
        Throwable stopped = seenByWaiter.get(30, TimeUnit.SECONDS);
        assertTrue(stopped instanceof WorkflowInterruptedException, String.valueOf(stopped));
        assertThrows(IllegalStateException.class, () -> handle.result(), "a closed instance must say so");
        assertEquals(1, first.calls("a"));
        assertEquals(1, first.calls("b"));
        assertEquals(0, first.calls("c"));
        Hold.release();
    }

    @Test
    void resumesAtStartSkippingRecordedSteps(TestDatabase db) throws Exception {
        leavePending(db, "rec-1", "resume-1");
        CountingSteps second = new CountingSteps();
        Durable life2 = open(db, "rec-1", second, true);
        assertEquals("x-a-b-c", life2.<String>retrieve("resume-1").result(Duration.ofSeconds(30)));
        assertEquals(0, second.calls("a"), "recorded step a ran again");
        assertEquals(0, second.calls("b"), "recorded step b ran again");
        assertEquals(1, second.calls("hold"), "the step in flight runs again");
        assertEquals(1, second.calls("c"));
        WorkflowInfo info = life2.workflow("resume-1").orElseThrow();
        assertEquals(WorkflowStatus.SUCCEEDED, info.status());
        assertEquals(2, info.epoch());
        assertEquals(1, info.recoveryAttempts());
        assertEquals(List.of("Steps.a", "Steps.b", "Steps.hold", "Steps.c"),
                life2.steps("resume-1").stream().map(StepInfo::name).toList());
    }

    @Test
    @PostgresOnly // executors of two applications on one database
    void executorsOfAnotherApplicationDoNotRecoverIt(TestDatabase db) throws Exception {
        // Executors of the same application would take it over at their next heartbeat (TakeoverTest).
        leavePending(db, "rec-2", "resume-2");
        CountingSteps other = new CountingSteps();
        Durable stranger = open(db, "someone-else", "another-application", other, true);
        assertEquals(WorkflowStatus.PENDING, stranger.retrieve("resume-2").status());
        assertEquals(0, other.calls("hold"));
        CountingSteps owner = new CountingSteps();
        Durable life2 = open(db, "rec-2", owner, true);
        assertEquals("x-a-b-c", life2.<String>retrieve("resume-2").result(Duration.ofSeconds(30)));
        // a handle in another executor sees the result through the database
        assertEquals("x-a-b-c", stranger.<String>retrieve("resume-2").result(Duration.ofSeconds(30)));
    }

    @Test
    void startingThePendingIdAgainResumesIt(TestDatabase db) throws Exception {
        leavePending(db, "rec-3", "resume-3");
        CountingSteps second = new CountingSteps();
        Durable life2 = Durables.builder(db, "rec-3").build();
        opened.add(life2);
        life2.start(); // nothing registered yet: the workflow stays PENDING
        assertEquals(WorkflowStatus.PENDING, life2.retrieve("resume-3").status());
        Flow flow = life2.register(Flow.class, new FlowImpl(life2.register(Steps.class, second)));
        // registering after start recovers that workflow; starting the same ID joins it
        assertEquals("x-a-b-c", life2.runWorkflow("resume-3", () -> flow.run("ignored: same ID, same execution")));
        assertEquals(0, second.calls("a"));
        assertEquals(1, second.calls("c"));
    }

    @Test
    void unknownWorkflowNamesStayPending(TestDatabase db) throws Exception {
        leavePending(db, "rec-4", "resume-4");
        Durable life2 = Durables.builder(db, "rec-4").build();
        opened.add(life2);
        life2.start();
        WorkflowInfo info = life2.workflow("resume-4").orElseThrow();
        assertEquals(WorkflowStatus.PENDING, info.status());
        assertEquals(1, info.epoch(), "an unregistered workflow must not be claimed");
        assertTrue(info.inputs().contains("x"));
    }
}
