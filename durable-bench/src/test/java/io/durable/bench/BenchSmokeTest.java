package io.durable.bench;

import io.durable.testing.PostgresServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs every workload in-process with tiny sizes and checks the shape of its result line (the
 * required keys first, in order, with numeric values). It asserts nothing about timings.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class BenchSmokeTest {
    private static final Pattern PAIR = Pattern.compile("([a-z0-9_]+)=(\\S+)");
    private static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d+)?");

    private static Server server;

    @BeforeAll
    static void findServer() {
        String benchUrl = System.getenv(Server.URL_ENV);
        if (benchUrl != null && !benchUrl.isBlank()) {
            server = Server.fromEnvironment();
        } else {
            PostgresServer found = PostgresServer.get();
            server = new Server(found.adminUrl(), found.user(), found.password());
        }
    }

    @Test
    void floor() throws Exception {
        String line = Bench.run(server, "floor", "--workflows", "200", "--warmup", "50");
        assertLine(line, "floor", "insert_p50_ms", "insert_rows_per_s_16");
    }

    @Test
    void seq() throws Exception {
        String line = Bench.run(server, "seq", "--steps", "10", "--workflows", "20", "--warmup", "10", "--analyze");
        assertLine(line, "seq", "p50_ms", "p99_ms", "wf_per_s", "step_overhead_us");
        assertTrue(line.contains(" steps=10 workflows=20 "), line);
        assertTrue(line.endsWith(" analyze=1"), line);
    }

    @Test
    void conc() throws Exception {
        String line = Bench.run(server, "conc", "--steps", "10", "--workflows", "200", "--callers", "8",
                "--warmup", "50", "--settle-ms", "200");
        assertLine(line, "conc", "wf_per_s", "steps_per_s", "commits_per_wf", "p99_ms");
        assertTrue(line.contains(" callers=8 "), line);
    }

    @Test
    void recovery() throws Exception {
        String line = Bench.run(server, "recovery", "--workflows", "50", "--warmup", "20");
        assertLine(line, "recovery", "to_first_resume_ms", "to_all_done_ms", "queries", "workflows");
        assertTrue(line.contains(" workflows=50 "), line);
        // each resumed workflow reads its journal once; its checkpoints may share statements (group commit)
        long queries = Long.parseLong(values(line).get(2)[1]);
        assertTrue(queries >= 50, line);
    }

    @Test
    void recv() throws Exception {
        String line = Bench.run(server, "recv", "--workflows", "20", "--warmup", "10");
        assertLine(line, "recv", "p50_ms", "p99_ms", "insert_p50_ms");
        assertTrue(line.contains(" workflows=20 warmup=10 "), line);
    }

    @Test
    void parked() throws Exception {
        String line = Bench.run(server, "parked", "--workflows", "300", "--warmup", "50", "--callers", "4");
        assertLine(line, "parked", "threads", "heap_mb", "park_s", "wake_all_s", "threads_before", "heap_before_mb");
        assertTrue(line.contains(" workflows=300 callers=4 warmup=50 "), line);
        // at most maxConcurrentWorkflows threads run workflows, however many wait
        long workflowThreads = Long.parseLong(value(line, "workflow_threads"));
        assertTrue(workflowThreads <= Long.parseLong(value(line, "max_concurrent")), line);
    }

    @Test
    void queue() throws Exception {
        String line = Bench.run(server, "queue", "--workflows", "200", "--warmup", "50", "--callers", "4");
        assertLine(line, "queue", "enqueue_to_start_p50_ms", "enqueue_to_start_p99_ms", "drain_per_s");
        assertTrue(line.contains(" workflows=200 callers=4 warmup=50 "), line);
        assertEquals(10_000, Options.parse("queue").workflows);
        assertEquals(Options.QUEUE_CALLERS, Options.parse("queue").callers);
    }

    @Test
    void newWorkloadDefaults() throws Exception {
        Options recv = Options.parse("recv");
        assertEquals(500, recv.workflows);
        assertEquals(250, recv.warmup);
        Options parked = Options.parse("parked");
        assertEquals(100_000, parked.workflows);
        assertEquals(10_000, parked.warmup);
        assertEquals(Options.PARKED_CALLERS, parked.callers);
        assertEquals(64, Options.parse("conc").callers);
    }

    @Test
    void badCommandLinesAreRejectedBeforeAnyDatabaseIsCreated() throws Exception {
        List<String> before = benchDatabases();
        assertThrows(Options.UsageException.class, () -> Bench.run(server, "seq", "--bogus", "1"));
        assertThrows(Options.UsageException.class, () -> Bench.run(server, "sequential"));
        assertThrows(Options.UsageException.class, () -> Bench.run(server, "conc", "--callers"));
        assertThrows(Options.UsageException.class, () -> Bench.run(server, "conc", "--callers", "many"));
        assertThrows(Options.UsageException.class, () -> Bench.run(server));
        assertTrue(benchDatabases().containsAll(before));
    }

    @Test
    void theDatabaseIsDroppedAfterTheRun() throws Exception {
        Options options = Options.parse("seq");
        String name;
        try (BenchDatabase db = BenchDatabase.create(server)) {
            name = db.name();
            assertTrue(name.matches("durable_bench_[0-9a-f]{10}"), name);
            assertTrue(benchDatabases().contains(name));
            assertEquals(1000, options.workflows);
            assertEquals(100, options.warmup);
        }
        assertFalse(benchDatabases().contains(name));
    }

    private static List<String> benchDatabases() throws Exception {
        List<String> names = new ArrayList<>();
        try (Connection c = server.connect(server.adminUrl()); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT datname FROM pg_database WHERE datname LIKE 'durable_bench_%'")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }

    static void assertLine(String line, String workload, String... requiredKeys) {
        assertLine(line, Set.of(), workload, requiredKeys);
    }

    /** As {@link #assertLine(String, String, String...)}, but the values of {@code textKeys} need not be numbers. */
    static void assertLine(String line, Set<String> textKeys, String workload, String... requiredKeys) {
        assertTrue(line.startsWith("durable " + workload + " "), line);
        assertFalse(line.contains("\n"), line);
        List<String[]> pairs = values(line);
        assertEquals(line.split(" ").length - 2, pairs.size(), () -> "every field is key=value: " + line);
        assertTrue(pairs.size() >= requiredKeys.length, line);
        for (int i = 0; i < requiredKeys.length; i++) {
            assertEquals(requiredKeys[i], pairs.get(i)[0], () -> "required keys first, in order: " + line);
        }
        for (String[] pair : pairs) {
            assertTrue(textKeys.contains(pair[0]) || NUMBER.matcher(pair[1]).matches(),
                    () -> pair[0] + " is not a number: " + line);
        }
    }

    static String value(String line, String key) {
        for (String[] pair : values(line)) {
            if (pair[0].equals(key)) {
                return pair[1];
            }
        }
        throw new AssertionError("no " + key + "= in " + line);
    }

    private static List<String[]> values(String line) {
        List<String[]> out = new ArrayList<>();
        Matcher m = PAIR.matcher(line);
        while (m.find()) {
            out.add(new String[] {m.group(1), m.group(2)});
        }
        return out;
    }
}
