package io.durable.jdbc.crash;

import io.durable.Durable;
import io.durable.testing.FreshDatabase;
import io.durable.testing.PostgresOnly;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static io.durable.jdbc.crash.CrashWaits.DEADLINE;
import static io.durable.jdbc.crash.CrashWaits.awaitCondition;
import static io.durable.jdbc.crash.CrashWaits.awaitSessionsGone;
import static io.durable.jdbc.crash.CrashWaits.withApplicationName;
import static io.durable.jdbc.crash.CrashWaits.sessions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Real crashes on the group-commit path: a child JVM starts {@value #WORKFLOWS} ten-step workflows at
 * once (durable with a pool of {@value ConcurrentCrashChild#POOL_SIZE} connections, so their checkpoints
 * share commits), and is killed with SIGKILL as soon as the number of recorded checkpoints in
 * {@code durable.steps} reaches a threshold (varied between {@value #MIN_THRESHOLD} and
 * {@value #MAX_THRESHOLD}) plus a random delay of up to {@value #MAX_KILL_DELAY_MICROS} µs, so the workflows are
 * spread over many positions and many are mid-step, waiting in a batch or in a batch being written. A
 * second child JVM, same executor ID, recovers them all at {@code start()}.
 *
 * <p>For every workflow: it ends SUCCEEDED with {@code s1-...-s10} and a ten-row journal; every step
 * recorded at the crash executed exactly once (no recorded step runs again); only the first step not
 * recorded at the crash may have run twice (once in each JVM), no step more than twice, every step at
 * least once; in all, no more steps ran twice than there were workflows in flight at the crash. Each run
 * also checks that checkpoints were batched: the step rows of the 64 workflows were written by fewer
 * transactions (distinct {@code xmin}) than there are rows.
 *
 * <p>{@code -Ddurable.crash.repeat=N} repeats the matrix ({@value #KILLS_PER_RUN} thresholds) N times;
 * {@code -Ddurable.crash.seed=S} fixes the thresholds and kill delays (the seed used is printed).
 */
@PostgresOnly // checks PostgreSQL's group commit (xmin)
@ExtendWith(FreshDatabase.class)
class ConcurrentCrashTest {
    private static final int REPEAT = Integer.getInteger("durable.crash.repeat", 1);
    private static final long SEED = Long.getLong("durable.crash.seed", System.nanoTime());
    private static final int WORKFLOWS = 64;
    private static final int KILLS_PER_RUN = 5;
    private static final int MIN_THRESHOLD = 64;
    private static final int MAX_THRESHOLD = 500;
    /**
     * The kill lands a random 0 to this many µs after the threshold is seen. Seen means committed, so
     * without it every kill would land just after a commit, never while a batch is being written.
     */
    private static final int MAX_KILL_DELAY_MICROS = 10_000;
    private static final Duration RECOVERY_DEADLINE = Duration.ofSeconds(120);
    private static final long TIGHT_POLL_NANOS = Duration.ofMillis(1).toNanos() / 2;
    private static final int MAX_LISTED_VIOLATIONS = 25;
    private static final String CHAIN = IntStream.rangeClosed(1, CrashChild.STEPS).mapToObj(i -> "s" + i)
            .collect(Collectors.joining("-"));

    /** One line per kill, printed at the end (where the kill landed is racy by design). */
    private static final List<String> outcomes = new ArrayList<>();

    @BeforeAll
    static void prepare(TestDatabase db) {
        db.execute("CREATE TABLE " + CrashChild.EFFECTS_TABLE + " (id bigserial PRIMARY KEY, workflow_id text NOT NULL,"
                        + " step int NOT NULL, pid bigint NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp())",
                "CREATE INDEX ON " + CrashChild.EFFECTS_TABLE + " (workflow_id)");
        // Migrate durable's schema once up front, so the test can poll durable.steps from the first run on.
        try (Durable durable = Durable.builder().jdbcUrl(db.url(), db.user(), db.password())
                .executorId("crash64-test-parent").poolSize(2).build()) {
            durable.start();
        }
        System.out.println("ConcurrentCrashTest: seed " + SEED + " (-Ddurable.crash.seed), repeat " + REPEAT);
    }

    @AfterAll
    static void summary() {
        synchronized (outcomes) {
            System.out.println("concurrent kills (" + outcomes.size() + ", seed " + SEED + "):");
            outcomes.forEach(line -> System.out.println("  " + line));
        }
    }

    /** {@value #KILLS_PER_RUN} thresholds per run, one in each slice of [MIN_THRESHOLD, MAX_THRESHOLD]. */
    static Stream<Arguments> kills() {
        Random random = new Random(SEED);
        int width = (MAX_THRESHOLD - MIN_THRESHOLD) / KILLS_PER_RUN;
        List<Arguments> cases = new ArrayList<>();
        for (int run = 1; run <= REPEAT; run++) {
            for (int slot = 0; slot < KILLS_PER_RUN; slot++) {
                int threshold = slot == 0 && run == 1 ? MIN_THRESHOLD
                        : MIN_THRESHOLD + slot * width + random.nextInt(width + 1);
                cases.add(Arguments.of(run, threshold, random.nextInt(MAX_KILL_DELAY_MICROS + 1)));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "run {0}: SIGKILL {2} µs after {1} checkpoints of " + WORKFLOWS + " concurrent workflows")
    @MethodSource("kills")
    void killUnderGroupCommit(int run, int threshold, int delayMicros, TestDatabase db) throws Exception {
        String prefix = "c" + run + "-t" + threshold + "-" + UUID.randomUUID().toString().substring(0, 8);
        String pattern = prefix + "-w%";
        String executorId = "crash64-" + prefix;
        String runApp = "crash64-run-" + prefix;
        ChildJvm runner = ChildJvm.start(prefix + "-run", db.password(), "concurrent-run",
                withApplicationName(db.url(), runApp), db.user(), executorId, prefix, String.valueOf(WORKFLOWS));
        ChildJvm recoverer = null;
        try (Connection c = db.connect();
             PreparedStatement probe = c.prepareStatement("SELECT (SELECT count(*) FROM durable.workflows WHERE id"
                     + " LIKE ?), (SELECT count(*) FROM durable.steps WHERE workflow_id LIKE ?)")) {
            probe.setString(1, pattern);
            probe.setString(2, pattern);
            awaitCondition(runner, "all " + WORKFLOWS + " workflows started and " + threshold + " checkpoints recorded",
                    TIGHT_POLL_NANOS, () -> {
                        try (ResultSet rs = probe.executeQuery()) {
                            rs.next();
                            return rs.getLong(1) == WORKFLOWS && rs.getLong(2) >= threshold;
                        }
                    });
            assertTrue(sessions(c, runApp) > 0, "the run JVM's sessions are tagged " + runApp + runner.logs());
            // A deliberate random offset of the kill point (not a wait for anything), so that it lands anywhere in
            // the cycle of a batch: while steps run, while a batch is written, right after its commit.
            LockSupport.parkNanos(delayMicros * 1_000L);
            int exit = runner.kill(DEADLINE);
            assertTrue(exit == ChildJvm.SIGKILL_EXIT || exit == 0,
                    "the run JVM should have died of SIGKILL (137) or finished (0), exit " + exit + runner.logs());
            awaitSessionsGone(c, runApp, runner);

            // What the dead JVM left behind, now that none of its sessions can still commit anything.
            Map<String, List<Integer>> recordedAtCrash = journals(c, pattern);
            Map<String, String> statusAtCrash = statuses(c, pattern);
            Map<String, Map<Integer, List<Long>>> effectsAtCrash = effects(c, pattern);
            long[] runBatching = batching(c, pattern);
            assertEquals(WORKFLOWS, statusAtCrash.size(), "workflows recorded at the crash: " + statusAtCrash.keySet()
                    + runner.logs());
            assertTrue(runner.marker("READY").isPresent(), "the run JVM started durable" + runner.logs());

            recoverer = ChildJvm.start(prefix + "-recover", db.password(), "concurrent-recover",
                    withApplicationName(db.url(), "crash64-rec-" + prefix), db.user(), executorId, prefix,
                    String.valueOf(WORKFLOWS));
            int recoverExit = recoverer.awaitExit(RECOVERY_DEADLINE, "recover " + WORKFLOWS + " workflows of "
                    + executorId + " and print their results");
            String logs = runner.logs() + recoverer.logs();
            assertEquals(0, recoverExit, "exit status of the recovering JVM" + logs);
            Map<String, String> printed = parseResults(recoverer.marker("ALLRESULTS").orElse(""));

            Map<String, String> finalStatus = statuses(c, pattern);
            Map<String, String> outputs = outputs(c, pattern);
            Map<String, Long> attempts = recoveryAttempts(c, pattern);
            Map<String, List<String>> finalJournals = journalEntries(c, pattern);
            Map<String, Map<Integer, List<Long>>> effects = effects(c, pattern);
            long[] allBatching = batching(c, pattern);

            long runPid = runner.pid();
            long recoverPid = recoverer.pid();
            List<String> violations = new ArrayList<>();
            int inFlight = 0;
            int twice = 0;
            int ranBeforeKill = 0;
            int finishedAtCrash = 0;
            int recordedTotal = 0;
            TreeMap<Integer, Integer> positions = new TreeMap<>();
            for (int index = 0; index < WORKFLOWS; index++) {
                String id = ConcurrentCrashChild.workflowId(prefix, index);
                List<Integer> recorded = recordedAtCrash.getOrDefault(id, List.of());
                int m = recorded.size();
                recordedTotal += m;
                positions.merge(m, 1, Integer::sum);
                String crashStatus = statusAtCrash.get(id);
                boolean pending = "PENDING".equals(crashStatus);
                if (pending) {
                    inFlight++;
                } else {
                    finishedAtCrash++;
                }
                Map<Integer, List<Long>> before = effectsAtCrash.getOrDefault(id, Map.of());
                Map<Integer, List<Long>> after = effects.getOrDefault(id, Map.of());
                List<String> issues = new ArrayList<>();

                // At the crash.
                if (!recorded.equals(range(1, m))) {
                    issues.add("journal at the crash is not a prefix: " + recorded);
                }
                if (!pending && !("SUCCEEDED".equals(crashStatus) && m == CrashChild.STEPS)) {
                    issues.add("finished at the crash without all " + CrashChild.STEPS + " steps recorded");
                }
                // The outcome.
                if (!"SUCCEEDED".equals(finalStatus.get(id))) {
                    issues.add("final status " + finalStatus.get(id));
                }
                String output = outputs.get(id);
                if (output == null || !output.contains("\"" + CHAIN + "\"")) {
                    issues.add("recorded output " + output);
                }
                if (!CHAIN.equals(printed.get(id))) {
                    issues.add("result printed by the recovering JVM: " + printed.get(id));
                }
                List<String> expectedJournal = IntStream.rangeClosed(1, CrashChild.STEPS)
                        .mapToObj(i -> i + ":" + ConcurrentCrashChild.STEP_NAME + ":SUCCEEDED").toList();
                if (!expectedJournal.equals(finalJournals.get(id))) {
                    issues.add("final journal " + finalJournals.get(id));
                }
                long expectedAttempts = pending ? 1 : 0;
                if (attempts.getOrDefault(id, -1L) != expectedAttempts) {
                    issues.add("recovery_attempts " + attempts.get(id) + ", expected " + expectedAttempts);
                }
                // The executions of each step.
                int twiceHere = 0;
                for (int i = 1; i <= CrashChild.STEPS; i++) {
                    List<Long> pids = after.getOrDefault(i, List.of());
                    List<Long> expected = i <= m ? List.of(runPid)
                            : i == m + 1 && before.containsKey(i) ? List.of(runPid, recoverPid)
                            : List.of(recoverPid);
                    if (pids.isEmpty()) {
                        issues.add("step " + i + " never executed");
                    } else if (i <= m && pids.size() > 1) {
                        issues.add("RECORDED step " + i + " executed again: " + pids);
                    } else if (pids.size() > 2) {
                        issues.add("step " + i + " executed " + pids.size() + " times: " + pids);
                    } else if (!pids.equals(expected)) {
                        issues.add("step " + i + " executed by " + pids + ", expected " + expected
                                + " (run JVM " + runPid + ", recovering JVM " + recoverPid + ")");
                    }
                    if (!before.getOrDefault(i, List.of()).equals(pids.stream().filter(p -> p == runPid).toList())) {
                        issues.add("the run JVM's executions of step " + i + " changed after its sessions"
                                + " were gone: " + before.get(i) + " then " + pids);
                    }
                    if (pids.size() == 2) {
                        twiceHere++;
                    }
                }
                if (twiceHere > 1) {
                    issues.add(twiceHere + " steps executed twice; at most one may (the one in flight)");
                }
                twice += twiceHere;
                if (!issues.isEmpty()) {
                    violations.add(id + " (steps 1.." + m + " recorded at the crash, status then " + crashStatus
                            + ", executions by pid " + after + "): " + String.join("; ", issues));
                }
                ranBeforeKill += m < CrashChild.STEPS && before.containsKey(m + 1) ? 1 : 0;
            }
            if (twice > inFlight) {
                violations.add(twice + " steps executed twice, but only " + inFlight + " workflows were in flight");
            }
            // Group commit: the step rows were written by fewer transactions than there are rows.
            if (allBatching[1] >= allBatching[0]) {
                violations.add("no batching: " + allBatching[0] + " step rows written by " + allBatching[1]
                        + " transactions");
            }

            List<String> oddLines = oddWarnings(runner, recoverer);
            String outcome = String.format("threshold %3d + %5d µs: exit %d, %3d checkpoints at the crash"
                            + " (steps/transaction %d/%d = %.1f), %2d finished, %2d in flight (%2d mid-step had run),"
                            + " positions %s; overall"
                            + " %d/%d = %.1f steps/transaction; %d steps ran twice%s",
                    threshold, delayMicros, exit, recordedTotal, runBatching[0], runBatching[1],
                    ratio(runBatching), finishedAtCrash, inFlight, ranBeforeKill, positions, allBatching[0],
                    allBatching[1], ratio(allBatching), twice,
                    oddLines.isEmpty() ? "" : "; odd child log lines: " + oddLines);
            synchronized (outcomes) {
                outcomes.add("run " + run + " " + prefix + " " + outcome);
            }
            if (!violations.isEmpty()) {
                List<String> listed = violations.size() <= MAX_LISTED_VIOLATIONS ? violations
                        : violations.subList(0, MAX_LISTED_VIOLATIONS);
                fail(violations.size() + " workflow(s) or check(s) violated after SIGKILL at " + threshold
                        + " checkpoints (" + outcome + "):\n  " + String.join("\n  ", listed)
                        + (violations.size() > listed.size() ? "\n  ..." : "") + logs);
            }
        } finally {
            runner.destroy();
            if (recoverer != null) {
                recoverer.destroy();
            }
        }
    }

    // ---- queries --------------------------------------------------------------------------------


    /** @return workflow ID to its recorded positions, ascending */
    private static Map<String, List<Integer>> journals(Connection c, String pattern) throws SQLException {
        Map<String, List<Integer>> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT workflow_id, position FROM durable.steps WHERE workflow_id LIKE ? ORDER BY workflow_id, position")) {
            ps.setString(1, pattern);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getInt(2));
                }
            }
        }
        return out;
    }

    /** @return workflow ID to its journal as {@code position:name:status} */
    private static Map<String, List<String>> journalEntries(Connection c, String pattern) throws SQLException {
        Map<String, List<String>> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT workflow_id, position, name, status FROM durable.steps"
                + " WHERE workflow_id LIKE ? ORDER BY workflow_id, position")) {
            ps.setString(1, pattern);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
                            .add(rs.getInt(2) + ":" + rs.getString(3) + ":" + rs.getString(4));
                }
            }
        }
        return out;
    }

    /** @return workflow ID to step number to the pids of the JVMs that executed it, in execution order */
    private static Map<String, Map<Integer, List<Long>>> effects(Connection c, String pattern) throws SQLException {
        Map<String, Map<Integer, List<Long>>> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT workflow_id, step, pid FROM " + CrashChild.EFFECTS_TABLE
                + " WHERE workflow_id LIKE ? ORDER BY id")) {
            ps.setString(1, pattern);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.computeIfAbsent(rs.getString(1), k -> new TreeMap<>())
                            .computeIfAbsent(rs.getInt(2), k -> new ArrayList<>()).add(rs.getLong(3));
                }
            }
        }
        return out;
    }

    /** @return {step rows, distinct transactions that inserted them} */
    private static long[] batching(Connection c, String pattern) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT count(*), count(DISTINCT xmin::text) FROM durable.steps WHERE workflow_id LIKE ?")) {
            ps.setString(1, pattern);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new long[] {rs.getLong(1), rs.getLong(2)};
            }
        }
    }

    private static Map<String, String> statuses(Connection c, String pattern) throws SQLException {
        return column(c, "status", pattern);
    }

    private static Map<String, String> outputs(Connection c, String pattern) throws SQLException {
        return column(c, "output", pattern);
    }

    private static Map<String, Long> recoveryAttempts(Connection c, String pattern) throws SQLException {
        Map<String, Long> out = new HashMap<>();
        column(c, "recovery_attempts", pattern).forEach((id, value) -> out.put(id, Long.parseLong(value)));
        return out;
    }

    private static Map<String, String> column(Connection c, String column, String pattern) throws SQLException {
        Map<String, String> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT id, " + column + "::text FROM durable.workflows WHERE id LIKE ?")) {
            ps.setString(1, pattern);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        return out;
    }

    // ---- helpers ----------------------------------------------------------------------------------

    /** Parses {@code id=value,id=value,...} as printed by the recovering JVM. */
    private static Map<String, String> parseResults(String line) {
        Map<String, String> out = new HashMap<>();
        for (String pair : line.split(",")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        return out;
    }

    /** WARN/ERROR lines of the children, except the expected one about the executor ID being reused. */
    private static List<String> oddWarnings(ChildJvm... children) {
        List<String> odd = new ArrayList<>();
        for (ChildJvm child : children) {
            for (String line : child.warnings()) {
                if (!line.contains("was heartbeating recently from another process")) {
                    odd.add(child + ": " + line);
                }
            }
        }
        return odd;
    }

    private static double ratio(long[] batching) {
        return batching[1] == 0 ? 0 : (double) batching[0] / batching[1];
    }

    private static List<Integer> range(int from, int to) {
        return IntStream.rangeClosed(from, to).boxed().toList();
    }
}
