package io.durable.jdbc;

import io.durable.ConfigurationException;
import io.durable.Durable;
import io.durable.Step;
import io.durable.StepInfo;
import io.durable.StepOptions;
import io.durable.StepStatus;
import io.durable.Workflow;
import io.durable.testing.FreshDatabase;
import io.durable.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(FreshDatabase.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RetryTest {
    public interface Flaky {
        String twoFailuresThenOk(String key);

        String alwaysFails(String key);
    }

    public static final class FlakyImpl implements Flaky {
        final AtomicInteger attempts = new AtomicInteger();

        @Step(maxAttempts = 3, initialBackoffMillis = 20, backoffMultiplier = 2.0, maxBackoffMillis = 100)
        public String twoFailuresThenOk(String key) {
            int attempt = attempts.incrementAndGet();
            if (attempt < 3) {
                throw new IllegalStateException("attempt " + attempt + " failed");
            }
            return key + " after " + attempt;
        }

        @Step(maxAttempts = 3, initialBackoffMillis = 1, maxBackoffMillis = 5)
        public String alwaysFails(String key) {
            throw new IllegalStateException(key + " attempt " + attempts.incrementAndGet());
        }
    }

    public interface Flows {
        String flaky(String key);

        String exhausted(String key);

        String inline(String key);
    }

    public record FlowsImpl(Durable durable, Flaky flaky, AtomicInteger inlineAttempts) implements Flows {
        @Workflow
        public String flaky(String key) {
            return flaky.twoFailuresThenOk(key);
        }

        @Workflow
        public String exhausted(String key) {
            return flaky.alwaysFails(key);
        }

        @Workflow
        public String inline(String key) {
            StepOptions options = StepOptions.builder().maxAttempts(4).initialBackoff(Duration.ofMillis(1))
                    .maxBackoff(Duration.ofMillis(2)).build();
            return durable.step("inline-flaky", options, () -> {
                if (inlineAttempts.incrementAndGet() < 4) {
                    throw new java.io.UncheckedIOException(new java.io.IOException("not yet"));
                }
                return key;
            });
        }
    }

    private Durable durable;
    private FlakyImpl flakyImpl;
    private Flows flows;
    private final AtomicInteger inlineAttempts = new AtomicInteger();

    @BeforeAll
    void start(TestDatabase db) {
        durable = Durables.builder(db, "retry").build();
        flakyImpl = new FlakyImpl();
        flows = durable.register(Flows.class, new FlowsImpl(durable, durable.register(Flaky.class, flakyImpl),
                inlineAttempts));
        durable.start();
    }

    @AfterAll
    void close() {
        durable.close();
    }

    @Test
    void retriesWithBackoffUntilSuccessAndRecordsAttempts() {
        flakyImpl.attempts.set(0);
        long started = System.nanoTime();
        assertEquals("k after 3", durable.runWorkflow("retry-ok", () -> flows.flaky("k")));
        long elapsedMillis = (System.nanoTime() - started) / 1_000_000;
        assertTrue(elapsedMillis >= 60, "two backoffs of 20 and 40 ms must have been waited, took " + elapsedMillis);
        StepInfo step = durable.steps("retry-ok").get(0);
        assertEquals(StepStatus.SUCCEEDED, step.status());
        assertEquals(3, step.attempts());
        assertEquals(3, flakyImpl.attempts.get());
    }

    @Test
    void exhaustedRetriesRecordTheFinalError() {
        flakyImpl.attempts.set(0);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> durable.runWorkflow("retry-exhausted", () -> flows.exhausted("x")));
        assertEquals("x attempt 3", e.getMessage());
        StepInfo step = durable.steps("retry-exhausted").get(0);
        assertEquals(StepStatus.FAILED, step.status());
        assertEquals(3, step.attempts());
        assertEquals("x attempt 3", step.error().orElseThrow().message());
        assertEquals(IllegalStateException.class.getName(), step.error().orElseThrow().className());
        assertTrue(step.error().orElseThrow().stackTrace().contains("alwaysFails"));
    }

    @Test
    void inlineStepsTakeOptions() {
        assertEquals("in", durable.runWorkflow("retry-inline", () -> flows.inline("in")));
        assertEquals(4, durable.steps("retry-inline").get(0).attempts());
    }

    @Test
    void backoffGrowsAndIsCapped() {
        StepOptions options = StepOptions.builder().initialBackoff(Duration.ofMillis(100)).backoffMultiplier(3)
                .maxBackoff(Duration.ofMillis(500)).maxAttempts(10).build();
        assertEquals(List.of(100L, 300L, 500L, 500L), List.of(options.backoffAfter(1).toMillis(),
                options.backoffAfter(2).toMillis(), options.backoffAfter(3).toMillis(), options.backoffAfter(4).toMillis()));
    }

    public interface BadStep {
        void bad();
    }

    public static final class BadStepImpl implements BadStep {
        @Step(maxAttempts = 0)
        public void bad() {
        }
    }

    @Test
    void invalidRetrySettingsFailAtRegistration() {
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> durable.register(BadStep.class, new BadStepImpl()));
        assertTrue(e.getMessage().contains("maxAttempts must be at least 1") && e.getMessage().contains("BadStep.bad"),
                e.getMessage());
        assertThrows(ConfigurationException.class, () -> StepOptions.builder().backoffMultiplier(0.5).build());
        assertThrows(ConfigurationException.class, () -> StepOptions.builder()
                .initialBackoff(Duration.ofSeconds(2)).maxBackoff(Duration.ofSeconds(1)).build());
    }
}
