package io.durable.bench;

import javax.sql.DataSource;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Wraps a DataSource and counts every SQL statement executed through it ({@code execute*} calls on
 * statements of its connections), by SQL text. Statements the driver runs on its own (metadata
 * lookups) are not counted. Kept cheap on the hot path: one map lookup per statement (the SQL
 * strings are constants), proxies built from cached constructors; classification happens at the end.
 */
final class CountingDataSource {
    private final LongAdder total = new LongAdder();
    private final Map<String, LongAdder> bySql = new ConcurrentHashMap<>();
    private final Map<Class<?>, Constructor<?>> proxyConstructors = new ConcurrentHashMap<>();

    DataSource wrap(DataSource target) {
        return (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    Object result = call(method, target, args);
                    return method.getName().equals("getConnection") ? connection((Connection) result) : result;
                });
    }

    long total() {
        return total.sum();
    }

    /** @return statement counts by kind (verb and table), sorted */
    Map<String, Long> byKind() {
        Map<String, Long> out = new TreeMap<>();
        bySql.forEach((sql, count) -> out.merge(kind(sql), count.sum(), Long::sum));
        return out;
    }

    void reset() {
        total.reset();
        bySql.clear();
    }

    private void record(String sql) {
        total.increment();
        String key = sql == null ? "?" : sql;
        LongAdder count = bySql.get(key);
        if (count == null) {
            count = bySql.computeIfAbsent(key, k -> new LongAdder());
        }
        count.increment();
    }

    /** {@code INSERT durable.steps}, {@code SELECT durable.steps}, {@code UPDATE durable.workflows}... */
    static String kind(String sql) {
        String s = sql.trim().replaceAll("\\s+", " ");
        String verb = s.contains(" ") ? s.substring(0, s.indexOf(' ')).toUpperCase(java.util.Locale.ROOT) : s;
        String table = "";
        for (String marker : new String[] {" INTO ", " FROM ", "UPDATE "}) {
            int at = s.toUpperCase(java.util.Locale.ROOT).indexOf(marker);
            if (at >= 0) {
                String rest = s.substring(at + marker.length()).trim();
                table = rest.split("[ (]", 2)[0];
                break;
            }
        }
        return table.isEmpty() ? verb : verb + " " + table;
    }

    private Connection connection(Connection target) {
        return (Connection) proxy(Connection.class, (proxy, method, args) -> {
            Object result = call(method, target, args);
            if (result instanceof Statement statement) {
                String sql = method.getName().startsWith("prepare") ? (String) args[0] : null;
                return statement(statement, sql);
            }
            return result;
        });
    }

    private Statement statement(Statement target, String preparedSql) {
        Class<?> type = target instanceof CallableStatement ? CallableStatement.class
                : target instanceof PreparedStatement ? PreparedStatement.class : Statement.class;
        return (Statement) proxy(type, (proxy, method, args) -> {
            if (method.getName().startsWith("execute")) {
                record(preparedSql != null ? preparedSql
                        : args != null && args.length > 0 ? String.valueOf(args[0]) : null);
            }
            return call(method, target, args);
        });
    }

    private Object proxy(Class<?> type, InvocationHandler handler) {
        Constructor<?> constructor = proxyConstructors.computeIfAbsent(type, t -> {
            try {
                return Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {t}, handler).getClass()
                        .getConstructor(InvocationHandler.class);
            } catch (NoSuchMethodException e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            return constructor.newInstance(handler);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create a counting proxy of " + type, e);
        }
    }

    private static Object call(Method method, Object target, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
