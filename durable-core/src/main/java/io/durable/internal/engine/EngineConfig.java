package io.durable.internal.engine;

import java.time.Duration;

/**
 * Settings of the engine, validated by {@code Durable.Builder}.
 *
 * @param executorId             this process's executor ID
 * @param maxConcurrentWorkflows workflow threads
 * @param heartbeatInterval      how often the executor's heartbeat is refreshed
 * @param shutdownTimeout        how long close() waits for running steps
 * @param maxPayloadBytes        largest serialized value
 * @param classLoader            where recorded classes are found
 */
public record EngineConfig(
        String executorId,
        int maxConcurrentWorkflows,
        Duration heartbeatInterval,
        Duration shutdownTimeout,
        long maxPayloadBytes,
        ClassLoader classLoader) {
}
