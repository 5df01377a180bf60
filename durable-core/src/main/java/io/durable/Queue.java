package io.durable;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A named queue this process dequeues from, with its flow-control limits. Declared on the builder;
 * workflows are put on it with {@link StartOptions#queue(String)}. Immutable: every method returns a
 * new instance. The limits are checked when {@link Durable.Builder#build()} runs.
 *
 * <pre>{@code
 * Durable durable = Durable.builder()
 *         .jdbcUrl(url, user, password)
 *         .queue(Queue.named("emails")
 *                 .concurrency(10)                          // across all instances
 *                 .perInstanceConcurrency(2)                // in this process
 *                 .rateLimit(100, Duration.ofMinutes(1)))   // at most 100 starts per sliding minute
 *         .build();
 * durable.startWorkflow("welcome-42", StartOptions.queue("emails"), () -> mail.welcome(user));
 * }</pre>
 *
 * <p>"Running" means dequeued and not finished (a workflow parked in {@code recv} or {@code sleep}
 * still holds its slot). Concurrency and rate limits apply per partition key
 * ({@link StartOptions#withPartitionKey(String)}); the per-instance limit applies per process across
 * partitions. Every process that declares a queue should declare the same limits: each one enforces
 * the limits it declares when it dequeues.
 */
public final class Queue {
    /** Longest queue name accepted. */
    public static final int MAX_NAME_LENGTH = 128;

    private final String name;
    private final Integer concurrency;
    private final Integer perInstanceConcurrency;
    private final Integer rateLimitStarts;
    private final Duration rateLimitPeriod;

    private Queue(String name, Integer concurrency, Integer perInstanceConcurrency, Integer rateLimitStarts,
                  Duration rateLimitPeriod) {
        this.name = name;
        this.concurrency = concurrency;
        this.perInstanceConcurrency = perInstanceConcurrency;
        this.rateLimitStarts = rateLimitStarts;
        this.rateLimitPeriod = rateLimitPeriod;
    }

    /**
     * A queue without limits (as many workflows run at once as free workflow threads allow).
     *
     * @param name the queue's name, 1 to {@value #MAX_NAME_LENGTH} characters
     * @return the queue
     */
    public static Queue named(String name) {
        return new Queue(name, null, null, null, null);
    }

    /**
     * @param limit most workflows of this queue running at once across all instances (per partition key)
     * @return a copy with that limit
     */
    public Queue concurrency(int limit) {
        return new Queue(name, limit, perInstanceConcurrency, rateLimitStarts, rateLimitPeriod);
    }

    /**
     * @param limit most workflows of this queue running at once in this process (all partitions together)
     * @return a copy with that limit
     */
    public Queue perInstanceConcurrency(int limit) {
        return new Queue(name, concurrency, limit, rateLimitStarts, rateLimitPeriod);
    }

    /**
     * At most {@code starts} dequeues in any window of length {@code period} (database clock), per
     * partition key, across all instances.
     *
     * @param starts at least 1
     * @param period a positive duration
     * @return a copy with that rate limit
     */
    public Queue rateLimit(int starts, Duration period) {
        return new Queue(name, concurrency, perInstanceConcurrency, starts, period);
    }

    /** @return the queue's name */
    public String name() {
        return name;
    }

    /** @return the global concurrency limit, if set */
    public OptionalInt concurrencyLimit() {
        return concurrency == null ? OptionalInt.empty() : OptionalInt.of(concurrency);
    }

    /** @return the per-instance concurrency limit, if set */
    public OptionalInt perInstanceLimit() {
        return perInstanceConcurrency == null ? OptionalInt.empty() : OptionalInt.of(perInstanceConcurrency);
    }

    /** @return the number of starts the rate limit allows per period, if set */
    public OptionalInt rateLimitStarts() {
        return rateLimitStarts == null ? OptionalInt.empty() : OptionalInt.of(rateLimitStarts);
    }

    /** @return the rate limit's period, if set */
    public Optional<Duration> rateLimitPeriod() {
        return Optional.ofNullable(rateLimitPeriod);
    }

    /**
     * @return true when a limit spans all instances (global concurrency or rate): dequeuers of such a
     *         queue take turns on a row lock
     */
    public boolean hasGlobalLimit() {
        return concurrency != null || rateLimitStarts != null;
    }

    /** Checks the settings; called by the builder. */
    void validate() {
        if (name == null || name.isBlank() || name.length() > MAX_NAME_LENGTH) {
            throw new ConfigurationException("a queue name must be 1 to " + MAX_NAME_LENGTH + " characters and not "
                    + "blank, got '" + name + "'; pass it to Queue.named(...)");
        }
        if (concurrency != null && concurrency < 1) {
            throw new ConfigurationException("queue '" + name + "': concurrency must be at least 1, got " + concurrency);
        }
        if (perInstanceConcurrency != null && perInstanceConcurrency < 1) {
            throw new ConfigurationException("queue '" + name + "': perInstanceConcurrency must be at least 1, got "
                    + perInstanceConcurrency);
        }
        if (rateLimitStarts != null) {
            if (rateLimitStarts < 1) {
                throw new ConfigurationException("queue '" + name + "': rateLimit starts must be at least 1, got "
                        + rateLimitStarts);
            }
            if (rateLimitPeriod == null || rateLimitPeriod.isNegative() || rateLimitPeriod.isZero()) {
                throw new ConfigurationException("queue '" + name + "': rateLimit period must be a positive duration, "
                        + "got " + rateLimitPeriod);
            }
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Queue q && Objects.equals(name, q.name) && Objects.equals(concurrency, q.concurrency)
                && Objects.equals(perInstanceConcurrency, q.perInstanceConcurrency)
                && Objects.equals(rateLimitStarts, q.rateLimitStarts) && Objects.equals(rateLimitPeriod, q.rateLimitPeriod);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, concurrency, perInstanceConcurrency, rateLimitStarts, rateLimitPeriod);
    }

    @Override
    public String toString() {
        return "Queue[" + name + (concurrency != null ? ", concurrency=" + concurrency : "")
                + (perInstanceConcurrency != null ? ", perInstanceConcurrency=" + perInstanceConcurrency : "")
                + (rateLimitStarts != null ? ", rateLimit=" + rateLimitStarts + "/" + rateLimitPeriod : "") + "]";
    }
}
