package io.durable.jdbc;

import io.durable.Durable;

import java.nio.file.Path;

/**
 * Run by {@link SqliteStoreTest} in a JVM of its own: starts a Durable on the SQLite file given as
 * the argument. Prints {@code STARTED} (and keeps running until stdin closes) or the class and
 * message of the exception that refused it.
 */
public final class SqliteLockChild {
    private SqliteLockChild() {
    }

    public static void main(String[] args) throws Exception {
        try (Durable durable = Durable.builder().sqlite(Path.of(args[0])).executorId("child").build()) {
            durable.start();
            System.out.println("STARTED");
            System.out.flush();
            while (System.in.read() >= 0) {
                // hold the file until the parent closes our stdin
            }
        } catch (RuntimeException e) {
            System.out.println(e.getClass().getName() + ": " + e.getMessage());
        }
    }
}
