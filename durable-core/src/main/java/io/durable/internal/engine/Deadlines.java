package io.durable.internal.engine;

import io.durable.StartOptions;

import java.time.Instant;

/**
 * The one place that decides a new workflow's deadline. A workflow's own timeout or deadline wins;
 * without one it inherits its parent's deadline (null for a top-level workflow). The result is
 * stored on the workflow's row at its first start and never recomputed, so restarts and recoveries
 * keep it.
 *
 * <p>A child workflow start passes {@code parent.deadlineAt()} of the parent's {@link WorkflowContext}:
 * <pre>{@code
 * Instant deadline = Deadlines.forNewWorkflow(options, parentCtx.deadlineAt(), Instant.now());
 * }</pre>
 */
final class Deadlines {
    private Deadlines() {
    }

    /**
     * @param own            the options the workflow is started with (never null)
     * @param parentDeadline the parent's deadline, null for a top-level workflow or a parent without one
     * @param now            the start instant
     * @return the deadline to store, or null for none
     */
    static Instant forNewWorkflow(StartOptions own, Instant parentDeadline, Instant now) {
        Instant mine = own.deadlineFrom(now);
        return mine != null ? mine : parentDeadline;
    }
}
