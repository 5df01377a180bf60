package io.durable.internal.engine;

/** The body of a step, whatever its declared exceptions. */
@FunctionalInterface
public interface StepBody {
    /**
     * @return the step's value
     * @throws Throwable the step's failure
     */
    Object run() throws Throwable;
}
