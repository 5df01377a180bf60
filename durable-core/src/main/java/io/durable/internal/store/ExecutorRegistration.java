package io.durable.internal.store;

import java.time.Duration;

/**
 * One process's registration as an executor.
 *
 * @param executorId  the stable executor ID (shared across restarts)
 * @param incarnation a fresh ID for this process
 * @param host        the host name
 * @param pid         the operating-system process ID
 * @param application the application it belongs to: only executors of one application take over each other's work
 * @param lease       how long after each heartbeat (on the database clock) this executor counts as alive
 */
public record ExecutorRegistration(String executorId, String incarnation, String host, long pid, String application,
                                   Duration lease) {
}
