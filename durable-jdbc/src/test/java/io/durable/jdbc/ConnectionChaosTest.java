package io.durable.jdbc;

import io.durable.Durable;
import io.durable.Step;
import io.durable.Workflow;
import io.durable.WorkflowHandle;
import io.durable.testing.FreshDatabase;
import io.durable.testing.PostgresOnly;
import io.durable.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Backends are killed with pg_terminate_backend while workflows run: writes are retried, every
 * workflow completes with the right result, no step runs or is recorded twice.
 */
@PostgresOnly // kills PostgreSQL backends
@ExtendWith(FreshDatabase.class)
class ConnectionChaosTest {
    private static final int WORKFLOWS = 24;
    private static final int STEPS = 10;

    public interface Steps {
        String step(String workflowId, int index, String previous);
    }

    public static final class StepsImpl implements Steps {
        final Map<String, AtomicInteger> executions = new ConcurrentHashMap<>();

        @Step
        public String step(String workflowId, int index, String previous) {
            executions.computeIfAbsent(workflowId + "/" + index, k -> new AtomicInteger()).incrementAndGet();
            LockSupport.parkNanos(Duration.ofMillis(2).toNanos());
            return previous + "." + index;
        }
    }

    public interface Flow {
        String run(String id);
    }

    public record FlowImpl(Steps steps) implements Flow {
        @Workflow
        public String run(String id) {
            String value = id;
            for (int i = 1; i <= STEPS; i++) {
                value = steps.step(id, i, value);
            }
            return value;
        }
    }

    @Test
    void workflowsSurviveKilledConnections(TestDatabase db) throws Exception {
        StepsImpl steps = new StepsImpl();
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger kills = new AtomicInteger();
        try (Durable durable = Durables.builder(db, "chaos").poolSize(4).build()) {
            Flow flow = durable.register(Flow.class, new FlowImpl(durable.register(Steps.class, steps)));
            durable.start();
            Thread killer = new Thread(() -> killBackends(db, done, kills), "backend-killer");
            killer.start();
            List<WorkflowHandle<String>> handles = new ArrayList<>();
            for (int i = 0; i < WORKFLOWS; i++) {
                String id = "chaos-" + i;
                handles.add(durable.startWorkflow(id, () -> flow.run(id)));
            }
            try {
                for (int i = 0; i < WORKFLOWS; i++) {
                    String expected = "chaos-" + i + ".1.2.3.4.5.6.7.8.9.10";
                    assertEquals(expected, handles.get(i).result(Duration.ofSeconds(60)));
                }
            } finally {
                done.set(true);
                killer.join();
            }
        }
        assertTrue(kills.get() > 0, "the test must actually kill connections");
        for (int i = 0; i < WORKFLOWS; i++) {
            for (int s = 1; s <= STEPS; s++) {
                assertEquals(1, steps.executions.get("chaos-" + i + "/" + s).get(), "executions of chaos-" + i + " step " + s);
            }
        }
        assertEquals(WORKFLOWS * STEPS, db.queryLong("SELECT count(*) FROM durable.steps"));
        assertEquals(WORKFLOWS, db.queryLong("SELECT count(*) FROM durable.workflows WHERE status = 'SUCCEEDED'"));
    }

    private static void killBackends(TestDatabase db, AtomicBoolean done, AtomicInteger kills) {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            while (!done.get()) {
                try (ResultSet rs = s.executeQuery("SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))"
                        + " FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
                        + " AND backend_type = 'client backend'")) {
                    rs.next();
                    kills.addAndGet(rs.getInt(1));
                }
                LockSupport.parkNanos(Duration.ofMillis(15).toNanos());
            }
        } catch (Exception e) {
            throw new IllegalStateException("backend killer failed", e);
        }
    }
}
