package io.durable.internal.engine;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Map;

/** Routes calls on a registered proxy: workflows start durably, steps are checkpointed. */
final class DurableInvocationHandler implements InvocationHandler {
    private final Engine engine;
    private final Class<?> iface;
    private final Object target;
    private final Map<Method, MethodRole> roles;

    DurableInvocationHandler(Engine engine, Class<?> iface, Object target, Map<Method, MethodRole> roles) {
        this.engine = engine;
        this.iface = iface;
        this.target = target;
        this.roles = roles;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        if (method.getDeclaringClass() == Object.class) {
            return objectMethod(proxy, method, args);
        }
        MethodRole role = roles.getOrDefault(method, new MethodRole.Plain());
        if (role instanceof MethodRole.WorkflowMethod workflow) {
            return engine.registry().callWorkflow(workflow.workflow(), args);
        }
        if (role instanceof MethodRole.StepMethod step) {
            return engine.step(step.name(), step.options(), () -> Invocations.invoke(method, target, args));
        }
        return Invocations.invoke(method, target, args);
    }

    private Object objectMethod(Object proxy, Method method, Object[] args) {
        switch (method.getName()) {
            case "equals":
                return args[0] != null && Proxy.isProxyClass(args[0].getClass())
                        && Proxy.getInvocationHandler(args[0]) == this;
            case "hashCode":
                return System.identityHashCode(this);
            default:
                return "durable proxy of " + iface.getSimpleName() + " for " + target;
        }
    }
}
