package io.durable.internal.engine;

import java.lang.reflect.Method;

/**
 * A workflow method this process can run, found by name at recovery.
 *
 * @param name   the recorded workflow name
 * @param target the implementation object
 * @param method the interface method to invoke on it
 */
record RegisteredWorkflow(String name, Object target, Method method) {

    boolean declares(Throwable checked) {
        for (Class<?> type : method.getExceptionTypes()) {
            if (type.isInstance(checked)) {
                return true;
            }
        }
        return false;
    }
}
