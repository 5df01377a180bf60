package io.durable.jdbc;

import io.durable.Durable;
import io.durable.Step;
import io.durable.StepStatus;
import io.durable.Workflow;
import io.durable.WorkflowStatus;
import io.durable.testing.FreshDatabase;
import io.durable.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

@ExtendWith(FreshDatabase.class)
class SmokeTest {
    public interface Greeter {
        String greet(String name);
        String shout(String s);
    }

    public static class GreeterImpl implements Greeter {
        final AtomicInteger shouts = new AtomicInteger();
        Greeter self;

        @Workflow
        public String greet(String name) {
            return self.shout("hello " + name) + "!";
        }

        @Step
        public String shout(String s) {
            shouts.incrementAndGet();
            return s.toUpperCase();
        }
    }

    @Test
    void runsAndRecords(TestDatabase db) {
        try (Durable durable = Durables.builder(db, "smoke").build()) {
            GreeterImpl impl = new GreeterImpl();
            Greeter greeter = durable.register(Greeter.class, impl);
            impl.self = greeter;
            durable.start();
            assertEquals("HELLO BOB!", durable.runWorkflow("w1", () -> greeter.greet("bob")));
            assertEquals("HELLO BOB!", durable.runWorkflow("w1", () -> greeter.greet("bob")));
            assertEquals(1, impl.shouts.get());
            assertEquals(WorkflowStatus.SUCCEEDED, durable.retrieve("w1").status());
            assertEquals(StepStatus.SUCCEEDED, durable.steps("w1").get(0).status());
            assertEquals("HELLO BOB", durable.steps("w1").get(0).output());
        }
    }
}
