package io.durable.jdbc;

import javax.sql.DataSource;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Wraps a DataSource and records the SQL of every statement executed through it. */
final class CountingDataSource {
    private final List<String> executed = new ArrayList<>();

    DataSource wrap(DataSource target) {
        return (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    Object result = call(method, target, args);
                    return method.getName().equals("getConnection") ? connection((Connection) result) : result;
                });
    }

    synchronized List<String> statements() {
        return List.copyOf(executed);
    }

    synchronized void reset() {
        executed.clear();
    }

    synchronized long count(String sqlFragment) {
        return executed.stream().filter(sql -> sql.contains(sqlFragment)).count();
    }

    private synchronized void record(String sql) {
        executed.add(sql);
    }

    private Connection connection(Connection target) {
        return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    Object result = call(method, target, args);
                    if (result instanceof Statement statement && method.getName().startsWith("prepare")) {
                        return statement(statement, (String) args[0]);
                    }
                    if (result instanceof Statement statement) {
                        return statement(statement, null);
                    }
                    return result;
                });
    }

    private Statement statement(Statement target, String preparedSql) {
        Class<?>[] interfaces = target.getClass().getInterfaces().length == 0 ? new Class<?>[] {Statement.class}
                : allStatementInterfaces(target);
        InvocationHandler handler = (proxy, method, args) -> {
            if (method.getName().startsWith("execute")) {
                record(preparedSql != null ? preparedSql : args != null && args.length > 0 ? String.valueOf(args[0]) : "?");
            }
            return call(method, target, args);
        };
        return (Statement) Proxy.newProxyInstance(getClass().getClassLoader(), interfaces, handler);
    }

    private static Class<?>[] allStatementInterfaces(Statement target) {
        List<Class<?>> interfaces = new ArrayList<>();
        for (Class<?> type : List.of(java.sql.CallableStatement.class, java.sql.PreparedStatement.class, Statement.class)) {
            if (type.isInstance(target)) {
                interfaces.add(type);
                break;
            }
        }
        return interfaces.toArray(new Class<?>[0]);
    }

    private static Object call(Method method, Object target, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
