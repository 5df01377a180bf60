package io.durable.examples.quickstart;

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

/** Runs the README's quickstart as a newcomer would, with DURABLE_DATABASE_URL set. */
@ExtendWith(FreshDatabase.class)
class QuickstartTest {
    @Test
    void quickstartRunsItsWorkflowAgainstTheConfiguredDatabase(TestDatabase db, @TempDir Path dir) throws Exception {
        ChildJvm.Result result = ChildJvm.run(Quickstart.class, db, dir, Duration.ofSeconds(90));

        assertEquals(0, result.exitCode(), result.describe());
        assertTrue(result.stdout().contains("sending 'Welcome aboard!' to ada@example.com"), result.describe());
        assertTrue(result.stdout().contains("workflow welcome-ada returned message-"), result.describe());
        assertEquals(1, db.queryLong("SELECT count(*) FROM durable.workflows WHERE id = 'welcome-ada'"
                + " AND status = 'SUCCEEDED'"));
        assertEquals(2, db.queryLong("SELECT count(*) FROM durable.steps WHERE workflow_id = 'welcome-ada'"));
    }
}
