package io.durable.examples;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Waits for a condition outside durable (an approver's inbox row, a workflow's status) with a
 * deadline, checking it every few milliseconds instead of sleeping a guessed time.
 *
 * <pre>{@code
 * Waiting.until("the manager to be asked", Duration.ofSeconds(10), () -> db.wasAsked(requestId, "manager"));
 * }</pre>
 */
public final class Waiting {
    private static final long CHECK_EVERY_NANOS = Duration.ofMillis(10).toNanos();

    private Waiting() {
    }

    /**
     * Returns once {@code condition} holds.
     *
     * @param what      what is awaited, for the error message
     * @param timeout   how long to wait at most
     * @param condition checked until it is true
     * @throws IllegalStateException if it is still false after {@code timeout}
     */
    public static void until(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("gave up after " + timeout + " waiting for " + what);
            }
            LockSupport.parkNanos(CHECK_EVERY_NANOS);
            if (Thread.currentThread().isInterrupted()) {
                throw new IllegalStateException("interrupted while waiting for " + what);
            }
        }
    }
}
