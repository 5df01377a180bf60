package io.durable.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Crash and recovery across real processes: a first JVM ({@link RecoveryChild} {@code crash}) leaves
 * {@code --workflows} workflows PENDING half-way and is killed with SIGKILL; a second JVM with the same
 * executor ID ({@code recover}) resumes and finishes them, timing itself and counting its statements.
 */
final class Recovery {
    static final String EXECUTOR_ID = "bench-recovery";
    /** Exit status of a process ended by SIGKILL (128 + 9). */
    static final int SIGKILL_EXIT = 137;
    /** Environment variable with extra JVM options for both child JVMs (e.g. a profiler), split on spaces. */
    static final String CHILD_JVM_OPTS_ENV = "DURABLE_BENCH_CHILD_JVM_OPTS";
    private static final long CHILD_DEADLINE_MILLIS = TimeUnit.MINUTES.toMillis(30);

    String run(BenchDatabase db, Options options) throws Exception {
        int n = options.workflows;
        int recorded = options.crashStep() - 1;
        Child crash = Child.start(db, options, "crash");
        try {
            crash.awaitLine("READY");
            crash.process.destroyForcibly();
            if (!crash.process.waitFor(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the crashing JVM is still alive 60 s after SIGKILL");
            }
            int exit = crash.process.exitValue();
            if (exit != SIGKILL_EXIT) {
                throw new IllegalStateException("the crashing JVM exited with " + exit + ", not " + SIGKILL_EXIT
                        + " (SIGKILL)");
            }
        } finally {
            crash.destroy();
        }
        try (Connection c = db.connect()) {
            expect(c, "SELECT count(*) FROM durable.workflows WHERE status = 'PENDING'", n);
            expect(c, "SELECT count(*) FROM durable.steps", (long) recorded * n);
        }
        if (options.analyze) {
            db.analyzeDurableTables();
        }

        Map<String, String> measured;
        Child recover = Child.start(db, options, "recover");
        try {
            measured = keyValues(recover.awaitLine("RESULT"));
            if (!recover.process.waitFor(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the recovering JVM did not exit within 60 s of its result");
            }
            if (recover.process.exitValue() != 0) {
                throw new IllegalStateException("the recovering JVM exited with " + recover.process.exitValue());
            }
        } finally {
            recover.destroy();
        }
        try (Connection c = db.connect()) {
            expect(c, "SELECT count(*) FROM durable.workflows WHERE status = 'SUCCEEDED'", n);
            expect(c, "SELECT count(*) FROM durable.steps", (long) options.steps * n);
        }
        long queries = Long.parseLong(measured.get("queries"));
        return new ResultLine("recovery")
                .add("to_first_resume_ms", measured.get("to_first_resume_ms"))
                .add("to_all_done_ms", measured.get("to_all_done_ms"))
                .add("queries", queries)
                .add("workflows", n)
                .add("queries_per_wf", (double) queries / n, 2)
                .add("steps", options.steps)
                .add("recorded_before_crash", recorded)
                .add("warmup", options.warmup)
                .add("pool", options.pool)
                .add("analyze", options.analyze ? 1 : 0)
                .toString();
    }

    private static void expect(Connection c, String sql, long expected) throws Exception {
        long count = RecoveryChild.count(c, sql);
        if (count != expected) {
            throw new IllegalStateException("expected " + expected + " from " + sql + ", found " + count);
        }
    }

    static Map<String, String> keyValues(String line) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String token : line.trim().split("\\s+")) {
            int eq = token.indexOf('=');
            if (eq > 0) {
                out.put(token.substring(0, eq), token.substring(eq + 1));
            }
        }
        for (String key : List.of("to_first_resume_ms", "to_all_done_ms", "queries")) {
            if (!out.containsKey(key)) {
                throw new IllegalStateException("the recovering JVM's result lacks " + key + ": " + line);
            }
        }
        return out;
    }

    /**
     * A {@link RecoveryChild} JVM: stdout is read line by line, stderr is copied to ours (through
     * {@code System.err}, so that a test runner captures it), stdin stays open until it is destroyed.
     */
    static final class Child {
        private static final String EOF = "\u0000EOF";
        final Process process;
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

        private Child(Process process) {
            this.process = process;
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = in.readLine()) != null) {
                        lines.add(line);
                    }
                } catch (IOException ignored) {
                    // the process is gone
                } finally {
                    lines.add(EOF);
                }
            }, "recovery-child-stdout");
            reader.setDaemon(true);
            reader.start();
            Thread errors = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(
                        new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = in.readLine()) != null) {
                        System.err.println(line);
                    }
                } catch (IOException ignored) {
                    // the process is gone
                }
            }, "recovery-child-stderr");
            errors.setDaemon(true);
            errors.start();
        }

        static Child start(BenchDatabase db, Options options, String mode) throws IOException {
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            String extra = System.getenv(CHILD_JVM_OPTS_ENV);
            if (extra != null && !extra.isBlank()) {
                command.addAll(List.of(extra.trim().replace("{mode}", mode).split("\\s+")));
            }
            command.addAll(List.of(
                    "-cp", classPath(),
                    RecoveryChild.class.getName(), mode,
                    db.url(), db.server().user(), EXECUTOR_ID,
                    String.valueOf(options.workflows), String.valueOf(options.warmup),
                    String.valueOf(options.steps), String.valueOf(options.pool)));
            ProcessBuilder builder = new ProcessBuilder(command);
            builder.environment().remove(RecoveryChild.PASSWORD_ENV);
            if (db.server().password() != null) {
                builder.environment().put(RecoveryChild.PASSWORD_ENV, db.server().password());
            }
            return new Child(builder.start());
        }

        /** @return the first stdout line starting with {@code marker} */
        String awaitLine(String marker) throws InterruptedException {
            long deadline = System.currentTimeMillis() + CHILD_DEADLINE_MILLIS;
            while (true) {
                String line = lines.poll(Math.max(1, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
                if (line == null) {
                    throw new IllegalStateException("no " + marker + " from the " + this + " within "
                            + CHILD_DEADLINE_MILLIS / 1000 + " s");
                }
                if (line.equals(EOF)) {
                    process.waitFor(10, TimeUnit.SECONDS);
                    throw new IllegalStateException(this + " ended before printing " + marker
                            + (process.isAlive() ? "" : " (exit " + process.exitValue() + ")"));
                }
                if (line.startsWith("ERROR")) {
                    throw new IllegalStateException(this + " failed: " + line);
                }
                if (line.startsWith(marker)) {
                    return line;
                }
            }
        }

        void destroy() throws InterruptedException {
            if (process.isAlive()) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
            try {
                process.getOutputStream().close();
            } catch (IOException ignored) {
                // already closed
            }
        }

        @Override
        public String toString() {
            return "child JVM (pid " + process.pid() + ")";
        }
    }

    /** The bench jar when running from it, else the class path of this JVM (tests, IDEs). */
    static String classPath() {
        try {
            Path location = Path.of(Recovery.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isRegularFile(location) && location.toString().endsWith(".jar")) {
                return location.toAbsolutePath().toString();
            }
        } catch (URISyntaxException | RuntimeException e) {
            // fall back to the class path
        }
        return System.getProperty("java.class.path");
    }
}
