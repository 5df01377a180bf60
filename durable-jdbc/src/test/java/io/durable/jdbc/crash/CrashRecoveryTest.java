package io.durable.jdbc.crash;

import io.durable.Durable;
import io.durable.testing.FreshDatabase;
import io.durable.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static io.durable.jdbc.crash.CrashWaits.DEADLINE;
import static io.durable.jdbc.crash.CrashWaits.POLL_NANOS;
import static io.durable.jdbc.crash.CrashWaits.awaitCondition;
import static io.durable.jdbc.crash.CrashWaits.awaitSessionsGone;
import static io.durable.jdbc.crash.CrashWaits.withApplicationName;
import static io.durable.jdbc.crash.CrashWaits.sessions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real crashes: a child JVM runs a 10-step workflow whose steps each insert a side-effect row, is
 * killed with SIGKILL after step k, and a new child JVM recovers it (recovery at {@code start()}).
 * Checks the journal, the result and how often each step's side effect happened:
 * <ul>
 *   <li>{@link #killWithNextStepInFlight}: step k+1 has done its side effect and is blocked when the
 *       kill lands, so steps 1..k ran once, k+1 exactly twice, k+2..10 once;</li>
 *   <li>{@link #killWherever}: the kill lands as soon as step k's checkpoint is seen, wherever the
 *       child is; every checkpointed step ran once, at most one step (the first unrecorded one) twice.</li>
 * </ul>
 * {@code -Ddurable.crash.repeat=N} repeats the whole matrix N times.
 */
@ExtendWith(FreshDatabase.class)
class CrashRecoveryTest {
    private static final int REPEAT = Integer.getInteger("durable.crash.repeat", 1);
    private static final int[] NATURAL_KS = {1, 3, 5, 7, 9};
    private static final Duration RECOVERY_DEADLINE = Duration.ofSeconds(90);
    private static final long TIGHT_POLL_NANOS = Duration.ofMillis(1).toNanos() / 5;
    private static final String STEP_NAME = "crash.effect";

    /** What the natural kills hit, printed at the end (the kill point is racy by design). */
    private static final List<String> naturalOutcomes = new ArrayList<>();

    @BeforeAll
    static void prepare(TestDatabase db) {
        db.execute("CREATE TABLE " + CrashChild.EFFECTS_TABLE + " (id bigserial PRIMARY KEY, workflow_id text NOT NULL,"
                + " step int NOT NULL, pid bigint NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp())");
        // Migrate durable's schema once up front, so the test can poll durable.steps from the first run on.
        try (Durable durable = Durable.builder().jdbcUrl(db.url(), db.user(), db.password())
                .executorId("crash-test-parent").poolSize(2).build()) {
            durable.start();
        }
    }

    @AfterAll
    static void summary() {
        synchronized (naturalOutcomes) {
            System.out.println("natural kills (" + naturalOutcomes.size() + "):");
            naturalOutcomes.forEach(line -> System.out.println("  " + line));
        }
    }

    static Stream<Arguments> inFlightCases() {
        return IntStream.rangeClosed(1, REPEAT).boxed()
                .flatMap(run -> IntStream.rangeClosed(1, CrashChild.STEPS - 1).mapToObj(k -> Arguments.of(run, k)));
    }

    static Stream<Arguments> naturalCases() {
        return IntStream.rangeClosed(1, REPEAT).boxed()
                .flatMap(run -> IntStream.of(NATURAL_KS).mapToObj(k -> Arguments.of(run, k)));
    }

    @ParameterizedTest(name = "run {0}: SIGKILL with step {1}+1 in flight")
    @MethodSource("inFlightCases")
    void killWithNextStepInFlight(int run, int k, TestDatabase db) throws Exception {
        String workflowId = "inflight-" + run + "-k" + k + "-" + shortId();
        String runApp = applicationName(workflowId);
        ChildJvm runner = ChildJvm.start(workflowId + "-run", db.password(),
                "run", withApplicationName(db.url(), runApp), db.user(), workflowId, "block:" + k);
        ChildJvm recoverer = null;
        try (Connection c = db.connect()) {
            awaitCondition(runner, "the side effect of step " + (k + 1) + " and the checkpoint of step " + k
                    + " of " + workflowId, POLL_NANOS,
                    () -> effectCount(c, workflowId, k + 1) > 0 && checkpointed(c, workflowId).contains(k));
            if (!db.isSqlite()) { // a SQLite file has no sessions to count
                assertTrue(sessions(c, runApp) > 0, "the run JVM's sessions are tagged " + runApp + runner.logs());
            }

            int exit = runner.kill(DEADLINE);
            assertEquals(ChildJvm.SIGKILL_EXIT, exit, "the run JVM should have died of SIGKILL" + runner.logs());
            awaitSessionsGone(c, runApp, runner);

            assertEquals(range(1, k), checkpointed(c, workflowId),
                    "journal at the crash: steps 1.." + k + " recorded, step " + (k + 1) + " blocked" + runner.logs());
            assertEquals("PENDING", status(c, workflowId), "status at the crash" + runner.logs());

            recoverer = recover(db, workflowId);
            assertRecovered(c, workflowId, runner, recoverer);
            String logs = runner.logs() + recoverer.logs();
            assertEquals(1, recoveryAttempts(c, workflowId), "recovery_attempts of " + workflowId + logs);

            Map<Integer, List<Long>> effects = effects(c, workflowId);
            for (int i = 1; i <= CrashChild.STEPS; i++) {
                List<Long> expected = i <= k ? List.of(runner.pid())
                        : i == k + 1 ? List.of(runner.pid(), recoverer.pid())
                        : List.of(recoverer.pid());
                assertEquals(expected, effects.get(i), "executions of step " + i + " (by pid; run JVM "
                        + runner.pid() + ", recovering JVM " + recoverer.pid() + "), all: " + effects + logs);
            }
        } finally {
            runner.destroy();
            if (recoverer != null) {
                recoverer.destroy();
            }
        }
    }

    @ParameterizedTest(name = "run {0}: SIGKILL as soon as step {1} is checkpointed")
    @MethodSource("naturalCases")
    void killWherever(int run, int k, TestDatabase db) throws Exception {
        String workflowId = "natural-" + run + "-k" + k + "-" + shortId();
        String runApp = applicationName(workflowId);
        ChildJvm runner = ChildJvm.start(workflowId + "-run", db.password(),
                "run", withApplicationName(db.url(), runApp), db.user(), workflowId, "natural");
        ChildJvm recoverer = null;
        try (Connection c = db.connect();
             PreparedStatement probe = c.prepareStatement(
                     "SELECT 1 FROM durable.steps WHERE workflow_id = ? AND position = ?")) {
            probe.setString(1, workflowId);
            probe.setInt(2, k);
            awaitCondition(runner, "the checkpoint of step " + k + " of " + workflowId, TIGHT_POLL_NANOS, () -> {
                try (ResultSet rs = probe.executeQuery()) {
                    return rs.next();
                }
            });
            int exit = runner.kill(DEADLINE);
            assertTrue(exit == ChildJvm.SIGKILL_EXIT || exit == 0,
                    "the run JVM should have died of SIGKILL (137) or finished (0), exit " + exit + runner.logs());
            awaitSessionsGone(c, runApp, runner);

            // What the dead JVM left behind, now that none of its sessions can still commit anything.
            List<Integer> recorded = checkpointed(c, workflowId);
            int m = recorded.size();
            assertEquals(range(1, m), recorded, "the journal is a prefix of the steps" + runner.logs());
            assertTrue(m >= k, "step " + k + " was seen checkpointed before the kill" + runner.logs());
            String statusAtCrash = status(c, workflowId);
            Map<Integer, List<Long>> before = effects(c, workflowId);

            recoverer = recover(db, workflowId);
            assertRecovered(c, workflowId, runner, recoverer);
            String logs = runner.logs() + recoverer.logs();
            assertEquals(statusAtCrash.equals("PENDING") ? 1 : 0, recoveryAttempts(c, workflowId),
                    "recovery_attempts of " + workflowId + " (status at the crash: " + statusAtCrash + ")" + logs);

            Map<Integer, List<Long>> effects = effects(c, workflowId);
            String what = "executions of the steps by pid (run JVM " + runner.pid() + ", recovering JVM "
                    + recoverer.pid() + "; steps 1.." + m + " were checkpointed at the crash): " + effects + logs;
            int extra = 0;
            int twice = 0;
            for (int i = 1; i <= CrashChild.STEPS; i++) {
                List<Long> pids = effects.getOrDefault(i, List.of());
                assertTrue(pids.size() >= 1, "step " + i + " never executed; " + what);
                if (i <= m) {
                    assertEquals(List.of(runner.pid()), pids, "checkpointed step " + i + " runs exactly once; " + what);
                } else if (i == m + 1) {
                    // The step in flight at the crash: maybe its side effect happened before the kill.
                    List<Long> expected = before.containsKey(i) ? List.of(runner.pid(), recoverer.pid())
                            : List.of(recoverer.pid());
                    assertEquals(expected, pids, "the step in flight (" + i + ") runs at most twice; " + what);
                } else {
                    assertEquals(List.of(recoverer.pid()), pids, "step " + i + " runs once, after recovery; " + what);
                }
                extra += pids.size() - 1;
                twice += pids.size() > 1 ? 1 : 0;
            }
            assertTrue(extra <= 1 && twice <= 1, "at most one extra execution in all; " + what);
            synchronized (naturalOutcomes) {
                naturalOutcomes.add(workflowId + ": exit " + exit + ", checkpointed 1.." + m + ", status " + statusAtCrash
                        + (m < CrashChild.STEPS ? ", step " + (m + 1) + (before.containsKey(m + 1)
                        ? " had run (executed twice)" : " had not run") : ""));
            }
        } finally {
            runner.destroy();
            if (recoverer != null) {
                recoverer.destroy();
            }
        }
    }

    // ---- recovery ---------------------------------------------------------------------------

    private static ChildJvm recover(TestDatabase db, String workflowId) throws Exception {
        return ChildJvm.start(workflowId + "-recover", db.password(), "recover", db.url(), db.user(), workflowId);
    }

    /** The recovering JVM exits 0 with the full chain; the workflow row and the journal agree. */
    private static void assertRecovered(Connection c, String workflowId, ChildJvm runner, ChildJvm recoverer)
            throws Exception {
        int exit = recoverer.awaitExit(RECOVERY_DEADLINE, "recover workflow " + workflowId + " and print its result");
        String logs = runner.logs() + recoverer.logs();
        assertEquals(0, exit, "exit status of the recovering JVM" + logs);
        String chain = IntStream.rangeClosed(1, CrashChild.STEPS).mapToObj(i -> "s" + i).collect(Collectors.joining("-"));
        assertEquals(chain, recoverer.marker("RESULT").orElse(null), "result printed by the recovering JVM" + logs);
        assertEquals("SUCCEEDED", status(c, workflowId), "status of " + workflowId + logs);
        String output = output(c, workflowId);
        assertTrue(output != null && output.contains("\"" + chain + "\""),
                "recorded output of " + workflowId + " should hold " + chain + ", is " + output + logs);
        assertEquals(range(1, CrashChild.STEPS), checkpointed(c, workflowId), "journal positions of " + workflowId + logs);
        assertEquals(CrashChild.STEPS, count(c, "SELECT count(*) FROM durable.steps WHERE workflow_id = ? AND name = '"
                + STEP_NAME + "' AND status = 'SUCCEEDED'", workflowId), "successful journal rows" + logs);
    }

    // ---- queries --------------------------------------------------------------------------------


    private static List<Integer> checkpointed(Connection c, String workflowId) throws SQLException {
        List<Integer> positions = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT position FROM durable.steps WHERE workflow_id = ? ORDER BY position")) {
            ps.setString(1, workflowId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    positions.add(rs.getInt(1));
                }
            }
        }
        return positions;
    }

    private static long effectCount(Connection c, String workflowId, int step) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + CrashChild.EFFECTS_TABLE
                + " WHERE workflow_id = ? AND step = ?")) {
            ps.setString(1, workflowId);
            ps.setInt(2, step);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** @return step number to the pids of the JVMs that executed it, in execution order */
    private static Map<Integer, List<Long>> effects(Connection c, String workflowId) throws SQLException {
        Map<Integer, List<Long>> effects = new TreeMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT step, pid FROM " + CrashChild.EFFECTS_TABLE
                + " WHERE workflow_id = ? ORDER BY id")) {
            ps.setString(1, workflowId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    effects.computeIfAbsent(rs.getInt(1), i -> new ArrayList<>()).add(rs.getLong(2));
                }
            }
        }
        return effects;
    }

    private static String status(Connection c, String workflowId) throws SQLException {
        return text(c, "SELECT status FROM durable.workflows WHERE id = ?", workflowId);
    }

    private static String output(Connection c, String workflowId) throws SQLException {
        return text(c, "SELECT output FROM durable.workflows WHERE id = ?", workflowId);
    }

    private static long recoveryAttempts(Connection c, String workflowId) throws SQLException {
        return count(c, "SELECT recovery_attempts FROM durable.workflows WHERE id = ?", workflowId);
    }

    private static String text(Connection c, String sql, String parameter) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, parameter);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private static long count(Connection c, String sql, String parameter) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, parameter);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    // ---- helpers ----------------------------------------------------------------------------------

    private static List<Integer> range(int from, int to) {
        return IntStream.rangeClosed(from, to).boxed().toList();
    }

    private static String shortId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    /** @return a name for the run JVM's sessions, short enough for PostgreSQL not to truncate it */
    private static String applicationName(String workflowId) {
        String name = "crash-run-" + workflowId;
        return name.length() > 63 ? name.substring(0, 63) : name;
    }
}
