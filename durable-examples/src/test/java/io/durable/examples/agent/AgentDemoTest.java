package io.durable.examples.agent;

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
class AgentDemoTest {
    @Test
    void theReviewerWatchesTheStatusApprovesOneRunAndDeniesTheOther(TestDatabase db, @TempDir Path dir)
            throws Exception {
        ChildJvm.Result run = ChildJvm.run(AgentDemo.class, db, dir, Duration.ofSeconds(90));

        assertEquals(0, run.exitCode(), run.describe());
        String out = run.stdout();
        assertTrue(out.matches("(?s).*\\[reviewer] getEvent\\(\"agent-\\w+\", \"status\"\\) = WAITING_FOR_APPROVAL:"
                + " refund order 1042 in full to the original card.*"), run.describe());
        assertTrue(out.matches("(?s).*\\[reviewer] getEvent\\(\"agent-\\w+\", \"status\"\\) = DONE: .*"), run.describe());
        assertTrue(out.matches("(?s).*Result: issue_refund\\(order 1042\\) done, reference act-\\w+ \\(approved by"
                + " grace@example.com\\).*"), run.describe());
        assertTrue(out.matches("(?s).*handle.result\\(\\) threw ApprovalDeniedException: agent run 'agent-\\w+' was"
                + " denied by grace@example.com: it already shipped; offer a return instead.*"), run.describe());

        assertEquals(1, db.queryLong("SELECT count(*) FROM agent.executed_actions"));
        assertEquals(1, db.queryLong("SELECT count(*) FROM agent_durable.workflows WHERE status = 'SUCCEEDED'"));
        assertEquals(1, db.queryLong("SELECT count(*) FROM agent_durable.workflows WHERE status = 'FAILED'"));
    }
}
