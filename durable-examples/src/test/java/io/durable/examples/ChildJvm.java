package io.durable.examples;

import io.durable.testing.TestDatabase;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs an example's {@code main} in a separate JVM on this test's classpath, pointed at a test
 * database through the environment variables a newcomer would set.
 */
public final class ChildJvm {
    private ChildJvm() {
    }

    /**
     * What a finished child left behind.
     *
     * @param exitCode its exit code (137 when killed by SIGKILL)
     * @param stdout   what it printed
     * @param stderr   what it logged
     */
    public record Result(int exitCode, String stdout, String stderr) {
        /** @return everything, for failure messages */
        public String describe() {
            return "exit code " + exitCode + "\n--- stdout ---\n" + stdout + "--- stderr ---\n" + stderr;
        }
    }

    /**
     * Starts {@code mainClass} with {@code args} and waits for it to end.
     *
     * @param mainClass the program
     * @param db        the database, passed as DURABLE_DATABASE_URL/USER/PASSWORD
     * @param workDir   where its output files go
     * @param timeout   how long it may take before the test fails
     * @param args      program arguments
     * @return exit code and output
     * @throws IOException if the JVM cannot be started or its output read
     * @throws InterruptedException if the test is interrupted
     */
    public static Result run(Class<?> mainClass, TestDatabase db, Path workDir, Duration timeout, String... args)
            throws IOException, InterruptedException {
        Map<String, String> database = new HashMap<>();
        database.put("DURABLE_DATABASE_URL", db.url());
        database.put("DURABLE_DATABASE_USER", db.user());
        if (db.password() != null) {
            database.put("DURABLE_DATABASE_PASSWORD", db.password());
        }
        return run(mainClass, database, workDir, timeout, args);
    }

    /**
     * Starts {@code mainClass} as a newcomer on a fresh machine would: no {@code DURABLE_*} variable set
     * and {@code workDir} as its working directory, so it falls back to its SQLite file there.
     *
     * @param mainClass the program
     * @param workDir   its working directory, where its output files go too
     * @param timeout   how long it may take before the test fails
     * @param args      program arguments
     * @return exit code and output
     * @throws IOException if the JVM cannot be started or its output read
     * @throws InterruptedException if the test is interrupted
     */
    public static Result runWithNothingConfigured(Class<?> mainClass, Path workDir, Duration timeout, String... args)
            throws IOException, InterruptedException {
        return run(mainClass, Map.of(), workDir, timeout, args);
    }

    private static Result run(Class<?> mainClass, Map<String, String> database, Path workDir, Duration timeout,
                              String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass.getName());
        command.addAll(List.of(args));
        String name = mainClass.getSimpleName() + "-" + String.join("-", args) + "-" + System.nanoTime();
        Path stdout = workDir.resolve(name + ".out");
        Path stderr = workDir.resolve(name + ".err");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(key -> key.startsWith("DURABLE_"));
        env.putAll(database);
        builder.directory(workDir.toFile());
        Process process = builder.start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            fail(String.join(" ", args) + " run of " + mainClass.getSimpleName() + " did not end within " + timeout
                    + "\n--- stdout ---\n" + read(stdout) + "--- stderr ---\n" + read(stderr));
        }
        return new Result(process.exitValue(), read(stdout), read(stderr));
    }

    private static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    }
}
