package io.durable.jdbc;

import io.durable.Durable;
import io.durable.Step;
import io.durable.Workflow;
import io.durable.testing.FreshDatabase;
import io.durable.testing.PostgresOnly;
import io.durable.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Contract 3: a workflow ID names one execution, however many callers start it at once. */
@ExtendWith(FreshDatabase.class)
class ConcurrentStartTest {
    public interface Work {
        String once(String input);
    }

    public static final class WorkImpl implements Work {
        final AtomicInteger executions;

        WorkImpl(AtomicInteger executions) {
            this.executions = executions;
        }

        @Step
        public String once(String input) {
            return input + "#" + executions.incrementAndGet();
        }
    }

    public interface Flow {
        String run(String input);
    }

    public record FlowImpl(Work work, AtomicInteger bodies) implements Flow {
        @Workflow
        public String run(String input) {
            bodies.incrementAndGet();
            String out = work.once(input);
            if (input.startsWith("fail")) {
                throw new IllegalArgumentException("failed once: " + out);
            }
            return out;
        }
    }

    private static List<String> startTogether(int threads, List<Durable> durables, List<Flow> flows, String id,
                                              String input) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<String>> results = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Durable durable = durables.get(i % durables.size());
            Flow flow = flows.get(i % flows.size());
            results.add(pool.submit(() -> {
                go.await();
                try {
                    return durable.runWorkflow(id, () -> flow.run(input));
                } catch (IllegalArgumentException e) {
                    return "error: " + e.getMessage();
                }
            }));
        }
        go.countDown();
        List<String> out = new ArrayList<>();
        for (Future<String> result : results) {
            out.add(result.get(60, TimeUnit.SECONDS));
        }
        pool.shutdown();
        return out;
    }

    @Test
    void twentyThreadsOneExecution(TestDatabase db) throws Exception {
        AtomicInteger executions = new AtomicInteger();
        AtomicInteger bodies = new AtomicInteger();
        try (Durable durable = Durables.builder(db, "conc-1").build()) {
            Flow flow = durable.register(Flow.class, new FlowImpl(durable.register(Work.class, new WorkImpl(executions)),
                    bodies));
            durable.start();
            List<String> results = startTogether(20, List.of(durable), List.of(flow), "same-id", "in");
            assertEquals(List.of("in#1"), new ArrayList<>(new HashSet<>(results)));
            assertEquals(1, executions.get());
            assertEquals(1, bodies.get());
            assertEquals(1, db.queryLong("SELECT count(*) FROM durable.workflows WHERE id = 'same-id'"));
            assertEquals(1, db.queryLong("SELECT count(*) FROM durable.steps WHERE workflow_id = 'same-id'"));
        }
    }

    @Test
    @PostgresOnly // two executors on one database
    void twoExecutorsRacingOneExecutionSameFailure(TestDatabase db) throws Exception {
        AtomicInteger executions = new AtomicInteger();
        AtomicInteger bodies = new AtomicInteger();
        try (Durable a = Durables.builder(db, "conc-a").build(); Durable b = Durables.builder(db, "conc-b").build()) {
            Flow flowA = a.register(Flow.class, new FlowImpl(a.register(Work.class, new WorkImpl(executions)), bodies));
            Flow flowB = b.register(Flow.class, new FlowImpl(b.register(Work.class, new WorkImpl(executions)), bodies));
            a.start();
            b.start();
            List<String> ok = startTogether(20, List.of(a, b), List.of(flowA, flowB), "shared-id", "in");
            assertEquals(List.of("in#1"), new ArrayList<>(new HashSet<>(ok)));
            List<String> failed = startTogether(20, List.of(a, b), List.of(flowA, flowB), "shared-fail", "fail");
            assertEquals(List.of("error: failed once: fail#2"), new ArrayList<>(new HashSet<>(failed)));
            assertEquals(2, executions.get());
            assertEquals(2, bodies.get());
        }
    }
}
