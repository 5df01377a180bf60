package io.durable.internal.engine;

import java.time.Duration;

/**
 * Settings of the engine, validated by {@code Durable.Builder}.
 *
 * @param executorId             this process's executor ID
 * @param application            the application this executor belongs to (takeover stays within one)
 * @param maxConcurrentWorkflows workflow threads
 * @param heartbeatInterval      how often the executor's heartbeat is refreshed
 * @param leaseDuration          how long after its last heartbeat the executor counts as alive
 * @param shutdownTimeout        how long close() waits for running steps
 * @param maxPayloadBytes        largest serialized value
 * @param classLoader            where recorded classes are found
 * @param hotWaitWindow          how long a waiting workflow keeps its thread before it parks
 * @param pollInterval           how often the database is asked which waits are over
 * @param maxRecoveryAttempts    recoveries of one workflow before it goes to DEAD_LETTER
 * @param queues                 the queues this process dequeues from
 */
public record EngineConfig(
        String executorId,
        String application,
        int maxConcurrentWorkflows,
        Duration heartbeatInterval,
        Duration leaseDuration,
        Duration shutdownTimeout,
        long maxPayloadBytes,
        ClassLoader classLoader,
        Duration hotWaitWindow,
        Duration pollInterval,
        int maxRecoveryAttempts,
        java.util.List<io.durable.Queue> queues,
        javax.sql.DataSource transactionDataSource) {
}
