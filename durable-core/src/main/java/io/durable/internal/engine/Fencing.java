package io.durable.internal.engine;

import io.durable.WorkflowInterruptedException;
import io.durable.internal.store.WorkflowRow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run whose write was refused because its executor no longer holds the workflow: another executor
 * took it over (this one was paused or cut off past its lease) or finished it. The run stops without
 * recording anything more, and says so in exactly one warning naming who holds the workflow now.
 */
final class Fencing {
    private static final Logger log = LoggerFactory.getLogger(Fencing.class);

    private Fencing() {
    }

    /**
     * Logs the one warning and returns the failure for the run's local callers.
     *
     * @param refused what was refused, e.g. "its checkpoint of step 3"
     * @param now     the workflow's row as read after the refusal, or null if it could not be read
     */
    static WorkflowInterruptedException abandon(String workflowId, String executorId, long epoch, String refused,
                                                WorkflowRow now) {
        String holder = now == null ? "another executor (its row could not be read)"
                : "executor '" + now.owner() + "' at epoch " + now.epoch() + " (" + now.status() + ")";
        log.warn("workflow '{}' is now held by {}; executor '{}' lost it at epoch {} and abandons it: {} was refused "
                + "and nothing more is recorded for it here", workflowId, holder, executorId, epoch, refused);
        return new WorkflowInterruptedException(workflowId, "executor '" + executorId + "' no longer owns it (now "
                + holder + "); " + refused + " was refused");
    }

    /** Whether the row shows the workflow held by another executor or epoch than the run's. */
    static boolean lost(WorkflowRow now, String executorId, long epoch) {
        return now == null || now.epoch() != epoch || !executorId.equals(now.owner());
    }
}
