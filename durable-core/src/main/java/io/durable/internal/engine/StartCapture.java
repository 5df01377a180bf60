package io.durable.internal.engine;

import io.durable.DurableException;

/**
 * Captures which workflow method, with which arguments, a start lambda calls. While a capture is
 * active on a thread, proxies record the call instead of running it.
 */
public final class StartCapture {
    private static final ThreadLocal<StartCapture> ACTIVE = new ThreadLocal<>();

    private final Engine engine;
    private RegisteredWorkflow workflow;
    private Object[] arguments;
    private int calls;

    private StartCapture(Engine engine) {
        this.engine = engine;
    }

    static StartCapture active() {
        return ACTIVE.get();
    }

    /** Evaluates the lambda with capture on and returns what it called. */
    static StartCapture of(Engine engine, ThrowingCall call) {
        StartCapture capture = new StartCapture(engine);
        StartCapture outer = ACTIVE.get();
        ACTIVE.set(capture);
        try {
            call.call();
        } catch (DurableException e) {
            throw e;
        } catch (Throwable t) {
            throw new DurableException("the lambda given to runWorkflow/startWorkflow threw " + t
                    + " before a workflow started; it must only call one @Workflow method through a proxy", t);
        } finally {
            if (outer == null) {
                ACTIVE.remove();
            } else {
                ACTIVE.set(outer);
            }
        }
        if (capture.calls != 1) {
            throw new DurableException("the lambda given to runWorkflow/startWorkflow must call exactly one @Workflow "
                    + "method through a proxy returned by durable.register(...); it called " + capture.calls);
        }
        return capture;
    }

    void record(Engine proxyEngine, RegisteredWorkflow called, Object[] args) {
        if (proxyEngine != engine) {
            throw new DurableException("workflow '" + called.name() + "' belongs to another Durable instance than the "
                    + "one asked to start it");
        }
        calls++;
        workflow = called;
        arguments = args == null ? new Object[0] : args.clone();
    }

    RegisteredWorkflow workflow() {
        return workflow;
    }

    Object[] arguments() {
        return arguments;
    }

    /** A lambda of any of the public start shapes. */
    @FunctionalInterface
    public interface ThrowingCall {
        /** @throws Throwable whatever the lambda throws */
        void call() throws Throwable;
    }
}
