package io.durable.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static io.durable.bench.BenchSmokeTest.assertLine;
import static io.durable.bench.BenchSmokeTest.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code seq} and {@code conc} with {@code --store sqlite}, in-process with tiny sizes, checked as
 * {@link BenchSmokeTest} checks its lines; and the command lines SQLite refuses. Needs no PostgreSQL
 * (the server argument of {@link Bench#run} is not used).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class BenchSqliteSmokeTest {
    @Test
    void seq() throws Exception {
        String line = Bench.run(null, "seq", "--store", "sqlite", "--steps", "10", "--workflows", "20",
                "--warmup", "10");
        assertLine(line, Set.of("store"), "seq", "p50_ms", "p99_ms", "wf_per_s", "step_overhead_us");
        assertTrue(line.contains(" steps=10 workflows=20 "), line);
        assertTrue(Double.parseDouble(value(line, "insert_p50_ms")) > 0, line);
        assertTrue(line.endsWith(" analyze=0 store=sqlite"), line);
    }

    @Test
    void conc() throws Exception {
        String line = Bench.run(null, "conc", "--store", "sqlite", "--steps", "10", "--workflows", "200",
                "--callers", "8", "--warmup", "50");
        assertLine(line, Set.of("commits_per_wf", "store"), "conc", "wf_per_s", "steps_per_s", "commits_per_wf",
                "p99_ms");
        assertEquals("n/a", value(line, "commits_per_wf"));
        assertTrue(Long.parseLong(value(line, "insert_rows_per_s_1")) > 0, line);
        assertFalse(line.contains("db_cpu_us_per_wf="), line);
        assertTrue(line.contains(" callers=8 "), line);
        assertTrue(line.endsWith(" store=sqlite"), line);
    }

    @Test
    void onlySeqAndConcRunOnSqlite() throws Exception {
        for (String workload : List.of("floor", "recovery", "recv", "parked", "queue")) {
            Options.UsageException e = assertThrows(Options.UsageException.class,
                    () -> Bench.run(null, workload, "--store", "sqlite"));
            assertTrue(e.getMessage().contains("only seq and conc support SQLite"), e.getMessage());
        }
        assertThrows(Options.UsageException.class, () -> Bench.run(null, "seq", "--store", "sqlite", "--analyze"));
        assertThrows(Options.UsageException.class, () -> Bench.run(null, "seq", "--store", "mysql"));
        assertThrows(Options.UsageException.class, () -> Bench.run(null, "conc", "--store"));
        assertEquals(Options.Store.POSTGRESQL, Options.parse("seq").store);
        assertEquals(Options.Store.SQLITE, Options.parse("conc", "--store", "sqlite").store);
    }

    @Test
    void theDirectoryIsDeletedAfterTheRun() throws Exception {
        Path directory;
        try (BenchDatabase db = BenchDatabase.createSqlite()) {
            String prefix = "jdbc:sqlite:";
            assertTrue(db.url().startsWith(prefix) && db.url().endsWith("/" + BenchDatabase.SQLITE_FILE), db.url());
            directory = Path.of(db.url().substring(prefix.length())).getParent();
            Floor.createTable(db);
            assertTrue(Files.exists(directory.resolve(BenchDatabase.SQLITE_FLOOR_FILE)));
        }
        assertFalse(Files.exists(directory), directory.toString());
    }
}
