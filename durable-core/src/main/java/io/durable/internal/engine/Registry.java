package io.durable.internal.engine;

import io.durable.ConfigurationException;
import io.durable.DurableException;
import io.durable.StartOptions;
import io.durable.Step;
import io.durable.StepOptions;
import io.durable.Workflow;
import io.durable.WorkflowFailedException;
import io.durable.WorkflowHandle;
import io.durable.internal.util.Sneaky;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/** Registered implementations: builds their proxies and finds workflows by name. */
public final class Registry {
    private final Engine engine;
    private final Map<String, RegisteredWorkflow> workflows = new ConcurrentHashMap<>();

    Registry(Engine engine) {
        this.engine = engine;
    }

    /**
     * Wraps an implementation in a proxy whose workflow and step methods run durably.
     *
     * @param iface  the interface the proxy implements
     * @param target the implementation
     * @return the proxy
     */
    public <T> T register(Class<T> iface, T target) {
        if (iface == null || !iface.isInterface()) {
            throw new ConfigurationException("register() needs an interface, got " + iface
                    + "; let the implementation class implement an interface and register it under that");
        }
        if (target == null || !iface.isInstance(target)) {
            throw new ConfigurationException("the object registered for " + iface.getName() + " must implement it");
        }
        Map<Method, MethodRole> roles = new HashMap<>();
        Map<String, RegisteredWorkflow> added = new HashMap<>();
        for (Method method : iface.getMethods()) {
            if (method.isDefault() || java.lang.reflect.Modifier.isStatic(method.getModifiers())) {
                if (annotation(target, method, Workflow.class) != null || annotation(target, method, Step.class) != null) {
                    throw new ConfigurationException(describe(iface, method) + " is a default or static interface "
                            + "method; @Workflow and @Step go on methods the implementation class implements");
                }
                continue;
            }
            MethodRole role = roleOf(iface, target, method);
            roles.put(method, role);
            if (role instanceof MethodRole.WorkflowMethod wm) {
                RegisteredWorkflow previous = added.put(wm.workflow().name(), wm.workflow());
                if (previous != null || workflows.containsKey(wm.workflow().name())) {
                    throw new ConfigurationException("workflow name '" + wm.workflow().name() + "' is used twice ("
                            + describe(iface, method) + "); give one of them @Workflow(name = \"...\")");
                }
            }
        }
        workflows.putAll(added);
        Object proxy = Proxy.newProxyInstance(iface.getClassLoader(), new Class<?>[] {iface},
                new DurableInvocationHandler(engine, iface, target, Map.copyOf(roles)));
        if (!added.isEmpty()) {
            engine.recover(List.copyOf(added.keySet()));
        }
        return iface.cast(proxy);
    }

    Set<String> workflowNames() {
        return Set.copyOf(workflows.keySet());
    }

    RegisteredWorkflow workflow(String name) {
        return workflows.get(name);
    }

    /** A workflow method was called on a proxy. */
    Object callWorkflow(RegisteredWorkflow workflow, Object[] args) {
        StartCapture capture = StartCapture.active();
        if (capture != null) {
            capture.record(engine, workflow, args);
            return Invocations.defaultValue(workflow.method().getReturnType());
        }
        WorkflowContext parent = engine.children().workflowCode();
        if (parent != null) {
            return awaitCalled(workflow, engine.children().start(parent, null, workflow, args, null), null);
        }
        if (engine.insideWorkflow()) {
            throw new DurableException("workflow '" + workflow.name() + "' was called from inside a step of workflow '"
                    + engine.currentWorkflowId().orElse("?") + "'; a step may run again, so it cannot start a child:"
                    + " call the workflow from the workflow code (it then runs as a child), or start it in the step with"
                    + " durable.startWorkflow(id, ...) under an ID that is the same on every attempt");
        }
        return awaitCalled(workflow, engine.start(UUID.randomUUID().toString(), workflow, args, true), null);
    }

    /**
     * Starts the workflow named by a start lambda.
     *
     * @param workflowId the execution's ID
     * @param call       the lambda
     * @return its handle
     */
    public <T> WorkflowHandle<T> start(String workflowId, StartCapture.ThrowingCall call) {
        if (workflowId == null) {
            throw new IllegalArgumentException("workflow ID must not be null or blank");
        }
        return startOrDerive(workflowId, call);
    }

    /**
     * Starts the workflow named by a start lambda under a derived ID: inside workflow code the child
     * ID {@code <parentId>/<position>}, elsewhere a random UUID.
     *
     * @param call the lambda
     * @return its handle
     */
    public <T> WorkflowHandle<T> start(StartCapture.ThrowingCall call) {
        return startOrDerive(null, call);
    }

