package io.durable;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method as a durable workflow. Called through the proxy returned by
 * {@link Durable#register(Class, Object)}, the method runs durably: its inputs are recorded when it
 * starts, every {@link Step} it calls is checkpointed, and after a crash it is replayed from the
 * top, skipping recorded steps.
 *
 * <pre>{@code
 * public class CheckoutImpl implements Checkout {
 *     @Workflow
 *     public String checkout(Order order) { ... }
 * }
 * }</pre>
 *
 * <p>The annotation may sit on the implementation method or on the interface method. The body
 * must be deterministic: use steps for I/O, {@link Durable#now()} and {@link Durable#randomUUID()}
 * for time and randomness.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Workflow {
    /**
     * The name recorded with each execution and used to find the implementation at recovery.
     * Defaults to {@code InterfaceSimpleName.methodName}. Keep it stable across deployments.
     *
     * @return the workflow name, or empty for the default
     */
    String name() default "";
}
