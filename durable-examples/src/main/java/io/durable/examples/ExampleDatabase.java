package io.durable.examples;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Plain JDBC on an example's business tables: each example keeps them in its own schema of the
 * database durable uses, next to (not inside) durable's own schema. No pool: the examples make a
 * handful of business writes, and a connection per transaction keeps the code obvious.
 *
 * <p>The examples' SQL is written for PostgreSQL; in a SQLite file (which has no schemas) {@link #sql}
 * turns {@code shop.orders} into {@code shop_orders} and PostgreSQL-only clauses into their SQLite
 * equivalents, so every example runs on both.
 *
 * <pre>{@code
 * ExampleDatabase db = new ExampleDatabase(DatabaseSettings.fromEnvironment());
 * db.execute("CREATE SCHEMA IF NOT EXISTS access");
 * long open = db.inTransaction(c -> ExampleDatabase.queryLong(c,
 *         "SELECT count(*) FROM access.requests WHERE status = ?", "PENDING_APPROVAL"));
 * }</pre>
 */
public class ExampleDatabase {
    /** An example's schema-qualified table name: SQLite has no schemas, so it becomes {@code schema_table}. */
    private static final Pattern SCHEMA_QUALIFIED = Pattern.compile("\\b(shop|access|agent|fanout)\\.([a-z_]+)\\b");
    private final DatabaseSettings settings;

    /**
     * @param settings where the tables live
     */
    public ExampleDatabase(DatabaseSettings settings) {
        this.settings = settings;
    }

    /** @return the database these tables live in */
    public DatabaseSettings settings() {
        return settings;
    }

    /**
     * Runs statements (typically {@code CREATE ... IF NOT EXISTS}) in autocommit, in order.
     *
     * @param sql the statements
     * @throws IllegalStateException naming the database when one fails
     */
    public void execute(String... sql) {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            for (String each : sql) {
                String statement = forDatabase(c, each);
                if (statement != null) {
                    s.execute(statement);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot set up tables in " + settings + ": " + e.getMessage(), e);
        }
    }

    /**
     * Runs work in one transaction: committed if it returns, rolled back if it throws.
     *
     * @param work the statements
     * @param <T>  what the work returns
     * @return what the work returned
     */
    public <T> T inTransaction(Work<T> work) {
        try (Connection c = connect()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("business database: " + e.getMessage(), e);
        }
    }

    /**
     * Runs work on a connection whose transaction someone else owns (a transactional step's), with
     * SQL failures rethrown unchecked (their cause keeps the SQLSTATE, which durable reads to rerun a
     * transaction that hit a serialization failure or a deadlock).
     *
     * @param c    the connection, in its owner's transaction
     * @param work the statements
     * @param <T>  what the work returns
     * @return what the work returned
     */
    public static <T> T onConnection(Connection c, Work<T> work) {
        try {
            return work.run(c);
        } catch (SQLException e) {
            throw new IllegalStateException("business database: " + e.getMessage(), e);
        }
    }

    /**
     * Runs one statement with positional arguments.
     *
     * @param c    the connection
     * @param sql  the statement
     * @param args its arguments
     * @return the number of rows changed
     * @throws SQLException when the statement fails
     */
    public static int update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, args)) {
            return ps.executeUpdate();
        }
    }

    /**
     * Prepares a statement and binds positional arguments.
     *
     * @param c    the connection
     * @param sql  the statement
     * @param args its arguments
     * @return the statement, to close
     * @throws SQLException when it cannot be prepared
     */
    public static PreparedStatement prepare(Connection c, String sql, Object... args) throws SQLException {
        PreparedStatement ps = c.prepareStatement(forDatabase(c, sql));
        for (int i = 0; i < args.length; i++) {
            ps.setObject(i + 1, args[i]);
        }
        return ps;
    }

    /**
     * @param c    the connection
     * @param sql  a query returning one number
     * @param args its arguments
     * @return the first column of the first row, 0 when there is no row
     * @throws SQLException when the query fails
     */
    public static long queryLong(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, args); ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    /**
     * @param c    the connection
     * @param sql  a query returning one text column
     * @param args its arguments
     * @return the first column of every row, in order
     * @throws SQLException when the query fails
     */
    public static List<String> queryStrings(Connection c, String sql, Object... args) throws SQLException {
        List<String> values = new ArrayList<>();
        try (PreparedStatement ps = prepare(c, sql, args); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }

    private Connection connect() throws SQLException {
        if (settings.isSqlite()) {
            // Waits for durable's own writes to the file instead of failing at once with SQLITE_BUSY,
            // and takes the write lock when a transaction begins (no lock upgrade that could fail).
            String url = settings.url();
            return DriverManager.getConnection(url + (url.contains("?") ? "&" : "?")
                    + "busy_timeout=10000&transaction_mode=IMMEDIATE");
        }
        return DriverManager.getConnection(settings.url(), settings.user(), settings.password());
    }

    private static String forDatabase(Connection c, String sql) throws SQLException {
        return "SQLite".equals(c.getMetaData().getDatabaseProductName()) ? sql(sql) : sql;
    }

    private static final String SQLITE_NOW = "strftime('%Y-%m-%d %H:%M:%f', 'now')";

    /**
     * @param postgresql an example's statement, written for PostgreSQL
     * @return the same statement for SQLite, or null for one SQLite does not need ({@code CREATE
     *         SCHEMA}, and {@code ADD COLUMN IF NOT EXISTS}, which only upgrades tables of an older demo)
     */
    public static String sql(String postgresql) {
        if (postgresql.startsWith("CREATE SCHEMA") || postgresql.contains("ADD COLUMN IF NOT EXISTS")) {
            return null;
        }
        return SCHEMA_QUALIFIED.matcher(postgresql).replaceAll("$1_$2")
                .replace(" FOR UPDATE", "")
                // Milliseconds, so that rows written one after another sort in that order.
                .replace("DEFAULT now()", "DEFAULT (" + SQLITE_NOW + ")")
                .replace("now()", SQLITE_NOW)
                .replaceAll("bigint GENERATED BY DEFAULT AS IDENTITY \\(START WITH \\d+\\) PRIMARY KEY",
                        "INTEGER PRIMARY KEY");
    }


    /**
     * Database work run by {@link #inTransaction}.
     *
     * <pre>{@code
     * db.inTransaction(c -> ExampleDatabase.update(c, "DELETE FROM access.role_assignments WHERE request_id = ?", id));
     * }</pre>
     *
     * @param <T> what it returns
     */
    @FunctionalInterface
    public interface Work<T> {
        /**
         * @param c the connection, in a transaction
         * @return a result
         * @throws SQLException when a statement fails
         */
        T run(Connection c) throws SQLException;
    }
}
