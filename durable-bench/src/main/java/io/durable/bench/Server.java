package io.durable.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * Where the benchmark creates its databases: an admin JDBC URL (any database of the server) with
 * user and password.
 *
 * @param adminUrl e.g. {@code jdbc:postgresql://localhost:5432/postgres}
 * @param user     the user, allowed to create and drop databases
 * @param password may be null
 */
public record Server(String adminUrl, String user, String password) {
    /** Environment variable naming the admin URL. */
    public static final String URL_ENV = "DURABLE_BENCH_JDBC_URL";
    /** Environment variable naming the user. */
    public static final String USER_ENV = "DURABLE_BENCH_JDBC_USER";
    /** Environment variable with the password. */
    public static final String PASSWORD_ENV = "DURABLE_BENCH_JDBC_PASSWORD";
    static final String DEFAULT_URL = "jdbc:postgresql://localhost:5432/postgres";

    /** @return the server named by the environment, or PostgreSQL on localhost as {@code postgres} */
    public static Server fromEnvironment() {
        return new Server(env(URL_ENV, DEFAULT_URL), env(USER_ENV, "postgres"), env(PASSWORD_ENV, null));
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    /**
     * @param database a database on the same server
     * @return the admin URL pointing at that database, keeping its parameters
     */
    String urlFor(String database) {
        String prefix = "jdbc:postgresql://";
        if (!adminUrl.startsWith(prefix)) {
            throw new IllegalArgumentException("expected a jdbc:postgresql:// URL, got " + adminUrl);
        }
        int slash = adminUrl.indexOf('/', prefix.length());
        int query = adminUrl.indexOf('?');
        String hostPart = slash >= 0 ? adminUrl.substring(0, slash)
                : query >= 0 ? adminUrl.substring(0, query) : adminUrl;
        return hostPart + "/" + database + (query >= 0 ? adminUrl.substring(query) : "");
    }

    Connection connect(String url) throws SQLException {
        return DriverManager.getConnection(url, user, password);
    }
}
