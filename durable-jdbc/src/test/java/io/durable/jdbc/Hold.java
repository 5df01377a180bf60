package io.durable.jdbc;

import java.util.concurrent.CountDownLatch;

/**
 * Keeps a step in flight in the "first life" of a test executor, so that closing the executor
 * leaves the workflow PENDING with the steps before it recorded.
 */
final class Hold {
    private static volatile CountDownLatch latch = new CountDownLatch(0);

    private Hold() {
    }

    /** Steps calling {@link #here()} block until the executor is closed (which interrupts them). */
    static void block() {
        latch = new CountDownLatch(1);
    }

    static void release() {
        latch.countDown();
    }

    static void here() throws InterruptedException {
        latch.await();
    }
}
