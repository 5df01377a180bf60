package io.durable.jdbc.crash;

import io.durable.testing.FreshDatabase;
import io.durable.testing.PostgresOnly;
import io.durable.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.durable.jdbc.crash.CrashWaits.POLL_NANOS;
import static io.durable.jdbc.crash.CrashWaits.awaitCondition;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three executors in three JVMs run chains of steps; one is killed with SIGKILL mid-run. The other
 * two take its unfinished workflows over once its lease has expired on the database clock, and every
 * workflow completes, each step recorded once.
 */
@PostgresOnly // takeover between executors: SQLite serves one executor
@ExtendWith(FreshDatabase.class)
class TakeoverCrashTest {
    private static final int WORKFLOWS_PER_EXECUTOR = 40;
    private static final String[] EXECUTORS = {"exec-a", "exec-b", "exec-c"};
    private static final String KILLED = "exec-a";
    /**
     * Slack on top of lease + heartbeat for the takeover bound: the statement itself, a JVM's
     * scheduling on two cores shared with the database and two other JVMs, and the test's 5 ms polling.
     */
    private static final Duration SLACK = Duration.ofSeconds(3);

    @Test
    void aKilledExecutorsWorkflowsCompleteOnTheOthersWithinLeasePlusHeartbeat(TestDatabase db) throws Exception {
        db.execute("CREATE TABLE " + LeaseChild.EFFECTS_TABLE + " (id bigserial PRIMARY KEY, workflow_id text NOT NULL,"
                + " position int NOT NULL, executor text NOT NULL)");
        List<ChildJvm> children = new ArrayList<>();
        try (Connection c = db.connect()) {
            execute(c, "SELECT pg_advisory_lock(" + LeaseChild.GO_LOCK + ")");
            for (String executor : EXECUTORS) {
                children.add(ChildJvm.startMain("takeover-" + executor, db.password(), LeaseChild.class, "chains",
                        db.url(), db.user(), executor, Integer.toString(WORKFLOWS_PER_EXECUTOR)));
            }
            ChildJvm killed = children.get(0);
            for (ChildJvm child : children) {
                awaitCondition(child, "its executor to start", POLL_NANOS, () -> child.marker("READY").isPresent());
            }
            execute(c, "SELECT pg_advisory_unlock(" + LeaseChild.GO_LOCK + ")"); // all three start their work now
            // Mid-run: all its workflows started, and about a third of their steps have run.
            int third = WORKFLOWS_PER_EXECUTOR * LeaseChild.CHAIN_STEPS / 3;
            awaitCondition(killed, "all of " + KILLED + "'s workflows to start and a third of their steps to run",
                    POLL_NANOS, () -> count(c, "SELECT count(*) FROM durable.workflows WHERE id LIKE ?", KILLED + "-%")
                            == WORKFLOWS_PER_EXECUTOR && count(c, "SELECT count(*) FROM " + LeaseChild.EFFECTS_TABLE
                            + " WHERE executor = ?", KILLED) >= third);
            long killedAt = System.nanoTime();
            assertEquals(ChildJvm.SIGKILL_EXIT, killed.kill(Duration.ofSeconds(10)));
            long left = count(c, "SELECT count(*) FROM durable.workflows WHERE owner = ? AND completed_at IS NULL",
                    KILLED);
            assertTrue(left > 0, "the kill landed mid-run: " + KILLED + " still owned unfinished workflows");

            ChildJvm survivor = children.get(1);
            awaitCondition(survivor, "the others to claim every workflow of " + KILLED, POLL_NANOS,
                    () -> count(c, "SELECT count(*) FROM durable.workflows WHERE owner = ? AND completed_at IS NULL",
                            KILLED) == 0);
            Duration claimedAfter = Duration.ofNanos(System.nanoTime() - killedAt);
            Duration bound = LeaseChild.LEASE.plus(LeaseChild.HEARTBEAT).plus(SLACK);
            assertTrue(claimedAfter.compareTo(bound) <= 0, "the last of " + left + " workflows of " + KILLED
                    + " was claimed " + claimedAfter.toMillis() + " ms after the kill; bound: lease + heartbeat + slack = "
                    + bound.toMillis() + " ms" + survivor.logs());

            System.out.println("last of " + left + " workflows of " + KILLED + " claimed " + claimedAfter.toMillis()
                    + " ms after the SIGKILL (bound " + bound.toMillis() + " ms)");
            int total = WORKFLOWS_PER_EXECUTOR * EXECUTORS.length;
            awaitCondition(survivor, "every workflow to succeed", POLL_NANOS,
                    () -> count(c, "SELECT count(*) FROM durable.workflows WHERE status = 'SUCCEEDED' AND name = ?",
                            "lease.chain") == total);
            assertEquals(total, count(c, "SELECT count(*) FROM durable.workflows WHERE name = ?", "lease.chain"));
            assertJournalsAndEffects(c, total);
            for (ChildJvm child : children.subList(1, children.size())) {
                assertEquals(List.of(), child.warnings(), "no warnings in a survivor" + child.logs());
            }
        } finally {
            children.forEach(ChildJvm::destroy);
        }
    }

