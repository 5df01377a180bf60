package io.durable.jdbc.crash;

import io.durable.Durable;
import io.durable.testing.FreshDatabase;
import io.durable.testing.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Waits across real crashes: a child JVM waiting in {@code recv} is killed with SIGKILL, and a
 * new child JVM finishes the workflow. The message is consumed exactly once, steps recorded before
 * the crash are not executed again, and a timeout keeps the deadline the first JVM recorded.
 */
@ExtendWith(FreshDatabase.class)
class MessagingCrashTest {
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @BeforeAll
    static void prepare(TestDatabase db) {
        db.execute("CREATE TABLE " + MessagingCrashChild.EFFECTS_TABLE
                + " (id bigserial PRIMARY KEY, workflow_id text NOT NULL, effect text NOT NULL)");
        try (Durable durable = Durable.builder().jdbcUrl(db.url(), db.user(), db.password())
                .executorId("messaging-crash-parent").poolSize(2).build()) {
            durable.start();
        }
    }

    @Test
    void aMessageSentWhileTheParkedReceiversProcessIsDownIsConsumedOnceAfterRestart(TestDatabase db)
            throws Exception {
        killWhileWaitingThenSend(db, "parked-1", 0);
    }

    @Test
    void aMessageSentAfterAHotWaiterWasKilledIsConsumedOnceAfterRestart(TestDatabase db) throws Exception {
        killWhileWaitingThenSend(db, "hot-1", 60_000);
    }

    private void killWhileWaitingThenSend(TestDatabase db, String workflowId, long hotWindowMillis) throws Exception {
        ChildJvm waiting = ChildJvm.startMain("messaging-" + workflowId + "-run", db.password(), MessagingCrashChild.class,
                "run", db.url(), db.user(), workflowId, "600000", Long.toString(hotWindowMillis));
        try {
            awaitWaiting(db, workflowId, waiting);
            assertEquals(ChildJvm.SIGKILL_EXIT, waiting.kill(Duration.ofSeconds(10)));
        } finally {
            waiting.destroy();
        }

        try (Durable sender = Durable.builder().jdbcUrl(db.url(), db.user(), db.password())
                .executorId("messaging-crash-sender").poolSize(2).build()) {
            sender.start();
            sender.send(workflowId, "approval", "approved-by-" + workflowId, "webhook-" + workflowId);
            sender.send(workflowId, "approval", "approved-twice", "webhook-" + workflowId);
        }

        ChildJvm recovering = ChildJvm.startMain("messaging-" + workflowId + "-recover", db.password(),
                MessagingCrashChild.class, "recover", db.url(), db.user(), workflowId, "600000",
                Long.toString(hotWindowMillis));
        try {
            assertEquals(0, recovering.awaitExit(DEADLINE, "finish the workflow"), recovering.logs());
            assertEquals("approved-by-" + workflowId, recovering.marker("RESULT").orElseThrow(), recovering.logs());
        } finally {
            recovering.destroy();
        }
        assertEquals(1, db.queryLong("SELECT count(*) FROM durable.messages WHERE destination = '" + workflowId + "'"));
        assertEquals(1, db.queryLong("SELECT count(*) FROM durable.messages WHERE destination = '" + workflowId
                + "' AND consumed_at IS NOT NULL AND consumed_position = 2"));
        assertEquals(1, db.queryLong("SELECT count(*) FROM " + MessagingCrashChild.EFFECTS_TABLE
                + " WHERE workflow_id = '" + workflowId + "' AND effect = 'before'"), "the step before recv ran again");
        assertEquals(1, db.queryLong("SELECT count(*) FROM " + MessagingCrashChild.EFFECTS_TABLE
                + " WHERE workflow_id = '" + workflowId + "' AND effect = 'after:approved-by-" + workflowId + "'"));
        assertEquals(3, db.queryLong("SELECT count(*) FROM durable.steps WHERE workflow_id = '" + workflowId + "'"));
    }

    @Test
    void aTimeoutKeepsTheDeadlineRecordedBeforeTheCrash(TestDatabase db) throws Exception {
        String workflowId = "deadline-1";
        ChildJvm waiting = ChildJvm.startMain("messaging-deadline-run", db.password(), MessagingCrashChild.class,
                "run", db.url(), db.user(), workflowId, "4000", "60000");
        Instant deadline;
        try {
            awaitWaiting(db, workflowId, waiting);
            deadline = wakeAt(db, workflowId);
            assertEquals(ChildJvm.SIGKILL_EXIT, waiting.kill(Duration.ofSeconds(10)));
        } finally {
            waiting.destroy();
        }
        ChildJvm recovering = ChildJvm.startMain("messaging-deadline-recover", db.password(),
                MessagingCrashChild.class, "recover", db.url(), db.user(), workflowId, "4000", "60000");
        try {
            assertEquals(0, recovering.awaitExit(DEADLINE, "finish the workflow"), recovering.logs());
            assertEquals("timeout", recovering.marker("RESULT").orElseThrow(), recovering.logs());
        } finally {
            recovering.destroy();
        }
        assertEquals(deadline, wakeAt(db, workflowId), "the restart moved the deadline");
        Instant timedOut = stepCompletedAt(db, workflowId, 2);
        assertFalse(timedOut.isBefore(deadline), "timed out at " + timedOut + ", before the deadline " + deadline);
        assertEquals(1, db.queryLong("SELECT count(*) FROM " + MessagingCrashChild.EFFECTS_TABLE
                + " WHERE workflow_id = '" + workflowId + "' AND effect = 'before'"));
    }

    private static void awaitWaiting(TestDatabase db, String workflowId, ChildJvm child) {
        long until = System.nanoTime() + DEADLINE.toNanos();
        while (db.queryLong("SELECT count(*) FROM durable.workflows WHERE id = '" + workflowId
                + "' AND wait_kind = 'recv'") == 0) {
            if (!child.isAlive()) {
                fail("child exited before waiting" + child.logs());
            }
            if (System.nanoTime() > until) {
                fail("child never waited" + child.logs());
            }
            LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
        }
    }

    private static Instant wakeAt(TestDatabase db, String workflowId) throws SQLException {
        return instant(db, "SELECT wake_at FROM durable.workflows WHERE id = ?", workflowId, null);
    }

    private static Instant stepCompletedAt(TestDatabase db, String workflowId, int position) throws SQLException {
        return instant(db, "SELECT completed_at FROM durable.steps WHERE workflow_id = ? AND position = ?", workflowId,
                position);
    }

    private static Instant instant(TestDatabase db, String sql, String id, Integer position) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(db.dialect(sql))) {
            ps.setString(1, id);
            if (position != null) {
                ps.setInt(2, position);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return db.instant(rs, 1);
            }
        }
    }
}
