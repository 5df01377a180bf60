package io.durable.jdbc.crash;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * A {@link CrashChild} running in its own JVM, with stdout and stderr captured to files under
 * {@code target/crash-logs} (quoted in every failure message).
 */
final class ChildJvm {
    /** Exit status of a process ended by SIGKILL (128 + 9). */
    static final int SIGKILL_EXIT = 137;
    private static final Path LOG_DIR = Path.of("target", "crash-logs");
    private static final int LOG_TAIL_CHARS = 6_000;

    private final String name;
    private final Process process;
    private final Path out;
    private final Path err;

    private ChildJvm(String name, Process process, Path out, Path err) {
        this.name = name;
        this.process = process;
        this.out = out;
        this.err = err;
    }

    /**
     * Starts {@code CrashChild} with the test's class path in a light JVM.
     *
     * @param name     names the log files
     * @param password database password, passed through the environment (may be null)
     * @param args     the child's arguments
     */
    static ChildJvm start(String name, String password, String... args) throws IOException {
        return startMain(name, password, CrashChild.class, args);
    }

    /** Like {@link #start}, running another main class of the crash tests. */
    static ChildJvm startMain(String name, String password, Class<?> main, String... args) throws IOException {
        Files.createDirectories(LOG_DIR);
        Path out = LOG_DIR.resolve(name + ".out");
        Path err = LOG_DIR.resolve(name + ".err");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-Xss512k", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:-UsePerfData",
                "-cp", System.getProperty("java.class.path"),
                main.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        builder.environment().remove(CrashChild.PASSWORD_ENV);
        if (password != null) {
            builder.environment().put(CrashChild.PASSWORD_ENV, password);
        }
        return new ChildJvm(name, builder.start(), out, err);
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Sends SIGKILL ({@link Process#destroyForcibly()} is {@code kill(pid, SIGKILL)} on Linux) and
     * waits until the process is gone.
     *
     * @return the exit status: {@value #SIGKILL_EXIT} if the signal killed it, else how it had ended before
     */
    int kill(Duration deadline) throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
            fail("child " + name + " (pid " + pid() + ") still alive " + deadline + " after SIGKILL" + logs());
        }
        return process.exitValue();
    }

    /** Waits for the child to exit by itself; kills it and fails if it does not within the deadline. */
    int awaitExit(Duration deadline, String awaited) throws InterruptedException {
        if (!process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            fail("timed out after " + deadline + " waiting for child " + name + " (pid " + pid() + ") to "
                    + awaited + logs());
        }
        return process.exitValue();
    }

    /** Kills the child if it is still running (cleanup after a failed test). */
    void destroy() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** @return the value of the first stdout line {@code <marker> <value>}, if any */
    Optional<String> marker(String marker) {
        for (String line : lines(out)) {
            if (line.startsWith(marker + " ")) {
                return Optional.of(line.substring(marker.length() + 1));
            }
        }
        return Optional.empty();
    }

    /** @return both log files, for failure messages */
    String logs() {
        return "\n--- " + out + " ---\n" + tail(out) + "\n--- " + err + " ---\n" + tail(err) + "\n--- end ---";
    }

    /** @return stderr lines at WARN or ERROR level, or with a stack trace */
    List<String> warnings() {
        List<String> found = new ArrayList<>();
        for (String line : lines(err)) {
            if (line.contains(" WARN ") || line.contains(" ERROR ") || line.contains("Exception")) {
                found.add(line);
            }
        }
        return found;
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return List.of();
        }
    }

    private static String tail(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            return text.length() <= LOG_TAIL_CHARS ? text
                    : "[... " + (text.length() - LOG_TAIL_CHARS) + " chars cut ...]\n"
                    + text.substring(text.length() - LOG_TAIL_CHARS);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + pid() + ")";
    }
}
