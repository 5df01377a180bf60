package io.durable.internal.store;

/**
 * One process's registration as an executor.
 *
 * @param executorId  the stable executor ID (shared across restarts)
 * @param incarnation a fresh ID for this process
 * @param host        the host name
 * @param pid         the operating-system process ID
 * @param freshness   how recent another incarnation's heartbeat must be to count as possibly alive
 */
public record ExecutorRegistration(String executorId, String incarnation, String host, long pid,
                                   java.time.Duration freshness) {
}
