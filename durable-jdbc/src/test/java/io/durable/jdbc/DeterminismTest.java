package io.durable.jdbc;

import io.durable.Durable;
import io.durable.DurableException;
import io.durable.NonDeterministicWorkflowException;
import io.durable.Step;
import io.durable.Workflow;
import io.durable.WorkflowInfo;
import io.durable.WorkflowStatus;
import io.durable.testing.FreshDatabase;
import io.durable.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Contract 4: a replay that calls a different step than the journal records fails loudly. */
@ExtendWith(FreshDatabase.class)
class DeterminismTest {
    public interface Steps {
        String a();

        String b();

        String c();

        void hold() throws InterruptedException;
    }

    public static final class StepsImpl implements Steps {
        @Step
        public String a() {
            return "a";
        }

        @Step
        public String b() {
            return "b";
        }

        @Step
        public String c() {
            return "c";
        }

        @Step
        public void hold() throws InterruptedException {
            Hold.here();
        }
    }

    public interface Flow {
        String run() throws InterruptedException;
    }

    enum Version { ORIGINAL, CALLS_C_INSTEAD_OF_B, RETURNS_EARLY, THROWS_EARLY, SWALLOWS_THE_ERROR }

    public record FlowImpl(Steps steps, Version version) implements Flow {
        @Workflow(name = "det.flow")
        public String run() throws InterruptedException {
            String out = steps.a();
            switch (version) {
                case ORIGINAL -> {
                    out += steps.b();
                    steps.hold();
                }
                case CALLS_C_INSTEAD_OF_B -> out += steps.c();
                case RETURNS_EARLY -> {
                    return out;
                }
                case THROWS_EARLY -> throw new IllegalStateException("new validation");
                case SWALLOWS_THE_ERROR -> {
                    try {
                        out += steps.c();
                    } catch (DurableException ignored) {
                        out += "?";
                    }
                }
            }
            return out;
        }
    }

    private final List<Durable> opened = new ArrayList<>();

    @AfterEach
    void closeAll() {
        Hold.release();
        opened.forEach(Durable::close);
    }

    private Durable open(TestDatabase db, String executorId, Version version) {
        Durables.oneExecutorOnSqlite(db, opened);
        Durable durable = Durables.builder(db, executorId).shutdownTimeout(Duration.ofMillis(300)).build();
        opened.add(durable);
        Flow flow = durable.register(Flow.class, new FlowImpl(durable.register(Steps.class, new StepsImpl()), version));
        durable.start();
        if (version == Version.ORIGINAL) {
            Hold.block();
            durable.startWorkflow("det-" + executorId, () -> flow.run());
        }
        return durable;
    }

    /** Runs the original code until it holds after steps a and b, then replays with another version. */
    private NonDeterministicWorkflowException replayWith(TestDatabase db, String executorId, Version version) {
        Durable original = open(db, executorId, Version.ORIGINAL);
        Await.until("steps a and b to be recorded", Duration.ofSeconds(30),
                () -> original.steps("det-" + executorId).size() == 2);
        original.close();
        Hold.release();
        Durable changed = open(db, executorId, version);
        NonDeterministicWorkflowException e = assertThrows(NonDeterministicWorkflowException.class,
                () -> changed.retrieve("det-" + executorId).result(Duration.ofSeconds(30)));
        WorkflowInfo info = changed.workflow("det-" + executorId).orElseThrow();
        assertEquals(WorkflowStatus.FAILED, info.status());
        assertEquals(NonDeterministicWorkflowException.class.getName(), info.error().orElseThrow().className());
        assertEquals(2, changed.steps("det-" + executorId).size(), "a diverging replay must not record anything");
        return e;
    }

    @Test
    void aDifferentStepAtARecordedPositionFails(TestDatabase db) {
        NonDeterministicWorkflowException e = replayWith(db, "det-1", Version.CALLS_C_INSTEAD_OF_B);
        assertEquals("det-det-1", e.workflowId());
        assertEquals(2, e.position());
        assertEquals("Steps.b", e.recordedStep());
        assertEquals("Steps.c", e.attemptedStep());
        String message = e.getMessage();
        for (String part : List.of("det-det-1", "position 2", "'Steps.b'", "'Steps.c'")) {
            assertEquals(true, message.contains(part), message);
        }
    }

    @Test
    void returningBeforeRecordedStepsFails(TestDatabase db) {
        NonDeterministicWorkflowException e = replayWith(db, "det-2", Version.RETURNS_EARLY);
        assertEquals(2, e.position());
        assertEquals("Steps.b", e.recordedStep());
        assertNull(e.attemptedStep());
    }

    @Test
    void throwingBeforeRecordedStepsFailsAsNonDeterministic(TestDatabase db) {
        NonDeterministicWorkflowException e = replayWith(db, "det-4", Version.THROWS_EARLY);
        assertEquals(2, e.position());
        assertEquals("new validation", e.getCause().getMessage());
    }

    @Test
    void catchingTheErrorDoesNotLetTheWorkflowSucceed(TestDatabase db) {
        NonDeterministicWorkflowException e = replayWith(db, "det-3", Version.SWALLOWS_THE_ERROR);
        assertEquals("Steps.c", e.attemptedStep());
    }
}
