package io.durable.testing;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.PostgreSQLContainer;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the PostgreSQL server tests run against, once per JVM, in this order:
 * {@code DURABLE_TEST_JDBC_URL} (with {@code DURABLE_TEST_JDBC_USER}/{@code DURABLE_TEST_JDBC_PASSWORD}),
 * a server on {@code localhost:5432} as user {@code postgres}, a Testcontainers PostgreSQL where a
 * Docker engine exists. If none answers, it fails with what it tried and how to provide one: tests
 * never skip silently.
 *
 * <pre>{@code
 * PostgresServer server = PostgresServer.get();
 * String url = server.urlFor("my_test_db");
 * }</pre>
 */
public final class PostgresServer {
    /** Environment variable with an admin JDBC URL (any database on the server; used to create test databases). */
    public static final String URL_ENV = "DURABLE_TEST_JDBC_URL";
    private static final String LOCAL_URL = "jdbc:postgresql://localhost:5432/postgres";

    private static PostgresServer instance;

    private final String adminUrl;
    private final String user;
    private final String password;

    private PostgresServer(String adminUrl, String user, String password) {
        this.adminUrl = adminUrl;
        this.user = user;
        this.password = password;
    }

    /**
     * @return the server, found on first use
     * @throws IllegalStateException naming what was tried, when no server answers
     */
    public static synchronized PostgresServer get() {
        if (instance == null) {
            instance = find();
        }
        return instance;
    }

    private static PostgresServer find() {
        List<String> tried = new ArrayList<>();
        String envUrl = System.getenv(URL_ENV);
        if (envUrl != null && !envUrl.isBlank()) {
            PostgresServer server = new PostgresServer(envUrl, envOr("DURABLE_TEST_JDBC_USER", "postgres"),
                    envOr("DURABLE_TEST_JDBC_PASSWORD", null));
            String failure = server.probe();
            if (failure == null) {
                return server;
            }
            throw new IllegalStateException(URL_ENV + " is set to " + envUrl + " but it does not answer: " + failure);
        }
        PostgresServer local = new PostgresServer(LOCAL_URL, "postgres", null);
        String failure = local.probe();
        if (failure == null) {
            return local;
        }
        tried.add(LOCAL_URL + " as postgres: " + failure);
        try {
            if (DockerClientFactory.instance().isDockerAvailable()) {
                PostgreSQLContainer<?> container = new PostgreSQLContainer<>("postgres:15");
                container.start();
                Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "durable-test-postgres-stop"));
                return new PostgresServer(container.getJdbcUrl(), container.getUsername(), container.getPassword());
            }
            tried.add("Testcontainers: no Docker engine");
        } catch (RuntimeException | LinkageError e) {
            tried.add("Testcontainers: " + e);
        }
        throw new IllegalStateException("no PostgreSQL server for the tests. Tried: " + String.join("; ", tried)
                + ". Start PostgreSQL on localhost:5432 (user postgres, trust or no password), set " + URL_ENV
                + " (and DURABLE_TEST_JDBC_USER / DURABLE_TEST_JDBC_PASSWORD), or run a Docker engine.");
    }

    private String probe() {
        try (Connection ignored = DriverManager.getConnection(adminUrl, user, password)) {
            return null;
        } catch (SQLException e) {
            return e.getMessage();
        }
    }

    private static String envOr(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    /** @return the user to connect as */
    public String user() {
        return user;
    }

    /** @return the password, may be null */
    public String password() {
        return password;
    }

    /** @return a URL of the server's maintenance database, for creating and dropping test databases */
    public String adminUrl() {
        return adminUrl;
    }

    /**
     * @param database a database name on this server
     * @return a JDBC URL for it, keeping the admin URL's parameters
     */
    public String urlFor(String database) {
        int slash = adminUrl.indexOf('/', "jdbc:postgresql://".length());
        int query = adminUrl.indexOf('?');
        String base = adminUrl.substring(0, slash + 1);
        return base + database + (query >= 0 ? adminUrl.substring(query) : "");
    }

    /**
     * @return a new connection to the maintenance database
     * @throws SQLException if the server does not answer
     */
    public Connection adminConnection() throws SQLException {
        return DriverManager.getConnection(adminUrl, user, password);
    }
}
