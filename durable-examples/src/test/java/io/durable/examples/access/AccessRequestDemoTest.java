package io.durable.examples.access;

import io.durable.examples.ChildJvm;
import io.durable.testing.FreshDatabase;
import io.durable.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The demo's main as a newcomer runs it: its own JVM, the database given by DURABLE_DATABASE_URL. */
@ExtendWith(FreshDatabase.class)
class AccessRequestDemoTest {
    @Test
    void theDemoGrantsDeniesAndCompensates(TestDatabase db, @TempDir Path dir) throws Exception {
        ChildJvm.Result run = ChildJvm.run(AccessRequestDemo.class, db, dir, Duration.ofSeconds(90));

        assertEquals(0, run.exitCode(), run.describe());
        String out = run.stdout();
        assertTrue(out.matches("(?s).*Outcome: access-\\w+ GRANTED: approved by manager grace@example.com,"
                + " security-owner linus@example.com; payments-admin granted to ada@example.com as grant-.*"), run.describe());
        assertTrue(out.contains("GRANTED") && out.contains("delivered again (the sender retried)"), run.describe());
        assertTrue(out.matches("(?s).*Outcome: access-\\w+ DENIED: denied by security-owner linus@example.com: .*"),
                run.describe());
        assertTrue(out.matches("(?s).*Outcome: access-\\w+ FAILED: approved, but the external directory failed after 3"
                + " attempts .*"), run.describe());
        assertTrue(out.contains("compensation: local assignment of billing-viewer to carol@example.com removed"),
                run.describe());
        assertTrue(out.contains("Roles of ada@example.com in access.role_assignments: [payments-admin]"), run.describe());
        assertTrue(out.contains("Roles of carol@example.com in access.role_assignments: []"), run.describe());

        assertEquals(1, db.queryLong("SELECT count(*) FROM access.role_assignments"));
        assertEquals(3, db.queryLong("SELECT count(*) FROM access_durable.workflows WHERE status = 'SUCCEEDED'"));
        // Six approvals delivered, three of them twice: durable stored each once and consumed each once.
        assertEquals(6, db.queryLong("SELECT count(*) FROM access_durable.messages WHERE consumed_at IS NOT NULL"));
        assertEquals(0, db.queryLong("SELECT count(*) FROM access_durable.messages WHERE consumed_at IS NULL"));
        String defaultSchemaTables = db.isSqlite()
                ? "SELECT count(*) FROM sqlite_master WHERE name = 'durable_workflows'"
                : "SELECT count(*) FROM information_schema.schemata WHERE schema_name = 'durable'";
        assertEquals(0, db.queryLong(defaultSchemaTables), "the example keeps its journal in its own schema");
    }
}
