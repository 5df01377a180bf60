package io.durable.jdbc;

import io.durable.ConfigurationException;
import io.durable.DatabaseLockedException;
import io.durable.Durable;
import io.durable.DurableClient;
import io.durable.Queue;
import io.durable.StartOptions;
import io.durable.UnsupportedFeatureException;
import io.durable.Workflow;
import io.durable.WorkflowStatus;
import io.durable.internal.store.ConnectionSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What is particular to the embedded SQLite store: the zero-configuration default file, one executor
 * per file (in this process or another), clients alongside it, and clear errors for what needs
 * PostgreSQL. The contract itself is tested by the whole suite running on SQLite.
 */
class SqliteStoreTest {
    public interface Greeter {
        String greet(String name);
    }

    public static class GreeterImpl implements Greeter {
        @Workflow
        public String greet(String name) {
            return "hello " + name;
        }
    }

    @Test
    void noDatabaseConfiguredMeansDurableDbInTheWorkingDirectory() {
        ConnectionSettings settings = new ConnectionSettings("durable", 4, Duration.ofSeconds(1),
                Duration.ofSeconds(1), 4096);
        String url = settings.validate(2, "test", 1, 1).jdbcUrl();
        if (System.getenv(ConnectionSettings.DATABASE_URL_ENV) == null) {
            assertEquals("jdbc:sqlite:" + Path.of("durable.db").toAbsolutePath(), url);
        }
    }

    @Test
    void runsAWorkflowInAFileAndKeepsItAcrossRestarts(@TempDir Path dir) {
        Path file = dir.resolve("nested").resolve("app.db");
        try (Durable durable = Durable.builder().sqlite(file).build()) {
            Greeter greeter = durable.register(Greeter.class, new GreeterImpl());
            durable.start();
            assertEquals("hello ann", durable.runWorkflow("g-1", () -> greeter.greet("ann")));
        }
        assertTrue(Files.exists(file));
        try (Durable durable = Durable.builder().sqlite(file).build()) {
            durable.register(Greeter.class, new GreeterImpl());
            durable.start();
            assertEquals(WorkflowStatus.SUCCEEDED, durable.retrieve("g-1").status());
        }
    }

    @Test
    void aSecondExecutorInThisProcessIsRefusedAndAClientIsNot(@TempDir Path dir) {
        Path file = dir.resolve("one.db");
        try (Durable first = Durable.builder().sqlite(file).build()) {
            first.register(Greeter.class, new GreeterImpl());
            first.start();
            Durable second = Durable.builder().sqlite(file).executorId("second").build();
            second.register(Greeter.class, new GreeterImpl());
            DatabaseLockedException refused = assertThrows(DatabaseLockedException.class, second::start);
            assertTrue(refused.getMessage().contains("PostgreSQL"), refused.getMessage());
            assertTrue(refused.getMessage().contains(file.toString()), refused.getMessage());
            try (DurableClient client = DurableClient.builder().sqlite(file).build()) {
                client.send("g-2", "topic", "hello");
            }
        }
        // closed: the file is free again
        try (Durable again = Durable.builder().sqlite(file).build()) {
            again.register(Greeter.class, new GreeterImpl());
            again.start();
        }
    }

    @Test
    void aSecondExecutorProcessIsRefusedWithWhatToDo(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("shared.db");
        try (Durable first = Durable.builder().sqlite(file).build()) {
            first.register(Greeter.class, new GreeterImpl());
            first.start();
            String answer = runChild(file);
            assertTrue(answer.startsWith(DatabaseLockedException.class.getName()), answer);
            assertTrue(answer.contains("use PostgreSQL") || answer.contains("on PostgreSQL"), answer);
        }
        assertEquals("STARTED", runChild(file));
    }

    @Test
    void queuesSayTheyNeedPostgresql(@TempDir Path dir) {
        Path file = dir.resolve("queues.db");
        Durable withQueue = Durable.builder().sqlite(file).queue(Queue.named("emails")).build();
        withQueue.register(Greeter.class, new GreeterImpl());
        UnsupportedFeatureException declared = assertThrows(UnsupportedFeatureException.class, withQueue::start);
        assertTrue(declared.getMessage().contains("PostgreSQL"), declared.getMessage());

        try (Durable durable = Durable.builder().sqlite(file).build()) {
            Greeter greeter = durable.register(Greeter.class, new GreeterImpl());
            durable.start();
            UnsupportedFeatureException enqueued = assertThrows(UnsupportedFeatureException.class,
                    () -> durable.startWorkflow("q-1", StartOptions.queue("emails"), () -> greeter.greet("x")));
            assertTrue(enqueued.getMessage().contains("queues need PostgreSQL"), enqueued.getMessage());
        }
    }

    @Test
    void inMemoryDatabasesAndSqliteDataSourcesAreRefusedWithTheFix(@TempDir Path dir) {
        ConfigurationException memory = assertThrows(ConfigurationException.class,
                () -> Durable.builder().jdbcUrl("jdbc:sqlite::memory:", null, null).build().start());
        assertTrue(memory.getMessage().contains("in-memory"), memory.getMessage());

        SQLiteDataSource ds = new SQLiteDataSource();
        ds.setUrl("jdbc:sqlite:" + dir.resolve("ds.db"));
        Durable viaDataSource = Durable.builder().dataSource(ds).build();
        ConfigurationException dataSource = assertThrows(ConfigurationException.class, viaDataSource::start);
        assertTrue(dataSource.getMessage().contains("sqlite(Path"), dataSource.getMessage());
    }

    private static String runChild(Path file) throws Exception {
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                SqliteLockChild.class.getName(), file.toString()).redirectErrorStream(false).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            String first = out.readLine();
            child.getOutputStream().close();
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "child did not exit");
            return String.valueOf(first);
        } finally {
            child.destroyForcibly();
        }
    }
}
