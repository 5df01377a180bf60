package io.durable.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension: each test class gets its own new database, injected as a {@link TestDatabase}
 * parameter (constructor, lifecycle or test method) and dropped after the class.
 *
 * <pre>{@code
 * @ExtendWith(FreshDatabase.class)
 * class MyTest {
 *     @Test
 *     void works(TestDatabase db) { ... }
 * }
 * }</pre>
 */
public final class FreshDatabase implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(FreshDatabase.class);

    /** Used by JUnit. */
    public FreshDatabase() {
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        database(context);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        TestDatabase db = context.getStore(NAMESPACE).remove(key(context), TestDatabase.class);
        if (db != null) {
            db.close();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == TestDatabase.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return database(context);
    }

    private static TestDatabase database(ExtensionContext context) {
        ExtensionContext classContext = context;
        while (classContext.getParent().isPresent() && classContext.getTestMethod().isPresent()) {
            classContext = classContext.getParent().get();
        }
        String prefix = classContext.getRequiredTestClass().getSimpleName();
        return classContext.getStore(NAMESPACE).getOrComputeIfAbsent(key(classContext),
                k -> TestDatabase.create(prefix), TestDatabase.class);
    }

    private static String key(ExtensionContext context) {
        return context.getRequiredTestClass().getName();
    }
}
