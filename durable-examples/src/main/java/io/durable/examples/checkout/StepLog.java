package io.durable.examples.checkout;

import io.durable.Durable;
import io.durable.StepInfo;

import java.io.PrintStream;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Tells the user when a step runs for real, and remembers which journal entries were produced by
 * this process. A replayed step never reaches its implementation, so whatever is not remembered
 * here came from the journal.
 */
final class StepLog {
    private final Durable durable;
    private final PrintStream out;
    // Idempotency keys are "workflowId:position": exactly the identity of a journal entry.
    private final Set<String> ranHere = ConcurrentHashMap.newKeySet();

    StepLog(Durable durable, PrintStream out) {
        this.durable = durable;
        this.out = out;
    }

    /** Runs the body of a step implementation, noting that it ran here and how it went. */
    <T> T run(String doing, Supplier<T> work, Function<T, String> detail) {
        ranHere.add(durable.idempotencyKey());
        T result;
        try {
            result = work.get();
        } catch (RuntimeException e) {
            out.println("  -> " + doing + " ... ran for real and failed: " + e.getMessage());
            throw e;
        }
        out.println("  -> " + doing + " ... ran for real (" + detail.apply(result) + ")");
        return result;
    }

    boolean ranHere(String workflowId, StepInfo step) {
        return ranHere.contains(workflowId + ":" + step.position());
    }
}
