package io.durable;

import java.time.Duration;
import java.util.Objects;

/**
 * Retry settings of a step: the attempt limit and an exponential backoff between attempts.
 * Immutable; validated when built.
 *
 * <pre>{@code
 * StepOptions retry = StepOptions.builder()
 *         .maxAttempts(5)
 *         .initialBackoff(Duration.ofMillis(200))
 *         .backoffMultiplier(2.0)
 *         .maxBackoff(Duration.ofSeconds(5))
 *         .build();
 * String receipt = durable.step("charge", retry, () -> payments.charge(order));
 * }</pre>
 */
public final class StepOptions {
    /** One attempt: a failing step records its exception at once. */
    public static final int DEFAULT_MAX_ATTEMPTS = 1;
    /** Wait before the second attempt. */
    public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(100);
    /** Growth of the wait after each failed attempt. */
    public static final double DEFAULT_BACKOFF_MULTIPLIER = 2.0;
    /** Ceiling of the wait between attempts. */
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(10);

    private static final StepOptions DEFAULTS = builder().build();

    private final int maxAttempts;
    private final Duration initialBackoff;
    private final double backoffMultiplier;
    private final Duration maxBackoff;

    private StepOptions(Builder b) {
        this.maxAttempts = b.maxAttempts;
        this.initialBackoff = b.initialBackoff;
        this.backoffMultiplier = b.backoffMultiplier;
        this.maxBackoff = b.maxBackoff;
    }

    /**
     * The options every step has unless told otherwise: one attempt, no retry.
     *
     * @return the default options
     */
    public static StepOptions defaults() {
        return DEFAULTS;
    }

    /**
     * Starts a builder holding the defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** @return how many times the step may run */
    public int maxAttempts() {
        return maxAttempts;
    }

    /** @return the wait before the second attempt */
    public Duration initialBackoff() {
        return initialBackoff;
    }

    /** @return the growth factor of the wait */
    public double backoffMultiplier() {
        return backoffMultiplier;
    }

    /** @return the ceiling of the wait */
    public Duration maxBackoff() {
        return maxBackoff;
    }

    /**
     * The wait after the given failed attempt (1-based), capped at {@link #maxBackoff()}.
     *
     * @param failedAttempt the attempt that just failed
     * @return how long to wait before the next one
     */
    public Duration backoffAfter(int failedAttempt) {
        double millis = initialBackoff.toMillis() * Math.pow(backoffMultiplier, failedAttempt - 1);
        long capped = (long) Math.min(millis, maxBackoff.toMillis());
        return Duration.ofMillis(Math.max(0, capped));
    }

    @Override
    public String toString() {
        return "StepOptions[maxAttempts=" + maxAttempts + ", initialBackoff=" + initialBackoff
                + ", backoffMultiplier=" + backoffMultiplier + ", maxBackoff=" + maxBackoff + "]";
    }

    /** Builds {@link StepOptions}; {@link #build()} rejects impossible values with a message. */
    public static final class Builder {
        private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
        private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;
        private double backoffMultiplier = DEFAULT_BACKOFF_MULTIPLIER;
        private Duration maxBackoff = DEFAULT_MAX_BACKOFF;

        private Builder() {
        }

        /**
         * @param maxAttempts how many times the step may run, at least 1
         * @return this builder
         */
        public Builder maxAttempts(int maxAttempts) {
            this.maxAttempts = maxAttempts;
            return this;
        }

        /**
         * @param initialBackoff the wait before the second attempt, not negative
         * @return this builder
         */
        public Builder initialBackoff(Duration initialBackoff) {
            this.initialBackoff = Objects.requireNonNull(initialBackoff, "initialBackoff");
            return this;
        }

        /**
         * @param backoffMultiplier growth of the wait after each failure, at least 1.0
         * @return this builder
         */
        public Builder backoffMultiplier(double backoffMultiplier) {
            this.backoffMultiplier = backoffMultiplier;
            return this;
        }

        /**
         * @param maxBackoff the ceiling of the wait, not below the initial backoff
         * @return this builder
         */
        public Builder maxBackoff(Duration maxBackoff) {
            this.maxBackoff = Objects.requireNonNull(maxBackoff, "maxBackoff");
            return this;
        }

        /**
         * Validates and freezes the options.
         *
         * @return the options
         * @throws ConfigurationException if a value is out of range
         */
        public StepOptions build() {
            if (maxAttempts < 1) {
                throw new ConfigurationException("step maxAttempts must be at least 1, got " + maxAttempts);
            }
            if (initialBackoff.isNegative()) {
                throw new ConfigurationException("step initialBackoff must not be negative, got " + initialBackoff);
            }
            if (!(backoffMultiplier >= 1.0) || Double.isInfinite(backoffMultiplier)) {
                throw new ConfigurationException("step backoffMultiplier must be a finite number >= 1.0, got "
                        + backoffMultiplier);
            }
            if (maxBackoff.compareTo(initialBackoff) < 0) {
                throw new ConfigurationException("step maxBackoff (" + maxBackoff
                        + ") must not be below initialBackoff (" + initialBackoff + ")");
            }
            return new StepOptions(this);
        }
    }
}
