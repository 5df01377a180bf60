package io.durable.jdbc.crash;

import io.durable.Durable;
import io.durable.WorkflowInterruptedException;
import io.durable.testing.FreshDatabase;
import io.durable.testing.PostgresOnly;
import io.durable.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

import static io.durable.jdbc.crash.CrashWaits.POLL_NANOS;
import static io.durable.jdbc.crash.CrashWaits.awaitCondition;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A stale executor: its JVM is stopped (SIGSTOP) inside a step past its lease, another executor takes
 * the workflow over and finishes it, then the stale JVM continues (SIGCONT) and finishes its step.
 * It records nothing for the workflow it lost, abandons it with one warning, and keeps heartbeating.
 */
@PostgresOnly // a second executor takes over a paused one: SQLite serves one executor
@ExtendWith(FreshDatabase.class)
class FencingTest {
    private static final String STALE = "fence-a";
    private static final String TAKER = "fence-b";
    private static final Duration RESULT_TIMEOUT = Duration.ofSeconds(30);

    @Test
    void aStaleExecutorContinuedAfterItsLeaseRecordsNothingForTheWorkflowItLost(TestDatabase db) throws Exception {
        String id = "fenced-1";
        db.execute("CREATE TABLE " + LeaseChild.EFFECTS_TABLE + " (id bigserial PRIMARY KEY, workflow_id text NOT NULL,"
                + " position int NOT NULL, executor text NOT NULL)");
        ChildJvm stale = null;
        boolean stopped = false;
        List<Connection> effectConnections = new ArrayList<>();
        try (Connection c = db.connect()) {
            execute(c, "SELECT pg_advisory_lock(" + LeaseChild.FENCE_LOCK + ")");
            stale = ChildJvm.startMain("fencing-stale", db.password(), LeaseChild.class, "fencing", db.url(), db.user(),
                    STALE, id);
            awaitCondition(stale, "step 2 to block in " + STALE, POLL_NANOS, () -> effects(c, id, 2, STALE) == 1);
            signal(stale, "STOP");
            stopped = true;
            execute(c, "SELECT pg_advisory_unlock(" + LeaseChild.FENCE_LOCK + ")"); // the step may go on now

            String result;
            BlockingQueue<Connection> connections = new ArrayBlockingQueue<>(1);
            effectConnections.add(DriverManager.getConnection(db.url(), db.user(), db.password()));
            connections.addAll(effectConnections);
            try (Durable taker = LeaseChild.builder(db.url(), db.user(), db.password(), TAKER).build()) {
                LeaseChild.Effects effects = taker.register(LeaseChild.Effects.class,
                        new LeaseChild.EffectsImpl(taker, TAKER, connections));
                taker.register(LeaseChild.Fenced.class, new LeaseChild.FencedImpl(effects));
                taker.start();
                result = taker.<String>retrieve(id).result(RESULT_TIMEOUT);
            }
            assertEquals(STALE + "|" + TAKER + "|" + TAKER, result, "step 1 replayed, steps 2 and 3 run by the taker");
            List<String> before = snapshot(c, id);
            assertTrue(before.get(0).startsWith("SUCCEEDED|" + TAKER + "|2|"), before.get(0));

            signal(stale, "CONT");
            stopped = false;
            ChildJvm continued = stale;
            awaitCondition(stale, "the stale run to end", POLL_NANOS, () -> continued.marker("OUTCOME").isPresent());
            String outcome = stale.marker("OUTCOME").orElseThrow();
            assertTrue(outcome.startsWith(WorkflowInterruptedException.class.getName()), outcome + stale.logs());
            long heartbeat = heartbeatMicros(c, STALE);
            awaitCondition(stale, "a heartbeat of the stale executor after SIGCONT", POLL_NANOS,
                    () -> heartbeatMicros(c, STALE) > heartbeat);

            assertEquals(before, snapshot(c, id), "the stale executor changed nothing of the workflow or its journal");
            assertEquals(1, effects(c, id, 2, STALE), "its step 2 ran once, before the stop");
            assertEquals(0, effects(c, id, 3, STALE), "it did not go on to step 3");
            List<String> durableWarnings = stale.warnings().stream().filter(line -> line.contains("io.durable")).toList();
            assertEquals(1, durableWarnings.size(), "one warning: " + durableWarnings + stale.logs());
            String warning = durableWarnings.get(0);
            assertTrue(warning.contains(" WARN ") && warning.contains("abandons") && warning.contains("'" + id + "'")
                    && warning.contains("executor '" + TAKER + "' at epoch 2"), warning);
        } finally {
            if (stale != null) {
                if (stopped) {
                    signal(stale, "CONT");
                }
                stale.destroy();
            }
            for (Connection connection : effectConnections) {
                connection.close();
            }
        }
    }

    /** The workflow row and its journal, as text, in a fixed order. */
    private static List<String> snapshot(Connection c, String id) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT concat_ws('|', status, owner, epoch, output, updated_at,"
                + " completed_at, recovery_attempts) FROM durable.workflows WHERE id = ?"
                + " UNION ALL SELECT * FROM (SELECT concat_ws('|', position, name, status, output, attempts, started_at,"
                + " completed_at) FROM durable.steps WHERE workflow_id = ? ORDER BY position) journal")) {
            ps.setString(1, id);
            ps.setString(2, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(rs.getString(1));
                }
            }
        }
        return rows;
    }

    private static long effects(Connection c, String id, int position, String executor) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + LeaseChild.EFFECTS_TABLE
                + " WHERE workflow_id = ? AND position = ? AND executor = ?")) {
            ps.setString(1, id);
            ps.setInt(2, position);
            ps.setString(3, executor);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static long heartbeatMicros(Connection c, String executorId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT (extract(epoch FROM heartbeat_at) * 1000000)::bigint"
                + " FROM durable.executors WHERE id = ?")) {
            ps.setString(1, executorId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** Sends SIGSTOP or SIGCONT with {@code kill}, and checks that it was delivered. */
    private static void signal(ChildJvm child, String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(child.pid())).inheritIO().start();
        assertEquals(0, kill.waitFor(), "kill -" + signal + " " + child);
    }
}
