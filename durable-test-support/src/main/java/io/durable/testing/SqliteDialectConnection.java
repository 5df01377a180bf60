package io.durable.testing;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Statement;
import java.util.function.UnaryOperator;

/**
 * Wraps a SQLite connection so that the SQL a test writes for PostgreSQL goes through
 * {@link TestDatabase#dialect} first, on every statement the connection prepares or runs.
 */
final class SqliteDialectConnection implements InvocationHandler {
    private final Object target;
    private final UnaryOperator<String> dialect;

    private SqliteDialectConnection(Object target, UnaryOperator<String> dialect) {
        this.target = target;
        this.dialect = dialect;
    }

    static Connection wrap(Connection connection, UnaryOperator<String> dialect) {
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                new SqliteDialectConnection(connection, dialect));
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        if (args != null && args.length > 0 && args[0] instanceof String sql && takesSql(method.getName())) {
            args[0] = dialect.apply(sql);
        }
        Object result;
        try {
            result = method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
        if (result instanceof Statement statement && method.getName().equals("createStatement")) {
            return Proxy.newProxyInstance(Statement.class.getClassLoader(), new Class<?>[] {Statement.class},
                    new SqliteDialectConnection(statement, dialect));
        }
        return result;
    }

    private static boolean takesSql(String method) {
        return method.startsWith("prepare") || method.startsWith("execute") || method.equals("addBatch")
                || method.equals("nativeSQL");
    }
}
