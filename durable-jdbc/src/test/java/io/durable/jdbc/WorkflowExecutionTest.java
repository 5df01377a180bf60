package io.durable.jdbc;

import io.durable.Durable;
import io.durable.NotInWorkflowException;
import io.durable.ResultTimeoutException;
import io.durable.Step;
import io.durable.StepInfo;
import io.durable.StepStatus;
import io.durable.Workflow;
import io.durable.WorkflowHandle;
import io.durable.WorkflowIdConflictException;
import io.durable.WorkflowInfo;
import io.durable.WorkflowNotFoundException;
import io.durable.WorkflowStatus;
import io.durable.testing.FreshDatabase;
import io.durable.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(FreshDatabase.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WorkflowExecutionTest {
    public interface Steps {
        String upper(String s);

        int length(String s);

        void touch(String key);

        String key();
    }

    public static final class StepsImpl implements Steps {
        final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        Durable durable;

        private void count(String step) {
            calls.computeIfAbsent(step, k -> new AtomicInteger()).incrementAndGet();
        }

        @Step
        public String upper(String s) {
            count("upper:" + s);
            return s.toUpperCase();
        }

        @Step(name = "len")
        public int length(String s) {
            count("len:" + s);
            return s.length();
        }

        @Step
        public void touch(String key) {
            count("touch:" + key);
        }

        @Step
        public String key() {
            return durable.idempotencyKey();
        }

        int calls(String step) {
            AtomicInteger n = calls.get(step);
            return n == null ? 0 : n.get();
        }
    }

    public interface Flows {
        String shout(String s);

        int primitive(String s);

        void noResult(String key);

        List<Object> helpers();

        String gated(String s);

        String plain(String s);
    }

    public static final class FlowsImpl implements Flows {
        final Steps steps;
        final Durable durable;
        volatile CountDownLatch gate = new CountDownLatch(0);

        FlowsImpl(Steps steps, Durable durable) {
            this.steps = steps;
            this.durable = durable;
        }

        @Workflow
        public String shout(String s) {
            String up = steps.upper(s);
            int n = steps.length(up);
            String tail = durable.step("inline-repeat", () -> "!".repeat(n));
            return up + tail;
        }

        @Workflow
        public int primitive(String s) {
            return steps.length(s);
        }

        @Workflow(name = "void-flow")
        public void noResult(String key) {
            steps.touch(key);
            durable.step("inline-void", () -> steps.touch(key + "-inner"));
        }

        @Workflow
        public List<Object> helpers() {
            Instant now = durable.now();
            UUID id = durable.randomUUID();
            String key = steps.key();
            return List.of(now.toString(), id.toString(), key, durable.currentWorkflowId().orElseThrow());
        }

        @Workflow
        public String gated(String s) {
            String up = steps.upper(s);
            try {
                durable.step("wait-gate", () -> {
                    gate.await(30, TimeUnit.SECONDS);
                });
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return up;
        }

        public String plain(String s) {
            return "plain " + s;
        }
    }

    private Durable durable;
    private StepsImpl stepsImpl;
    private FlowsImpl flowsImpl;
    private Flows flows;
    private Steps steps;

    @BeforeAll
    void startDurable(TestDatabase db) {
        durable = Durables.builder(db, "exec-test").build();
        stepsImpl = new StepsImpl();
        stepsImpl.durable = durable;
        steps = durable.register(Steps.class, stepsImpl);
        flowsImpl = new FlowsImpl(steps, durable);
        flows = durable.register(Flows.class, flowsImpl);
        durable.start();
    }

    @AfterAll
    void close() {
        durable.close();
    }

    @Test
    void runsStepsInOrderAndRecordsThem() {
        assertEquals("ABC!!!", durable.runWorkflow("shout-1", () -> flows.shout("abc")));
        List<StepInfo> journal = durable.steps("shout-1");
        assertEquals(List.of("Steps.upper", "len", "inline-repeat"), journal.stream().map(StepInfo::name).toList());
        assertEquals(List.of(1, 2, 3), journal.stream().map(StepInfo::position).toList());
        assertEquals("ABC", journal.get(0).output());
        assertEquals(3, journal.get(1).output());
        assertTrue(journal.stream().allMatch(s -> s.status() == StepStatus.SUCCEEDED && s.attempts() == 1));
        assertTrue(journal.stream().noneMatch(s -> s.completedAt().isBefore(s.startedAt())));
    }

    @Test
    void sameIdIsSameExecutionAndStepsDoNotRunAgain() {
        assertEquals("XY!!", durable.runWorkflow("same-id", () -> flows.shout("xy")));
        assertEquals("XY!!", durable.runWorkflow("same-id", () -> flows.shout("xy")));
        // different arguments under the same ID still name the same, finished execution
        assertEquals("XY!!", durable.runWorkflow("same-id", () -> flows.shout("something else")));
        assertEquals(1, stepsImpl.calls("upper:xy"));
        assertEquals(0, stepsImpl.calls("upper:something else"));
        assertEquals(3, durable.steps("same-id").size());
    }

    @Test
    void sameIdForAnotherWorkflowIsRejected() {
        durable.runWorkflow("conflict-id", () -> flows.shout("a"));
        WorkflowIdConflictException e = assertThrows(WorkflowIdConflictException.class,
                () -> durable.runWorkflow("conflict-id", () -> flows.primitive("a")));
        assertEquals("conflict-id", e.workflowId());
        assertTrue(e.getMessage().contains("Flows.shout") && e.getMessage().contains("Flows.primitive"), e.getMessage());
    }

    @Test
    void primitiveAndVoidWorkflows() {
        assertEquals(5, durable.runWorkflow("prim-1", () -> flows.primitive("hello")));
        durable.runWorkflow("void-1", () -> flows.noResult("k1"));
        assertEquals(1, stepsImpl.calls("touch:k1"));
        assertEquals(1, stepsImpl.calls("touch:k1-inner"));
        assertEquals(List.of("Steps.touch", "inline-void"), durable.steps("void-1").stream().map(StepInfo::name).toList());
        WorkflowInfo info = durable.workflow("void-1").orElseThrow();
        assertEquals("void-flow", info.name());
        assertNull(info.output());
        assertEquals(List.of("k1"), info.inputs());
    }

    @Test
    void nestedStepRunsAsPlainCallInsideItsStep() {
        durable.runWorkflow("nested-1", () -> flows.noResult("n"));
        // the @Step call inside the inline step is not a separate journal entry
        assertEquals(2, durable.steps("nested-1").size());
    }

    @Test
    void determinismHelpersAreRecorded() {
        List<Object> result = durable.runWorkflow("helpers-1", () -> flows.helpers());
        List<StepInfo> journal = durable.steps("helpers-1");
        assertEquals(List.of("durable.now", "durable.randomUUID", "Steps.key"),
                journal.stream().map(StepInfo::name).toList());
        assertEquals(result.get(0), journal.get(0).output().toString());
        assertEquals(result.get(1), journal.get(1).output().toString());
        assertEquals("helpers-1:3", result.get(2));
        assertEquals("helpers-1", result.get(3));
    }

    @Test
    void outsideAWorkflowStepsAndHelpersArePlainCalls() {
        assertEquals("Q", steps.upper("q"));
        assertEquals(7, durable.step("outside", () -> 7));
        assertNotNull(durable.now());
        assertNotNull(durable.randomUUID());
        assertFalse(durable.currentWorkflowId().isPresent());
        assertThrows(NotInWorkflowException.class, () -> durable.idempotencyKey());
        assertEquals("plain p", flows.plain("p"));
    }

    @Test
    void directWorkflowCallRunsDurablyUnderAGeneratedId() {
        assertEquals("DIRECT!!!!!!", flows.shout("direct"));
        assertEquals(1, stepsImpl.calls("upper:direct"));
    }

    @Test
    void startWorkflowReturnsAHandleAtOnce() {
        flowsImpl.gate = new CountDownLatch(1);
        WorkflowHandle<String> handle = durable.startWorkflow("gated-1", () -> flows.gated("g"));
        assertEquals("gated-1", handle.workflowId());
        assertEquals(WorkflowStatus.PENDING, handle.status());
        assertThrows(ResultTimeoutException.class, () -> handle.result(Duration.ofMillis(50)));
        WorkflowHandle<String> retrieved = durable.retrieve("gated-1");
        assertEquals(WorkflowStatus.PENDING, retrieved.status());
        flowsImpl.gate.countDown();
        assertEquals("G", handle.result(Duration.ofSeconds(30)));
        assertEquals("G", retrieved.result());
        assertEquals(WorkflowStatus.SUCCEEDED, handle.status());
        WorkflowInfo info = durable.workflow("gated-1").orElseThrow();
        assertEquals("exec-test", info.executorId());
        assertEquals(1, info.epoch());
        assertNotNull(info.completedAt());
        assertFalse(info.createdAt().isAfter(info.completedAt()));
    }

    @Test
    void unknownIdsAreTypedErrors() {
        assertThrows(WorkflowNotFoundException.class, () -> durable.retrieve("never-started"));
        assertTrue(durable.workflow("never-started").isEmpty());
        assertTrue(durable.steps("never-started").isEmpty());
    }

    @Test
    void startLambdaMustCallExactlyOneWorkflow() {
        var none = assertThrows(io.durable.DurableException.class, () -> durable.runWorkflow("bad-1", () -> "no call"));
        assertTrue(none.getMessage().contains("exactly one @Workflow"), none.getMessage());
        var two = assertThrows(io.durable.DurableException.class,
                () -> durable.runWorkflow("bad-2", () -> flows.shout("a") + flows.shout("b")));
        assertTrue(two.getMessage().contains("called 2"), two.getMessage());
        assertTrue(durable.workflow("bad-2").isEmpty());
        assertThrows(IllegalArgumentException.class, () -> durable.runWorkflow(" ", () -> flows.shout("a")));
    }
}
