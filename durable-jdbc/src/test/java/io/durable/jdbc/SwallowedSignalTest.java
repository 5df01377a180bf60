package io.durable.jdbc;

import io.durable.Durable;
import io.durable.StepInfo;
import io.durable.Workflow;
import io.durable.WorkflowStatus;
import io.durable.testing.FreshDatabase;
import io.durable.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Workflow code that catches durable's internal unwinding signal (a catch of Throwable) cannot
 * complete the workflow: nothing more is recorded and it stays PENDING for recovery.
 */
@ExtendWith(FreshDatabase.class)
class SwallowedSignalTest {
    public interface Flow {
        String run();
    }

    public record CatchesEverything(Durable durable, AtomicInteger afterCatch) implements Flow {
        @Workflow
        public String run() {
            durable.step("before", () -> "recorded");
            try {
                durable.step("held", Hold::here);
            } catch (Throwable swallowed) {
                afterCatch.incrementAndGet();
                try {
                    durable.step("after", () -> "must not be recorded");
                } catch (Throwable again) {
                    afterCatch.incrementAndGet();
                }
            }
            return "finished anyway";
        }
    }

    @Test
    void aSwallowedSignalRecordsNothingMore(TestDatabase db) {
        AtomicInteger afterCatch = new AtomicInteger();
        Hold.block();
        try {
            Durable durable = Durables.builder(db, "swallow").shutdownTimeout(Duration.ofMillis(300)).build();
            Flow flow = durable.register(Flow.class, new CatchesEverything(durable, afterCatch));
            durable.start();
            durable.startWorkflow("swallowed", () -> flow.run());
            Await.until("the held step to run", Duration.ofSeconds(30),
                    () -> durable.steps("swallowed").size() == 1 && Thread.getAllStackTraces().keySet().stream()
                            .anyMatch(t -> t.getName().startsWith("durable-workflow") && t.getState() == Thread.State.WAITING));
            durable.close();
        } finally {
            Hold.release();
        }
        assertEquals(2, afterCatch.get(), "the workflow caught the signal, and the next step threw it again");
        try (Durable reader = Durables.builder(db, "reader").build()) {
            reader.start();
            assertEquals(WorkflowStatus.PENDING, reader.workflow("swallowed").orElseThrow().status());
            assertEquals(List.of("before"), reader.steps("swallowed").stream().map(StepInfo::name).toList());
        }
    }
}
