package io.durable.examples.quickstart;

import io.durable.examples.ChildJvm;
import io.durable.testing.FreshDatabase;
import io.durable.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs the README's quickstart as a newcomer would: with DURABLE_DATABASE_URL set, and with nothing configured. */
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

    @Test
    void withNothingConfiguredItKeepsItsJournalInDurableDbAndASecondRunSendsNothing(@TempDir Path dir)
            throws Exception {
        ChildJvm.Result first = ChildJvm.runWithNothingConfigured(Quickstart.class, dir, Duration.ofSeconds(90));
        assertEquals(0, first.exitCode(), first.describe());
        assertTrue(first.stdout().contains("sending 'Welcome aboard!' to ada@example.com"), first.describe());
        assertTrue(Files.isRegularFile(dir.resolve("durable.db")), "the journal file is ./durable.db");

        ChildJvm.Result second = ChildJvm.runWithNothingConfigured(Quickstart.class, dir, Duration.ofSeconds(90));
        assertEquals(0, second.exitCode(), second.describe());
        assertFalse(second.stdout().contains("sending"), "the recorded step is not run again: " + second.describe());
        assertEquals(returned(first), returned(second), "the second run returns the recorded result");
    }

    private static String returned(ChildJvm.Result result) {
        return result.stdout().lines().filter(line -> line.startsWith("workflow welcome-ada returned "))
                .findFirst().orElseThrow(() -> new AssertionError("no result line: " + result.describe()));
    }
}
