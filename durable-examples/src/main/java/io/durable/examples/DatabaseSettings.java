package io.durable.examples;

import io.durable.Durable;

import java.util.Map;
import java.util.Objects;

/**
 * Where an example keeps both durable's journal and its own business tables: one database, by
 * default the SQLite file {@value #DEFAULT_SQLITE_FILE} in the working directory, or the PostgreSQL
 * database named by the same environment variables durable reads ({@code DURABLE_DATABASE_URL},
 * {@code _USER}, {@code _PASSWORD}). Every example's {@code main} starts from here, so each runs on
 * a fresh machine with nothing installed but a JDK and Maven.
 *
 * <pre>{@code
 * DatabaseSettings settings = DatabaseSettings.fromEnvironment();
 * Durable durable = Durable.builder()
 *         .jdbcUrl(settings.url(), settings.user(), settings.password())
 *         .schema("access_durable")
 *         .build();
 * }</pre>
 *
 * @param url      JDBC URL
 * @param user     database user
 * @param password password, or null for none (never printed)
 */
public record DatabaseSettings(String url, String user, String password) {
    /** The SQLite file the examples use when {@code DURABLE_DATABASE_URL} is not set. */
    public static final String DEFAULT_SQLITE_FILE = "durable-examples.db";
    /** The database used when {@code DURABLE_DATABASE_URL} is not set. */
    public static final String DEFAULT_URL = "jdbc:sqlite:" + DEFAULT_SQLITE_FILE;
    /** The user when {@code DURABLE_DATABASE_USER} is not set (SQLite ignores it). */
    public static final String DEFAULT_USER = "";

    /** Requires a URL and a user. */
    public DatabaseSettings {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(user, "user");
    }

    /**
     * @return the settings from {@code DURABLE_DATABASE_URL}, {@code DURABLE_DATABASE_USER} and
     *         {@code DURABLE_DATABASE_PASSWORD}, with defaults for what is not set
     */
    public static DatabaseSettings fromEnvironment() {
        return from(System.getenv());
    }

    static DatabaseSettings from(Map<String, String> env) {
        return new DatabaseSettings(
                orDefault(env.get(Durable.Builder.DATABASE_URL_ENV), DEFAULT_URL),
                orDefault(env.get(Durable.Builder.DATABASE_USER_ENV), DEFAULT_USER),
                orDefault(env.get(Durable.Builder.DATABASE_PASSWORD_ENV), null));
    }

    private static String orDefault(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value;
    }

    /** @return true when the tables live in a SQLite file */
    public boolean isSqlite() {
        return url.startsWith("jdbc:sqlite:");
    }

    /** @return URL and user, never the password */
    @Override
    public String toString() {
        return isSqlite() ? "SQLite file " + url.substring("jdbc:sqlite:".length()) : url + " as " + user;
    }
}
