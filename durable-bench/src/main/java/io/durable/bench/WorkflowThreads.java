package io.durable.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What durable's workflow threads are doing, read from their stacks (the benchmark's only view into the
 * engine): idle in their pool, or waiting hot in a {@code recv}. The names below are durable-core's
 * internals; if they change, {@code recv} and {@code parked} fail with a timeout that says so.
 */
final class WorkflowThreads {
    /** Prefix of the names of durable's workflow threads. */
    static final String PREFIX = "durable-workflow-";
    /** Where a workflow waiting in its hot window sleeps (durable-core's wake-up registry). */
    static final String HOT_WAIT_CLASS = "io.durable.internal.engine.Waiters";
    static final String HOT_WAIT_METHOD = "await";
    private static final String POOL_CLASS = "java.util.concurrent.ThreadPoolExecutor";
    private static final String POOL_IDLE_METHOD = "getTask";

    private WorkflowThreads() {
    }

    /** @return the live workflow threads */
    static List<Thread> all() {
        List<Thread> out = new ArrayList<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().startsWith(PREFIX)) {
                out.add(thread);
            }
        }
        return out;
    }

    /** @return the live threads of this JVM counted by name, digits dropped ({@code durable-workflow-=64, main=1, ...}) */
    static Map<String, Integer> byName() {
        Map<String, Integer> out = new TreeMap<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            out.merge(thread.getName().replaceAll("\\d+", ""), 1, Integer::sum);
        }
        return out;
    }

    /** @return workflow threads that are not idle in their pool (running a workflow or waiting hot in one) */
    static int busy() {
        int busy = 0;
        for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
            if (e.getKey().getName().startsWith(PREFIX) && !idleInPool(e.getValue())) {
                busy++;
            }
        }
        return busy;
    }

    /** @return whether {@code thread} sleeps in durable's hot wait */
    static boolean inHotWait(Thread thread) {
        return thread.getState() == Thread.State.TIMED_WAITING
                && has(thread.getStackTrace(), HOT_WAIT_CLASS, HOT_WAIT_METHOD);
    }

    /** @return whether {@code thread} waits in its pool for a workflow to run */
    static boolean idleInPool(Thread thread) {
        return idleInPool(thread.getStackTrace());
    }

    private static boolean idleInPool(StackTraceElement[] stack) {
        return has(stack, POOL_CLASS, POOL_IDLE_METHOD);
    }

    private static boolean has(StackTraceElement[] stack, String className, String method) {
        for (StackTraceElement frame : stack) {
            if (frame.getClassName().equals(className) && frame.getMethodName().equals(method)) {
                return true;
            }
        }
        return false;
    }
}
