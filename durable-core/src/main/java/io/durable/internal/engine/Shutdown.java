package io.durable.internal.engine;

import io.durable.WorkflowInterruptedException;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** The engine's closing flag, which also wakes retry backoffs so close() is not held up by them. */
final class Shutdown {
    private final CountDownLatch closing = new CountDownLatch(1);

    void begin() {
        closing.countDown();
    }

    boolean isClosing() {
        return closing.getCount() == 0;
    }

    /** Waits for the duration; returns true early (and at once) if the engine is closing. */
    boolean awaitClosing(Duration duration) {
        try {
            return closing.await(duration.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    WorkflowInterruptedException interruption(String workflowId) {
        return new WorkflowInterruptedException(workflowId, "this executor is closing");
    }
}
