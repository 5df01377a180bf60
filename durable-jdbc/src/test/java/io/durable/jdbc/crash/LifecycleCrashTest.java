package io.durable.jdbc.crash;

import io.durable.Durable;
import io.durable.WorkflowDeadLetterException;
import io.durable.WorkflowTimedOutException;
import io.durable.testing.FreshDatabase;
import io.durable.testing.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;

import static io.durable.jdbc.crash.CrashWaits.POLL_NANOS;
import static io.durable.jdbc.crash.CrashWaits.awaitCondition;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Deadlines and the dead-letter limit across real crashes: child JVMs running a workflow whose step
 * blocks are killed with SIGKILL, and a new child JVM recovers what they left.
 */
@ExtendWith(FreshDatabase.class)
class LifecycleCrashTest {
    private static final Duration EXIT_DEADLINE = Duration.ofSeconds(60);

    @BeforeAll
    static void prepare(TestDatabase db) {
        db.execute("CREATE TABLE " + LifecycleCrashChild.EFFECTS_TABLE
                + " (id bigserial PRIMARY KEY, workflow_id text NOT NULL, pid bigint NOT NULL)");
        try (Durable durable = Durable.builder().jdbcUrl(db.url(), db.user(), db.password())
                .executorId("lifecycle-crash-parent").poolSize(2).build()) {
            durable.start();
        }
    }

    @Test
    void aWorkflowThatCrashesEveryProcessGoesToDeadLetterAfterMaxRecoveryAttempts(TestDatabase db) throws Exception {
        String id = "dead-letter-1";
        int max = 2;
        killInStep(db, "run", id, 0, max, 1);
        for (int attempt = 1; attempt <= max; attempt++) {
            killInStep(db, "recover", id, 0, max, attempt + 1);
        }
        ChildJvm last = ChildJvm.startMain("lifecycle-dead-final", db.password(), LifecycleCrashChild.class,
                "recover", db.url(), db.user(), id, "0", Integer.toString(max));
        try {
            assertEquals(1, last.awaitExit(EXIT_DEADLINE, "report the dead letter"), last.logs());
            assertTrue(last.marker("ERROR").orElseThrow().startsWith(WorkflowDeadLetterException.class.getName()),
                    last.logs());
            List<String> warnings = last.warnings().stream().filter(l -> l.contains("DEAD_LETTER") && l.contains(" WARN "))
                    .toList();
            assertEquals(1, warnings.size(), last.logs());
        } finally {
            last.destroy();
        }
        assertEquals(1, db.queryLong("SELECT count(*) FROM durable.workflows WHERE id = '" + id + "'"
                + " AND status = 'DEAD_LETTER' AND recovery_attempts = " + (max + 1)
                + " AND error LIKE '%WorkflowDeadLetterException%'"));
        assertEquals(max + 1, effects(db, id), "the step ran once per process that was allowed to run it");
    }

    @Test
    void aDeadlineRecordedBeforeASigkillFiresInTheNextProcess(TestDatabase db) throws Exception {
        String id = "deadline-1";
        killInStep(db, "run", id, 2_000, 100, 1);
        long deadline = db.queryLong("SELECT (extract(epoch FROM deadline_at) * 1000000)::bigint"
                + " FROM durable.workflows WHERE id = '" + id + "'");
        assertTrue(deadline > 0, "the deadline is on the row");
        awaitDeadlinePassed(db, id);
        ChildJvm recovering = ChildJvm.startMain("lifecycle-deadline-recover", db.password(), LifecycleCrashChild.class,
                "recover", db.url(), db.user(), id, "0", "100");
        try {
            assertEquals(1, recovering.awaitExit(EXIT_DEADLINE, "report the timeout"), recovering.logs());
            assertTrue(recovering.marker("ERROR").orElseThrow().startsWith(WorkflowTimedOutException.class.getName()),
                    recovering.logs());
        } finally {
            recovering.destroy();
        }
        assertEquals(1, db.queryLong("SELECT count(*) FROM durable.workflows WHERE id = '" + id + "'"
                + " AND status = 'TIMED_OUT' AND (extract(epoch FROM deadline_at) * 1000000)::bigint = " + deadline));
        assertEquals(1, effects(db, id), "the recovered workflow stopped before running the step again");
    }

    private static void awaitDeadlinePassed(TestDatabase db, String id) {
        long until = System.nanoTime() + EXIT_DEADLINE.toNanos();
        while (db.queryLong("SELECT count(*) FROM durable.workflows WHERE id = '" + id + "' AND deadline_at < now()") == 0) {
            if (System.nanoTime() > until) {
                throw new AssertionError("the deadline of " + id + " never passed");
            }
            java.util.concurrent.locks.LockSupport.parkNanos(POLL_NANOS);
        }
    }

    /** Starts a child that runs (or recovers) the workflow, waits until its step ran, and kills it there. */
    private static void killInStep(TestDatabase db, String mode, String id, long timeoutMillis, int max,
                                   long effectsExpected) throws Exception {
        ChildJvm child = ChildJvm.startMain("lifecycle-" + id + "-" + mode + "-" + effectsExpected, db.password(),
                LifecycleCrashChild.class, mode, db.url(), db.user(), id, Long.toString(timeoutMillis),
                Integer.toString(max));
        try {
            // The step blocks after its side effect: nothing of this JVM is in flight when it dies.
            awaitCondition(child, "the step to run (effect " + effectsExpected + ")", POLL_NANOS,
                    () -> effects(db, id) >= effectsExpected);
            assertEquals(ChildJvm.SIGKILL_EXIT, child.kill(Duration.ofSeconds(10)));
        } finally {
            child.destroy();
        }
    }

    private static long effects(TestDatabase db, String id) {
        return db.queryLong("SELECT count(*) FROM " + LifecycleCrashChild.EFFECTS_TABLE + " WHERE workflow_id = '"
                + id + "'");
    }
}