    /**
     * Each workflow's journal has positions 1..n once each, its output lists who recorded them, and
     * each position's side effect happened once, or twice only where the killed executor was running
     * that very step (the first position someone else recorded).
     */
    private static void assertJournalsAndEffects(Connection c, int total) throws SQLException {
        Map<String, String[]> recorders = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT workflow_id, position, output FROM durable.steps"
                + " ORDER BY workflow_id, position");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String[] byPosition = recorders.computeIfAbsent(rs.getString(1),
                        id -> new String[LeaseChild.CHAIN_STEPS + 1]);
                byPosition[rs.getInt(2)] = executorIn(rs.getString(3));
            }
        }
        assertEquals(total, recorders.size(), "every workflow has a journal");
        Map<String, String> outputs = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, output FROM durable.workflows");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                outputs.put(rs.getString(1), rs.getString(2));
            }
        }
        Map<String, List<String>> effects = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT workflow_id, position, executor FROM "
                + LeaseChild.EFFECTS_TABLE + " ORDER BY id");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                effects.computeIfAbsent(rs.getString(1) + "#" + rs.getInt(2), k -> new ArrayList<>()).add(rs.getString(3));
            }
        }
        int duplicates = 0;
        for (Map.Entry<String, String[]> journal : recorders.entrySet()) {
            String id = journal.getKey();
            String[] byPosition = journal.getValue();
            List<String> listed = new ArrayList<>();
            int firstNotKilled = 0;
            for (int position = 1; position <= LeaseChild.CHAIN_STEPS; position++) {
                String recorder = byPosition[position];
                assertTrue(recorder != null, id + " has no journal entry at " + position);
                listed.add(recorder);
                if (firstNotKilled == 0 && !recorder.equals(KILLED)) {
                    firstNotKilled = position;
                }
            }
            assertTrue(outputs.get(id).contains(String.join(",", listed)),
                    id + "'s output lists who recorded its steps: " + outputs.get(id) + " vs " + listed);
            for (int position = 1; position <= LeaseChild.CHAIN_STEPS; position++) {
                List<String> ran = effects.getOrDefault(id + "#" + position, List.of());
                assertTrue(ran.contains(byPosition[position]), id + " step " + position + " recorded by "
                        + byPosition[position] + " has its side effect: " + ran);
                if (ran.size() > 1) {
                    duplicates++;
                    boolean inFlightAtKill = id.startsWith(KILLED) && position == firstNotKilled;
                    assertTrue(inFlightAtKill && ran.size() == 2 && ran.contains(KILLED),
                            id + " step " + position + " ran " + ran + "; only the step the killed executor was "
                                    + "running may run twice (once there, once where it was recorded)");
                }
            }
        }
        assertTrue(duplicates <= WORKFLOWS_PER_EXECUTOR, "at most one repeated step per killed workflow");
    }

    /** The executor ID inside a recorded string output (the codec's JSON envelope around it). */
    private static String executorIn(String output) {
        for (String executor : EXECUTORS) {
            if (output.contains("\"" + executor + "\"")) {
                return executor;
            }
        }
        throw new AssertionError("no executor ID in step output " + output);
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (java.sql.Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static long count(Connection c, String sql, String parameter) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, parameter);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
