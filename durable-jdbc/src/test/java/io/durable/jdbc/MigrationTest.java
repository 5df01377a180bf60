package io.durable.jdbc;

import io.durable.Durable;
import io.durable.Workflow;
import io.durable.testing.FreshDatabase;
import io.durable.testing.PostgresOnly;
import io.durable.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Schema migrations: idempotent, on a custom schema, concurrent, and separate from the application's Flyway. */
@PostgresOnly // PostgreSQL's migrations and schemas; SqliteStoreTest covers the SQLite file's
@ExtendWith(FreshDatabase.class)
class MigrationTest {
    public interface Flow {
        String run(String s);
    }

    public record FlowImpl(Durable durable) implements Flow {
        @Workflow
        public String run(String s) {
            return durable.step("echo", () -> s);
        }
    }

    private static String runOnce(TestDatabase db, String schema, String executorId, String workflowId) {
        try (Durable durable = Durables.builder(db, executorId).schema(schema).build()) {
            Flow flow = durable.register(Flow.class, new FlowImpl(durable));
            durable.start();
            return durable.runWorkflow(workflowId, () -> flow.run(workflowId));
        }
    }

    @Test
    void migratingTwiceIsANoOp(TestDatabase db) {
        assertEquals("a", runOnce(db, "durable", "mig-1", "a"));
        assertEquals("b", runOnce(db, "durable", "mig-1", "b"));
        assertEquals(1, db.queryLong("SELECT count(*) FROM durable.durable_schema_history WHERE success AND version = '1'"));
        assertEquals(2, db.queryLong("SELECT count(*) FROM durable.workflows"));
    }

    @Test
    void customSchemaHoldsEverything(TestDatabase db) {
        assertEquals("c", runOnce(db, "acme_jobs", "mig-2", "c"));
        assertEquals(1, db.queryLong("SELECT count(*) FROM acme_jobs.workflows"));
        assertEquals(1, db.queryLong("SELECT count(*) FROM acme_jobs.steps"));
        assertEquals(7, db.queryLong("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'acme_jobs'"));
        // Identifiers compare byte-wise (V3), whatever the database's collation.
        assertEquals(0, db.queryLong("SELECT count(*) FROM information_schema.columns WHERE table_schema = 'acme_jobs'"
                + " AND (table_name, column_name) IN (('workflows', 'id'), ('workflows', 'owner'), ('steps', 'workflow_id'),"
                + " ('messages', 'destination'), ('messages', 'topic'), ('events', 'workflow_id'))"
                + " AND collation_name IS DISTINCT FROM 'C'"));
    }

    @Test
    void concurrentStartsMigrateOnce(TestDatabase db) throws Exception {
        List<CompletableFuture<String>> starts = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String id = "conc-" + i;
            starts.add(CompletableFuture.supplyAsync(() -> runOnce(db, "parallel_schema", "mig-" + id, id)));
        }
        for (int i = 0; i < 4; i++) {
            assertEquals("conc-" + i, starts.get(i).get(60, TimeUnit.SECONDS));
        }
        assertEquals(1, db.queryLong("SELECT count(*) FROM parallel_schema.durable_schema_history WHERE success AND version = '1'"));
    }

    @Test
    void applicationFlywayHistoryIsUntouched(TestDatabase db) {
        db.execute("CREATE TABLE public.flyway_schema_history (installed_rank int PRIMARY KEY, version text)",
                "INSERT INTO public.flyway_schema_history VALUES (1, '42')",
                "CREATE TABLE public.orders (id int PRIMARY KEY)");
        assertEquals("d", runOnce(db, "durable_app", "mig-3", "d"));
        assertEquals(1, db.queryLong("SELECT count(*) FROM public.flyway_schema_history"));
        assertEquals(42, db.queryLong("SELECT version::int FROM public.flyway_schema_history"));
        assertEquals(0, db.queryLong("SELECT count(*) FROM public.orders"));
    }
}
