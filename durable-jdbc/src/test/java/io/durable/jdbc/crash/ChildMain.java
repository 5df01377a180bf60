package io.durable.jdbc.crash;

/**
 * The protocol every crash-test child JVM speaks on stdout, read by {@link ChildJvm}: {@code READY
 * <pid>} once its Durable has started, then {@code RESULT <value>} (exit 0) or {@code ERROR <failure>}
 * (exit 1), unless the test kills it first.
 *
 * <pre>{@code
 * ChildMain.run(() -> {
 *     try (Durable durable = ...) {
 *         durable.start();
 *         ChildMain.ready();
 *         return durable.runWorkflow(id, () -> flow.run(id));
 *     }
 * });
 * }</pre>
 */
final class ChildMain {
    /** The child's work: starts Durable, calls {@link #ready()}, returns the result to print. */
    @FunctionalInterface
    interface Body {
        Object run() throws Exception;
    }

    private ChildMain() {
    }

    /** Tells the test that the child is up and running workflows. */
    static void ready() {
        System.out.println("READY " + ProcessHandle.current().pid());
        System.out.flush();
    }

    /** Runs the body, prints its result or failure, and exits the JVM accordingly. */
    static void run(Body body) {
        int exit;
        try {
            Object result = body.run();
            System.out.println("RESULT " + result);
            System.out.flush();
            exit = 0;
        } catch (Throwable t) {
            System.out.println("ERROR " + t);
            t.printStackTrace();
            System.out.flush();
            exit = 1;
        }
        System.exit(exit);
    }
}
