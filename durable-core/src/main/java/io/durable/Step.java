package io.durable;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method as a checkpointed step. Called through a proxy from
 * {@link Durable#register(Class, Object)} inside a workflow, its result (or exception) is recorded
 * before the workflow moves on, and on replay the recorded outcome is returned without running the
 * method again. Called outside a workflow, or from inside another step, it is a plain call.
 *
 * <pre>{@code
 * public class PaymentsImpl implements Payments {
 *     @Step(maxAttempts = 5, initialBackoffMillis = 200, backoffMultiplier = 2.0, maxBackoffMillis = 5_000)
 *     public String charge(String orderId, long cents) { ... }
 * }
 * }</pre>
 *
 * <p>A step runs at least once: if the process dies while it runs, it runs again on recovery. Use
 * {@link Durable#idempotencyKey()} to make external calls safe to repeat.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Step {
    /**
     * The name recorded in the journal and compared on replay. Defaults to
     * {@code InterfaceSimpleName.methodName}.
     *
     * @return the step name, or empty for the default
     */
    String name() default "";

    /**
     * How many times the step may run before its last exception is recorded; 1 means no retry.
     *
     * @return the attempt limit, at least 1
     */
    int maxAttempts() default StepOptions.DEFAULT_MAX_ATTEMPTS;

    /**
     * The wait before the second attempt, in milliseconds.
     *
     * @return the first backoff
     */
    long initialBackoffMillis() default 100;

    /**
     * The factor applied to the backoff after each failed attempt.
     *
     * @return the multiplier, at least 1.0
     */
    double backoffMultiplier() default StepOptions.DEFAULT_BACKOFF_MULTIPLIER;

    /**
     * The longest wait between two attempts, in milliseconds.
     *
     * @return the backoff ceiling
     */
    long maxBackoffMillis() default 10_000;
}
