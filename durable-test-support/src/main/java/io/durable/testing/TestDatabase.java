package io.durable.testing;

import org.postgresql.ds.PGSimpleDataSource;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

/**
 * A fresh PostgreSQL database for one test class, dropped afterwards. Created through
 * {@link FreshDatabase}; can also be created directly.
 *
 * <pre>{@code
 * try (TestDatabase db = TestDatabase.create("my_test")) {
 *     Durable durable = Durable.builder().jdbcUrl(db.url(), db.user(), db.password()).build();
 * }
 * }</pre>
 */
public final class TestDatabase implements AutoCloseable {
    private final PostgresServer server;
    private final String name;

    private TestDatabase(PostgresServer server, String name) {
        this.server = server;
        this.name = name;
    }

    /**
     * Creates a database named after the prefix plus a random suffix.
     *
     * @param prefix readable part of the name (e.g. the test class)
     * @return the new, empty database
     */
    public static TestDatabase create(String prefix) {
        PostgresServer server = PostgresServer.get();
        String clean = prefix.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "_");
        if (clean.length() > 40) {
            clean = clean.substring(clean.length() - 40);
        }
        String name = "dt_" + clean + "_" + UUID.randomUUID().toString().substring(0, 8);
        try (Connection c = server.adminConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database " + name + ": " + e.getMessage(), e);
        }
        return new TestDatabase(server, name);
    }

    /** @return the database name */
    public String name() {
        return name;
    }

    /** @return its JDBC URL */
    public String url() {
        return server.urlFor(name);
    }

    /** @return the user */
    public String user() {
        return server.user();
    }

    /** @return the password, may be null */
    public String password() {
        return server.password();
    }

    /** @return an unpooled DataSource on the database */
    public DataSource dataSource() {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(url());
        ds.setUser(user());
        if (password() != null) {
            ds.setPassword(password());
        }
        return ds;
    }

    /**
     * @return a new connection to the database (autocommit)
     * @throws SQLException if it cannot connect
     */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(url(), user(), password());
    }

    /**
     * Runs one statement and returns the first column of the first row as a long (e.g. a count).
     *
     * @param sql the query
     * @return the value, or 0 when there is no row
     */
    public long queryLong(String sql) {
        try (Connection c = connect(); Statement s = c.createStatement(); var rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : 0;
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    /**
     * Runs statements (DDL, inserts) in autocommit.
     *
     * @param sql the statements
     */
    public void execute(String... sql) {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            for (String each : sql) {
                s.execute(each);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** Drops the database, ending any session still connected to it. */
    @Override
    public void close() {
        try (Connection c = server.adminConnection(); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot drop test database " + name + ": " + e.getMessage(), e);
        }
    }
}
