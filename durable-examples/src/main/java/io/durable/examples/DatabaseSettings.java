package io.durable.examples;

import io.durable.Durable;

import java.util.Map;
import java.util.Objects;

/**
 * Where an example keeps both durable's journal and its own business tables: one PostgreSQL
 * database, {@code localhost:5432} by default, overridden by the same environment variables durable
 * reads. Every example's {@code main} starts from here, so each runs on a fresh machine with
 * PostgreSQL on localhost and nothing else configured.
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
    /** The database used when {@code DURABLE_DATABASE_URL} is not set. */
    public static final String DEFAULT_URL = "jdbc:postgresql://localhost:5432/postgres";
    /** The user when {@code DURABLE_DATABASE_USER} is not set. */
    public static final String DEFAULT_USER = "postgres";

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

    /** @return URL and user, never the password */
    @Override
    public String toString() {
        return url + " as " + user;
    }
}