    /** Inside workflow code the workflow starts as a child; in a step or outside a workflow, as any start. */
    private <T> WorkflowHandle<T> startOrDerive(String workflowId, StartCapture.ThrowingCall call) {
        StartCapture capture = StartCapture.of(engine, call);
        WorkflowContext parent = engine.children().workflowCode();
        if (parent != null) {
            return engine.children().start(parent, workflowId, capture.workflow(), capture.arguments(), null);
        }
        return engine.start(workflowId != null ? workflowId : UUID.randomUUID().toString(), capture.workflow(),
                capture.arguments());
    }

    /** Like {@link #start(String, StartCapture.ThrowingCall)}, with a timeout or deadline. */
    public <T> WorkflowHandle<T> start(String workflowId, StartOptions options, StartCapture.ThrowingCall call) {
        StartCapture capture = StartCapture.of(engine, call);
        WorkflowContext parent = engine.children().workflowCode();
        if (parent != null) {
            return engine.children().start(parent, workflowId, capture.workflow(), capture.arguments(), options);
        }
        return engine.start(workflowId, capture.workflow(), capture.arguments(), false, options);
    }

    /** Like {@link #run(String, StartCapture.ThrowingCall)}, with a timeout or deadline. */
    public Object run(String workflowId, StartOptions options, StartCapture.ThrowingCall call) {
        StartCapture capture = StartCapture.of(engine, call);
        WorkflowContext parent = engine.children().workflowCode();
        if (parent != null) {
            return awaitCalled(capture.workflow(),
                    engine.children().start(parent, workflowId, capture.workflow(), capture.arguments(), options), null);
        }
        return awaitCalled(capture.workflow(),
                engine.start(workflowId, capture.workflow(), capture.arguments(), true, options), null);
    }

    /**
     * Starts the workflow named by a start lambda and waits for its result, rethrowing a checked
     * exception the workflow method declares as it is.
     *
     * @param workflowId the execution's ID
     * @param call       the lambda
     * @return the workflow's result
     */
    public Object run(String workflowId, StartCapture.ThrowingCall call) {
        StartCapture capture = StartCapture.of(engine, call);
        WorkflowContext parent = engine.children().workflowCode();
        if (parent != null) {
            if (workflowId == null) {
                throw new IllegalArgumentException("workflow ID must not be null or blank");
            }
            return awaitCalled(capture.workflow(),
                    engine.children().start(parent, workflowId, capture.workflow(), capture.arguments(), null), null);
        }
        return awaitCalled(capture.workflow(),
                engine.start(workflowId, capture.workflow(), capture.arguments(), true), null);
    }

    private static Object awaitCalled(RegisteredWorkflow workflow, WorkflowHandle<Object> handle, Duration timeout) {
        try {
            return handle.result(timeout);
        } catch (WorkflowFailedException e) {
            if (workflow.declares(e.getCause())) {
                throw Sneaky.rethrow(e.getCause());
            }
            throw e;
        }
    }

    private static MethodRole roleOf(Class<?> iface, Object target, Method method) {
        Workflow workflow = annotation(target, method, Workflow.class);
        Step step = annotation(target, method, Step.class);
        if (workflow != null && step != null) {
            throw new ConfigurationException(describe(iface, method) + " has both @Workflow and @Step; choose one");
        }
        String defaultName = iface.getSimpleName() + "." + method.getName();
        if (workflow != null) {
            method.trySetAccessible();
            String name = workflow.name().isBlank() ? defaultName : workflow.name();
            return new MethodRole.WorkflowMethod(new RegisteredWorkflow(name, target, method));
        }
        if (step != null) {
            String name = step.name().isBlank() ? defaultName : step.name();
            StepOptions options;
            try {
                options = StepOptions.builder()
                        .maxAttempts(step.maxAttempts())
                        .initialBackoff(Duration.ofMillis(step.initialBackoffMillis()))
                        .backoffMultiplier(step.backoffMultiplier())
                        .maxBackoff(Duration.ofMillis(step.maxBackoffMillis()))
                        .build();
            } catch (ConfigurationException e) {
                throw new ConfigurationException("@Step on " + describe(iface, method) + ": " + e.getMessage());
            }
            method.trySetAccessible();
            return new MethodRole.StepMethod(name, options);
        }
        method.trySetAccessible();
        return new MethodRole.Plain();
    }

    private static <A extends java.lang.annotation.Annotation> A annotation(Object target, Method method,
                                                                           Class<A> type) {
        A onInterface = method.getAnnotation(type);
        if (onInterface != null) {
            return onInterface;
        }
        try {
            return target.getClass().getMethod(method.getName(), method.getParameterTypes()).getAnnotation(type);
        } catch (NoSuchMethodException e) {
            return null;
        }
    }

    private static String describe(Class<?> iface, Method method) {
        return iface.getName() + "." + method.getName();
    }
}
