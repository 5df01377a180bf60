package io.durable.internal.engine;

import io.durable.StepOptions;

/** What a proxied interface method is: a workflow, a step, or a plain call. */
sealed interface MethodRole {
    /** @param workflow the registered workflow */
    record WorkflowMethod(RegisteredWorkflow workflow) implements MethodRole {
    }

    /**
     * @param name    the step name
     * @param options its retry settings
     */
    record StepMethod(String name, StepOptions options) implements MethodRole {
    }

    /** Not annotated: passed straight to the implementation. */
    record Plain() implements MethodRole {
    }
}
